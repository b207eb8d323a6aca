"""A featured picture uploaded on the article form passes the same checks as the library."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from articles.models import Article
from tests.conftest import parse, text_of
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def draft_data(**extra):
    return {
        "headline": "Draft With Picture",
        "slug": "draft-with-picture",
        "status": "draft",
        "article_authors-TOTAL_FORMS": "0",
        "article_authors-INITIAL_FORMS": "0",
        "related_links-TOTAL_FORMS": "0",
        "related_links-INITIAL_FORMS": "0",
        **extra,
    }


def upload(name, fmt, exif=None):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), (200, 30, 30)).save(
        buffer, fmt, **({"exif": exif} if exif else {})
    )
    return SimpleUploadedFile(name, buffer.getvalue())


def test_a_bmp_named_jpg_is_refused_with_a_message(editor):
    response = editor.post(
        "/admin/articles/article/add/", draft_data(featured_image=upload("photo.jpg", "BMP"))
    )
    assert response.status_code == 200
    errors = text_of(parse(response).select_one(".field-featured_image .errorlist"))
    assert "BMP" in errors
    assert not Article.objects.exists()


def test_location_data_is_removed_from_a_featured_picture(editor):
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)}
    response = editor.post(
        "/admin/articles/article/add/", draft_data(featured_image=upload("walk.jpg", "JPEG", exif))
    )
    assert response.status_code == 302
    article = Article.objects.get()
    with article.featured_image.open("rb") as handle, Image.open(handle) as stored:
        assert stored.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert stored.size == (640, 360)


def test_an_edit_without_a_new_upload_keeps_the_stored_picture(editor):
    from tests.factories import image_file

    article = ArticleFactory(
        status="draft", slug="draft-with-picture", featured_image=image_file("kept.jpg")
    )
    stored = article.featured_image.name
    response = editor.post(
        f"/admin/articles/article/{article.pk}/change/", draft_data(headline="Renamed")
    )
    assert response.status_code == 302, parse(response).select(".errorlist")
    article.refresh_from_db()
    assert (article.headline, article.featured_image.name) == ("Renamed", stored)


def test_an_uploaded_featured_picture_joins_the_library(editor):
    from library.models import Image as LibraryImage

    data = draft_data(
        featured_image=upload("quay.jpg", "JPEG"),
        featured_image_alt="The quay",
        featured_image_credit="Ann Roe",
    )
    assert editor.post("/admin/articles/article/add/", data).status_code == 302
    article = Article.objects.get()
    entry = article.featured_library_image
    assert entry is not None and entry.file.name == article.featured_image.name
    assert (entry.alt_text, entry.credit, entry.width) == ("The quay", "Ann Roe", 640)
    assert LibraryImage.objects.count() == 1


def test_a_picture_chosen_from_the_library_becomes_the_featured_image(editor):
    from library.uploads import add_image
    from tests.test_library import after_commit

    with after_commit():
        picture = add_image(
            file=upload("harbour.jpg", "JPEG"),
            uploaded_by=editor.user,
            alt_text="Boats in the harbour",
            caption="Morning at the harbour.",
            credit="Jane Doe / Newsroom",
        )
    picture.refresh_from_db()
    response = editor.post(
        "/admin/articles/article/add/",
        draft_data(featured_library_image=picture.pk, featured_image_credit="Own words"),
    )
    assert response.status_code == 302, parse(response).select(".errorlist")
    article = Article.objects.get()
    assert article.featured_image.name == picture.file.name
    assert (article.featured_image_width, article.featured_image_height) == (640, 360)
    assert article.featured_image_alt == "Boats in the harbour"  # filled from the library
    assert article.featured_image_caption == "Morning at the harbour."
    assert article.featured_image_credit == "Own words"  # what the editor typed wins
    assert article.featured_image_renditions  # WebP copies for the page's srcset


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "notes.jpg",
            b"Dear editor, this is a letter, not a picture.\n" * 20,
            "The file is not a picture, whatever its name says.",
        ),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "SVG drawings are not accepted: they can carry scripts.",
        ),
    ],
)
def test_a_file_that_is_no_picture_is_refused_in_the_librarys_words(editor, name, content, message):
    response = editor.post(
        "/admin/articles/article/add/",
        draft_data(featured_image=SimpleUploadedFile(name, content)),
    )
    assert response.status_code == 200
    errors = text_of(parse(response).select_one(".field-featured_image .errorlist"))
    assert message in errors
    assert not Article.objects.exists()


def test_a_featured_picture_with_a_long_name_is_stored_under_a_shorter_one(editor):
    response = editor.post(
        "/admin/articles/article/add/",
        draft_data(featured_image=upload("a" * 150 + ".jpg", "JPEG")),
    )
    assert response.status_code == 302
    assert len(Article.objects.get().featured_image.name) <= 100
