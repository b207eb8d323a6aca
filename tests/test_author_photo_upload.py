"""An author's photo uploaded in the admin is cleaned as every stored picture is."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from authors.models import Author
from tests.conftest import parse, text_of

pytestmark = pytest.mark.django_db


def author_data(photo):
    return {
        "name": "Rosa Field",
        "slug": "rosa-field",
        "role": "Reporter",
        "bio": "",
        "photo": photo,
        "website_url": "",
        "x_url": "",
        "instagram_url": "",
        "linkedin_url": "",
        "email": "",
    }


def portrait(**options):
    buffer = io.BytesIO()
    Image.new("RGB", (400, 400), (120, 100, 90)).save(buffer, "JPEG", **options)
    return buffer.getvalue()


def test_an_author_photo_is_stored_without_location_or_comment(editor):
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)}
    content = portrait(exif=exif, comment=b"<script>alert(1)</script>")
    response = editor.post(
        "/admin/authors/author/add/", author_data(SimpleUploadedFile("rosa.jpg", content))
    )
    assert response.status_code == 302
    with Author.objects.get().photo.open("rb") as handle:
        stored = handle.read()
    assert b"<script" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert "comment" not in image.info


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (portrait()[:600], "The picture is incomplete or damaged"),
        (b"Not a picture at all.\n" * 20, "The file is not a picture, whatever its name says."),
    ],
)
def test_a_photo_the_library_refuses_is_refused_in_its_words(editor, content, message):
    response = editor.post(
        "/admin/authors/author/add/", author_data(SimpleUploadedFile("rosa.jpg", content))
    )
    assert response.status_code == 200
    assert message in text_of(parse(response).select_one(".field-photo .errorlist"))
    assert not Author.objects.exists()
