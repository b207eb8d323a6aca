"""What readers attach to a submission: files are known by their content, never their name;
pictures are re-encoded before they are stored; anything else, or anything too large, is
refused with an error that names the file, and nothing is kept."""

import io
import random
import struct
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from submissions.models import Submission, SubmissionFile
from tests.conftest import parse, text_of
from tests.factories import png_declaring

pytestmark = pytest.mark.django_db

SUBMIT = "/submit/"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.SUBMISSIONS_ROOT = tmp_path / "submissions"
    return settings.SUBMISSIONS_ROOT


# Files made in memory ---------------------------------------------------------------------


def encoded(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def picture_bytes(size=(320, 200), fmt="PNG", color=(30, 120, 200)):
    return encoded(Image.new("RGB", size, color), fmt)



def cut_jpeg():
    """The first part of a JPEG of noise: its scan stops half way."""
    pixels = random.Random(7).randbytes(400 * 300 * 3)
    return encoded(Image.frombytes("RGB", (400, 300), pixels), "JPEG", quality=95)[:20_000]


def mp4(name="clip.mp4", brand=b"isom", size=4000):
    """The start of an MP4 file: an `ftyp` box naming its brand, then (unplayable) data."""
    ftyp = b"ftyp" + brand + b"\x00\x00\x02\x00" + b"isomiso2avc1mp41"
    return SimpleUploadedFile(
        name, struct.pack(">I", len(ftyp) + 4) + ftyp + bytes(size), content_type="video/mp4"
    )


def webm(name="clip.webm", size=4000):
    """An EBML header with DocType "webm", then (unplayable) data."""
    header = (
        b"\x42\x86\x81\x01"  # EBMLVersion 1
        b"\x42\xf7\x81\x01"  # EBMLReadVersion 1
        b"\x42\x82\x84webm"  # DocType "webm"
        b"\x42\x87\x81\x04"  # DocTypeVersion 4
    )
    data = b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(header)]) + header + bytes(size)
    return SimpleUploadedFile(name, data, content_type="video/webm")


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def form_data(**changes):
    return {
        "name": "Sam Reader",
        "email": "sam@example.com",
        "story": "",
        "link": "",
        "filmed_where": "",
        "filmed_on": timezone.localdate().isoformat(),
        "rights": "on",
        "licence": "on",
        **changes,
    }


def send(client, *files, **fields):
    return client.post(SUBMIT, {**form_data(**fields), "files": list(files)})


def file_errors(response):
    node = parse(response).select_one("#id_files_error")
    return text_of(node) if node else ""


def stored_files(root):
    root = Path(root)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def assert_nothing_kept(private_root, mailoutbox):
    assert Submission.objects.count() == 0
    assert SubmissionFile.objects.count() == 0
    assert stored_files(private_root) == []
    assert mailoutbox == []


