"""Uploads served by the site itself (SERVE_MEDIA): cached for a year, with validators and 304s.

(Which files are shown inline and which are downloads is tests/test_security.py's concern.)
"""

import hashlib
import io
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils.http import parse_http_date
from PIL import Image

pytestmark = [pytest.mark.urls("tests.media_urls"), pytest.mark.django_db]

YEAR = {"public", "max-age=31536000", "immutable"}
FOLDER = "library/2026/12"


def picture(fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 90, 160)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def uploads(settings):
    """A picture of each stored type and one other file, on disk under MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT) / FOLDER
    root.mkdir(parents=True)
    files = {
        "jpg": picture("JPEG"),
        "png": picture("PNG"),
        "webp": picture("WEBP"),
        "pdf": b"%PDF-1.4 not really a document, and served as a download",
    }
    for ext, data in files.items():
        (root / f"harbour-0123456789ab.{ext}").write_bytes(data)
    return {
        ext: {"url": f"/media/{FOLDER}/harbour-0123456789ab.{ext}", "data": data, "path": root}
        for ext, data in files.items()
    }


def directives(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.mark.parametrize(
    ("ext", "content_type"),
    [
        ("jpg", "image/jpeg"),
        ("png", "image/png"),
        ("webp", "image/webp"),
        ("pdf", "application/octet-stream"),
    ],
)
def test_a_file_is_cached_for_a_year_with_validators(client, uploads, ext, content_type):
    upload = uploads[ext]
    response = client.get(upload["url"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == upload["data"]
    assert response["Content-Type"] == content_type
    assert directives(response) == YEAR
    # A strong ETag of the file's bytes: the same whichever process or server serves it.
    assert response["ETag"] == f'"{hashlib.sha256(upload["data"]).hexdigest()[:32]}"'
    stat = (upload["path"] / f"harbour-0123456789ab.{ext}").stat()
    assert parse_http_date(response["Last-Modified"]) == int(stat.st_mtime)


@pytest.mark.parametrize("encoding", ["gzip", "br", "gzip, deflate, br, zstd"])
def test_pictures_are_sent_as_they_are_stored(client, uploads, encoding):
    """Already compressed: never encoded again, whatever the client accepts."""
    response = client.get(uploads["jpg"]["url"], headers={"Accept-Encoding": encoding})
    assert "Content-Encoding" not in response
    assert b"".join(response.streaming_content) == uploads["jpg"]["data"]


@pytest.mark.parametrize("validator", ["ETag", "Last-Modified"])
def test_a_repeat_request_gets_not_modified_with_the_same_headers(client, uploads, validator):
    first = client.get(uploads["jpg"]["url"])
    condition = {"ETag": "If-None-Match", "Last-Modified": "If-Modified-Since"}[validator]
    again = client.get(uploads["jpg"]["url"], headers={condition: first[validator]})
    assert again.status_code == 304
    assert again.content == b""
    for header in ("ETag", "Last-Modified", "Cache-Control"):
        assert again[header] == first[header], header


def test_a_failed_precondition_is_not_cached(client, uploads):
    response = client.get(uploads["jpg"]["url"], headers={"If-Match": '"another-version"'})
    assert response.status_code == 412
    assert "Cache-Control" not in response


def test_a_file_that_changed_on_disk_is_sent_again(client, uploads):
    """Names are never reused, but an operator may restore a file: its bytes decide."""
    upload = uploads["png"]
    first = client.get(upload["url"])
    file = upload["path"] / "harbour-0123456789ab.png"
    file.write_bytes(uploads["jpg"]["data"])
    later = os.stat(file).st_mtime_ns + 5_000_000_000
    os.utime(file, ns=(later, later))
    again = client.get(upload["url"], headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert b"".join(again.streaming_content) == uploads["jpg"]["data"]


def test_a_range_request_gets_the_whole_file(client, uploads):
    """Ranges are not served (docs/performance.md): the answer is the whole file, never a
    wrong slice."""
    response = client.get(uploads["jpg"]["url"], headers={"Range": "bytes=0-9"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == uploads["jpg"]["data"]


@pytest.mark.parametrize("path", ["", FOLDER, f"{FOLDER}/", f"{FOLDER}/missing.jpg"])
def test_folders_and_missing_files_are_not_found(client, uploads, path):
    response = client.get(f"/media/{path}")
    assert response.status_code == 404
    assert "immutable" not in response.get("Cache-Control", "")


def test_readers_submissions_are_never_served(client, settings):
    """Stored outside MEDIA_ROOT: no address under /media/ reaches them."""
    client.raise_request_exception = False
    name = storages["submissions"].save("2026/12/letter.jpg", ContentFile(picture("JPEG")))
    root = Path(settings.SUBMISSIONS_ROOT)
    assert (root / name).exists()
    assert not (root / name).is_relative_to(settings.MEDIA_ROOT)
    relative = os.path.relpath(root / name, settings.MEDIA_ROOT)
    for path in [name, f"submissions/{name}", relative]:
        assert client.get(f"/media/{path}").status_code in {400, 404}, path
