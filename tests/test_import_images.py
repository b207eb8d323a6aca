"""Pictures that arrive through `import_articles` are cleaned exactly as uploads are.

Featured images, author photos and body images pass `library.uploads.clean_image`: decoded
whole, re-encoded, stripped of location data, comments and trailing bytes, turned upright;
a file the web upload refuses fails its line with the web upload's own words, and nothing of
that line is stored.
"""

import hashlib
import io
import json
import random
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import ExifTags
from PIL import Image as Pillow

from articles.models import Article
from authors.models import Author
from library.models import Image
from tests.conftest import parse, text_of
from tests.factories import png_declaring

pytestmark = pytest.mark.django_db

ORIENTATION = 0x0112


def encoded(image, fmt="JPEG", **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def photo_with_location():
    """A phone photo stored on its side (600 × 300, shown 300 × 600), with GPS and a maker."""
    exif = Pillow.Exif()
    exif[ORIENTATION] = 6  # "turn 90° clockwise to view"
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)}
    content = encoded(Pillow.new("RGB", (600, 300), (200, 80, 40)), exif=exif)
    with Pillow.open(io.BytesIO(content)) as check:  # the test's own premise
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    return content


def truncated_jpeg():
    """A JPEG of random pixels cut short: its header reads fine, its scan never ends."""
    pixels = random.Random(4).randbytes(400 * 300 * 3)
    return encoded(Pillow.frombytes("RGB", (400, 300), pixels), quality=95)[:20_000]


def record(n=1, **overrides):
    data = {
        "source": {"system": "oldcms", "id": f"story-{n}"},
        "headline": f"Story Number {n}",
        "body_html": f"<p>Body of story {n}.</p>",
        "section": "News",
        "authors": [{"name": "Rosa Field", "slug": "rosa-field"}],
        "status": "published",
        "published_at": "2024-05-01T09:30:00+01:00",
    }
    data.update(overrides)
    return data


def run_import(folder, *lines, files=()):
    for name, content in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    path = folder / "a.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", str(path), stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


def stored_bytes(name):
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def featured(src):
    return {"src": src, "alt": "A picture", "credit": "Jane Doe"}


def test_an_imported_featured_photo_loses_its_location_and_is_stored_upright(tmp_path):
    ok, _, err = run_import(
        tmp_path,
        record(1, featured_image=featured("images/phone.jpg")),
        files=[("images/phone.jpg", photo_with_location())],
    )
    assert ok, err
    article = Article.objects.get()
    with (
        default_storage.open(article.featured_image.name, "rb") as handle,
        Pillow.open(handle) as stored,
    ):
        assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert ExifTags.Base.Make not in stored.getexif()
        assert "exif" not in stored.info
        assert stored.size == (300, 600)
    assert (article.featured_image.width, article.featured_image.height) == (300, 600)


def test_an_imported_png_keeps_none_of_the_bytes_after_its_end(tmp_path):
    hidden = b"PK\x03\x04 a zip archive riding after the picture"
    png = encoded(Pillow.new("RGB", (80, 60), (10, 120, 30)), "PNG") + hidden
    body = '<p>Look:</p><figure><img src="images/chart.png" alt="A chart"></figure>'
    ok, _, err = run_import(tmp_path, record(1, body_html=body), files=[("images/chart.png", png)])
    assert ok, err
    [name] = [n for n in stored_files() if n.startswith("articles/body/")]
    content = stored_bytes(name)
    assert hidden not in content
    assert content.endswith(b"IEND\xaeB`\x82")


def test_an_imported_author_photo_loses_a_script_in_its_jpeg_comment(tmp_path):
    comment = b"<script>alert(document.cookie)</script>"
    content = encoded(Pillow.new("RGB", (120, 120), (90, 90, 90)), comment=comment)
    with Pillow.open(io.BytesIO(content)) as check:  # the test's own premise
        assert check.info["comment"] == comment
    line = record(1, authors=[{"name": "Rosa Field", "slug": "rosa-field", "photo": "p.jpg"}])
    ok, _, err = run_import(tmp_path, line, files=[("p.jpg", content)])
    assert ok, err
    stored = stored_bytes(Author.objects.get().photo.name)
    assert b"<script" not in stored
    with Pillow.open(io.BytesIO(stored)) as image:
        assert "comment" not in image.info


def test_a_truncated_jpeg_fails_its_line_and_nothing_of_it_is_created(tmp_path):
    ok, out, err = run_import(
        tmp_path,
        record(1),
        record(2, featured_image=featured("images/cut.jpg")),
        files=[("images/cut.jpg", truncated_jpeg())],
    )
    assert not ok
    assert "a.jsonl, line 2: featured_image: 'images/cut.jpg': The picture is incomplete" in err
    assert "article: 1 created, 0 updated, 0 unchanged, 0 skipped, 1 failed" in out
    assert list(Article.objects.values_list("source_id", flat=True)) == ["story-1"]
    assert stored_files() == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("cut.jpg", truncated_jpeg(), id="truncated-jpeg"),
        pytest.param("bomb.png", png_declaring(30_000, 30_000), id="decompression-bomb"),
        pytest.param("flood.png", png_declaring(8_000, 8_000), id="pixel-flood"),
        pytest.param("scan.jpg", encoded(Pillow.new("RGB", (30, 20)), "BMP"), id="bmp"),
        pytest.param("notes.jpg", b"Dear editor, this is a letter.\n" * 20, id="not-a-picture"),
    ],
)
def test_a_file_the_upload_refuses_is_refused_by_the_import_in_the_same_words(
    tmp_path, client, django_user_model, name, content
):
    editor = django_user_model.objects.create_superuser("ed", "ed@example.com", "a-long-pass-1")
    client.force_login(editor)
    response = client.post(
        reverse("admin:library_image_add"),
        {
            "file": SimpleUploadedFile(name, content),
            "alt_text": "A picture",
            "credit": "Jane Doe",
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
    )
    [web_message] = [text_of(node) for node in parse(response).select(".field-file .errorlist li")]
    ok, _, err = run_import(
        tmp_path, record(1, featured_image=featured(name)), files=[(name, content)]
    )
    assert not ok
    assert f"line 1: featured_image: {name!r}: {web_message}" in err
    assert not Article.objects.exists() and not Image.objects.exists()


def test_stored_names_come_from_the_cleaned_bytes_and_a_second_run_changes_nothing(tmp_path):
    files = [("images/phone.jpg", photo_with_location())]
    lines = [record(1, featured_image=featured("images/phone.jpg"))]
    assert run_import(tmp_path, *lines, files=files)[0]
    name = Article.objects.get().featured_image.name
    assert name.startswith(
        f"articles/featured/{hashlib.sha256(stored_bytes(name)).hexdigest()[:16]}-"
    )
    before = stored_files()

    ok, out, _ = run_import(tmp_path, *lines, files=files)
    assert ok and "article: 0 created, 0 updated, 1 unchanged, 0 skipped, 0 failed" in out
    assert Article.objects.get().featured_image.name == name
    assert stored_files() == before