# Hostile files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "bomb.png",
            png_declaring(30_000, 30_000),
            "more pixels than it is safe to open (a decompression bomb",
            id="decompression-bomb",
        ),
        pytest.param(
            "flood.png",
            png_declaring(8_000, 8_000),
            "8,000 × 8,000 pixels, 64 megapixels; the most accepted is 60.",
            id="pixel-flood",
        ),
        pytest.param(
            "cut.jpg",
            cut_jpeg(),
            "The picture is incomplete or damaged",
            id="truncated-image",
        ),
        pytest.param(
            "logo.svg",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" '
            b'height="10"><script>alert(document.cookie)</script></svg>',
            "SVG drawings are not accepted: they can carry scripts.",
            id="svg-with-script",
        ),
        pytest.param(
            "photo.jpg",
            picture_bytes(fmt="BMP"),
            "This is a BMP picture, which we do not accept.",
            id="bmp-named-jpg",
        ),
        pytest.param(
            "clip.mp4",
            b"This is a letter, not a video.\n" * 50,
            "The file is neither a picture nor a video we accept, whatever its name says.",
            id="text-named-mp4",
        ),
        pytest.param(
            "page.jpg",
            b"<!doctype html><html><body><script>alert(1)</script></body></html>",
            "The file is neither a picture nor a video we accept",
            id="html-named-jpg",
        ),
        pytest.param(
            "report.pdf",
            b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
            "The file is neither a picture nor a video we accept",
            id="pdf",
        ),
        pytest.param(
            "setup.jpg",
            b"MZ\x90\x00\x03" + bytes(500),
            "The file is neither a picture nor a video we accept",
            id="windows-program",
        ),
        pytest.param(
            "photo.heic",
            b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(500),
            "The file is neither a picture nor a video we accept",
            id="other-iso-media",
        ),
        pytest.param("empty.jpg", b"", "The submitted file is empty.", id="empty"),
    ],
)
def test_a_hostile_file_is_refused_by_name_and_nothing_is_kept(
    reader, mailoutbox, private_root, name, content, message
):
    response = send(reader, upload(name, content))
    assert response.status_code == 200
    errors = file_errors(response)
    assert f"“{name}”" in errors
    assert message in errors
    files = parse(response).select_one("[name=files]")
    assert "id_files_error" in files["aria-describedby"].split()
    assert_nothing_kept(private_root, mailoutbox)


def test_one_bad_file_among_good_ones_keeps_nothing(reader, mailoutbox, private_root):
    response = send(
        reader,
        upload("good.png", picture_bytes()),
        upload("bad.jpg", picture_bytes(fmt="BMP")),
    )
    assert "“bad.jpg”" in file_errors(response)
    assert "good.png" not in file_errors(response)
    assert_nothing_kept(private_root, mailoutbox)


def test_html_appended_to_a_picture_is_not_stored(reader, private_root):
    payload = b"<html><script>alert('stored')</script></html>"
    response = send(reader, upload("innocent.png", picture_bytes() + payload, "image/png"))
    assert response.status_code == 302
    stored = SubmissionFile.objects.get()
    data = Path(stored.file.path).read_bytes()
    assert b"<script>" not in data
    assert b"<html>" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == ("PNG", (320, 200))
    assert stored.content_type == "image/png"
    assert stored.size == len(data)


def test_a_picture_loses_its_location_and_keeps_its_own_format(reader):
    exif = Image.Exif()
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude
    exif[0x010F] = "PhoneMaker"
    jpeg = encoded(Image.new("RGB", (320, 200), (10, 200, 10)), "JPEG", exif=exif.tobytes())
    send(reader, upload("garden.png", jpeg, "image/png"))  # a JPEG, whatever its name says
    stored = SubmissionFile.objects.get()
    assert stored.content_type == "image/jpeg"
    assert stored.file.name.endswith(".jpg")
    with Image.open(stored.file.path) as image:
        assert image.format == "JPEG"
        assert not image.getexif()


@pytest.mark.parametrize(
    ("clip", "content_type", "suffix"),
    [
        pytest.param(mp4(), "video/mp4", ".mp4", id="mp4"),
        pytest.param(mp4("phone.mp4", brand=b"mp42"), "video/mp4", ".mp4", id="mp4-mp42"),
        pytest.param(mp4("camera.mov", brand=b"qt  "), "video/quicktime", ".mov", id="mov"),
        pytest.param(webm(), "video/webm", ".webm", id="webm"),
        # Known by its content: a WebM named .mp4 is stored and served as WebM.
        pytest.param(webm("clip.mp4"), "video/webm", ".webm", id="webm-named-mp4"),
    ],
)
def test_a_video_is_kept_as_sent_and_known_by_its_content(reader, clip, content_type, suffix):
    sent = clip.read()
    clip.seek(0)
    response = send(reader, clip)
    assert response.status_code == 302
    stored = SubmissionFile.objects.get()
    assert (stored.kind, stored.content_type) == ("video", content_type)
    assert stored.file.name.endswith(suffix)
    assert Path(stored.file.path).read_bytes() == sent


# Size limits ------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_refused_before_it_is_read(
    reader, settings, mailoutbox, private_root
):
    settings.SUBMISSIONS_MAX_TOTAL_BYTES = 100_000
    big = upload("huge.png", picture_bytes() + bytes(2 * 1024 * 1024), "image/png")
    response = send(reader, big)
    assert response.status_code == 413
    message = text_of(parse(response).select_one(".form-problems"))
    assert "What you sent is too large: all files together may be at most 0.1 MB" in message
    assert "no-store" in response["Cache-Control"]
    assert_nothing_kept(private_root, mailoutbox)


def test_files_that_together_pass_the_limit_stop_the_upload(
    reader, settings, mailoutbox, private_root
):
    # Each file is allowed, and the body is within the declared-length allowance, but the
    # files together are too many bytes: the upload handler stops reading.
    settings.SUBMISSIONS_MAX_TOTAL_BYTES = 60_000
    settings.SUBMISSIONS_MAX_FILE_BYTES = 50_000
    response = send(reader, mp4("one.mp4", size=40_000), mp4("two.mp4", size=40_000))
    assert response.status_code == 413
    assert "What you sent is too large" in text_of(parse(response).select_one(".form-problems"))
    assert_nothing_kept(private_root, mailoutbox)


def test_a_file_over_the_file_limit_is_dropped_while_it_arrives(
    reader, settings, mailoutbox, private_root
):
    settings.SUBMISSIONS_MAX_FILE_BYTES = 10_000
    response = send(reader, mp4("long.mp4", size=80_000))
    assert response.status_code == 200
    # The upload handler's words, not the form's: the file never reached the form.
    assert "“long.mp4” is larger than 0.1 MB, the most we accept for one file." in file_errors(
        response
    )
    assert_nothing_kept(private_root, mailoutbox)


def test_more_files_than_allowed_are_refused(reader, settings, mailoutbox, private_root):
    settings.SUBMISSIONS_MAX_FILES = 2
    files = [upload(f"p{n}.png", picture_bytes(), "image/png") for n in range(3)]
    response = send(reader, *files)
    assert response.status_code == 200
    assert "Send at most 2 files at a time." in file_errors(response)
    assert_nothing_kept(private_root, mailoutbox)


def test_too_much_text_is_a_clear_refusal_not_an_error_page(
    reader, settings, mailoutbox, private_root
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5_000
    response = send(reader, upload("p.png", picture_bytes(), "image/png"), story="words " * 1500)
    assert response.status_code == 413
    assert "What you sent is too large" in text_of(parse(response).select_one(".form-problems"))
    assert_nothing_kept(private_root, mailoutbox)


def test_limits_hold_when_the_csrf_check_reads_the_body_first(private_root, settings):
    # Browsers pass Django's CSRF check, which reads the body before the view does; the
    # upload handler must already be in place by then.
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    token = parse(browser.get(SUBMIT)).select_one("[name=csrfmiddlewaretoken]")["value"]
    settings.SUBMISSIONS_MAX_TOTAL_BYTES = 60_000
    settings.SUBMISSIONS_MAX_FILE_BYTES = 50_000
    data = {**form_data(), "csrfmiddlewaretoken": token}

    response = browser.post(SUBMIT, {**data, "files": [mp4(size=40_000), mp4(size=40_000)]})
    assert response.status_code == 413

    response = browser.post(SUBMIT, {**data, "files": [mp4("long.mp4", size=55_000)]})
    assert response.status_code == 200
    assert "“long.mp4” is larger than" in file_errors(response)

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5_000
    response = browser.post(SUBMIT, {**data, "story": "words " * 1500})
    assert response.status_code == 413
    assert Submission.objects.count() == 0
    assert stored_files(private_root) == []
