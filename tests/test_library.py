"""The media library: uploads checked by their content, stored upright and without location
data, renditions made once (cropped around the focal point where asked), the admin, and the
JSON the body editor searches."""

import hashlib
import io
import random
import re
import warnings
from pathlib import Path
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context, Template
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from PIL import ExifTags, ImageCms
from PIL import Image as Pillow

from articles.body import sanitise_body
from jobs.models import OutboxMessage
from library.images import crop_box
from library.models import Image
from library.renditions import crop_rendition, ensure_renditions
from library.uploads import add_image, clean_image
from library.validation import MAX_FILE_BYTES, check_image_upload
from tests.conftest import parse, text_of
from tests.factories import png_declaring

pytestmark = pytest.mark.django_db

# The JSON view's tests use this module as the URLconf, so that they do not depend on where
# the project mounts library.urls (newsroom/urls.py: path("library/", include("library.urls"))).
urlpatterns = [
    path("admin/", admin.site.urls),
    path("library/", include("library.urls")),
]

ORIENTATION = 0x0112
RED, BLUE = (255, 0, 0), (0, 0, 255)


# Pictures made in memory ----------------------------------------------------------------


def encoded(image, fmt="JPEG", **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def picture(size=(1200, 675), color=(40, 90, 160), fmt="JPEG", mode="RGB", **options):
    return encoded(Pillow.new(mode, size, color), fmt, **options)


def noisy_jpeg(size=(400, 300)):
    """A JPEG of random pixels: large for its size, so cutting it leaves the scan unfinished."""
    pixels = random.Random(4).randbytes(size[0] * size[1] * 3)
    return encoded(Pillow.frombytes("RGB", size, pixels), quality=95)



def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def opened(name):
    with default_storage.open(name, "rb") as handle, Pillow.open(handle) as image:
        image.load()
        return image


def same_html(first, second):
    """Whether two fragments are the same elements, attributes and text (however escaped)."""
    return str(BeautifulSoup(first, "html.parser")) == str(BeautifulSoup(second, "html.parser"))


def media_name(url):
    """The storage name of a /media/ address."""
    assert url.startswith(settings.MEDIA_URL), url
    return url.removeprefix(settings.MEDIA_URL)


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def after_commit():
    """Run what the block queues (jobs.outbox) as a commit would: the test's own transaction
    never commits, and without a broker queued tasks run in this process after the commit."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def library_image(content=None, name="harbour.jpg", **fields):
    """An image added as any upload is: checked, cleaned, stored; then its renditions, made by
    the task the upload queued."""
    with after_commit():
        image = add_image(file=upload(name, content or picture((500, 300))), **fields)
    image.refresh_from_db()
    return image


# Personas -------------------------------------------------------------------------------


def admin_upload(client, file, **fields):
    data = {
        "file": file,
        "alt_text": "Boats in the harbour at dawn",
        "caption": "",
        "credit": "Jane Doe / Newsroom",
        "source_note": "",
        "focal_x": "0.5",
        "focal_y": "0.5",
        **fields,
    }
    with after_commit():
        return client.post(reverse("admin:library_image_add"), data)


def file_errors(response):
    return " ".join(text_of(node) for node in parse(response).select(".field-file .errorlist"))


# Bad uploads ----------------------------------------------------------------------------


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
            id="pixel-count",
        ),
        pytest.param(
            "banner.png",
            png_declaring(12_001, 20),
            "12,001 × 20 pixels; neither side may be over 12,000.",
            id="pixel-side",
        ),
        pytest.param(
            "cut.jpg",
            noisy_jpeg()[:20_000],
            "The picture is incomplete or damaged",
            id="truncated-jpeg",
        ),
        pytest.param(
            "notes.jpg",
            b"Dear editor, this is a letter, not a picture.\n" * 20,
            "The file is not a picture, whatever its name says.",
            id="text-named-jpg",
        ),
        pytest.param(
            "scan.jpg",
            picture((300, 200), fmt="BMP"),
            "This is a BMP picture, which the library does not take.",
            id="bmp-named-jpg",
        ),
        pytest.param(
            "logo.svg",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" '
            b'height="10"><script>alert(document.cookie)</script><rect width="10" '
            b'height="10"/></svg>',
            "SVG drawings are not accepted: they can carry scripts.",
            id="svg-with-script",
        ),
        pytest.param(
            "huge.jpg",
            picture((64, 64)) + bytes(MAX_FILE_BYTES),
            "The file is 25.1 MB; the most accepted is 25 MB.",
            id="file-size",
        ),
    ],
)
def test_a_bad_upload_gets_a_clear_form_error_and_nothing_is_stored(editor, name, content, message):
    response = admin_upload(editor, upload(name, content))
    assert response.status_code == 200
    assert message in file_errors(response)
    assert Image.objects.count() == 0
    assert stored_files() == []


def test_pillows_own_bomb_limit_is_a_form_error_too(editor, monkeypatch):
    monkeypatch.setattr(Pillow, "MAX_IMAGE_PIXELS", 1_000)
    response = admin_upload(editor, upload("small.png", picture((100, 100), fmt="PNG")))
    assert "decompression bomb" in file_errors(response)
    assert Image.objects.count() == 0


def test_a_picture_pillow_only_warns_about_is_refused_whatever_the_warning_filter():
    # 100 megapixels: over Pillow's warning threshold (89.5), under its error threshold (179).
    content = png_declaring(10_000, 10_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Pillow.DecompressionBombWarning)
        with pytest.raises(ValidationError, match="decompression bomb"):
            check_image_upload(upload("big.png", content))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Pillow.DecompressionBombWarning)
        with pytest.raises(ValidationError, match="100 megapixels"):
            check_image_upload(upload("big.png", content))


@pytest.mark.parametrize("content", [png_declaring(30_000, 30_000), noisy_jpeg()[:5_000]])
def test_the_validator_raises_validation_errors_for_other_callers(content):
    with pytest.raises(ValidationError):
        check_image_upload(upload("x.jpg", content))
    with pytest.raises(ValidationError):
        add_image(file=upload("x.jpg", content), alt_text="Never stored")
    assert Image.objects.count() == 0
    assert stored_files() == []


@pytest.mark.parametrize(
    ("fmt", "mode", "expected"),
    [("JPEG", "RGB", "JPEG"), ("PNG", "RGBA", "PNG"), ("GIF", "P", "GIF"), ("WEBP", "RGB", "WEBP")],
)
def test_each_accepted_format_passes_and_the_check_leaves_the_file_at_its_start(
    fmt, mode, expected
):
    file = upload("any-name.bin", picture((320, 200), fmt=fmt, mode=mode, color=1))
    checked = check_image_upload(file)
    assert (checked.format, checked.width, checked.height, checked.animated) == (
        expected,
        320,
        200,
        False,
    )
    assert file.tell() == 0


# Stored upright and without location -----------------------------------------------------


def sideways_photo_with_location():
    """A phone photo stored on its side (left half red), with GPS, XMP, a comment and sRGB."""
    image = Pillow.new("RGB", (600, 300), BLUE)
    image.paste(RED, (0, 0, 300, 300))
    exif = Pillow.Exif()
    exif[ORIENTATION] = 6  # "turn 90° clockwise to view"
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)}
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>51,30N</exif:GPSLatitude>'
    content = encoded(image, exif=exif, icc_profile=icc, xmp=xmp + b"</x:xmpmeta>", comment=b"Hi")
    with Pillow.open(io.BytesIO(content)) as check:  # the test's own premise
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert {"exif", "xmp", "comment", "icc_profile"} <= set(check.info)
    return content, icc


def test_an_upload_is_stored_upright_without_location_data_keeping_its_colour_profile(editor):
    content, icc = sideways_photo_with_location()
    response = admin_upload(editor, upload("phone.jpg", content))
    assert response.status_code == 302, file_errors(response)

    image = Image.objects.get()
    assert (image.width, image.height) == (300, 600)
    stored = opened(image.file.name)
    assert stored.format == "JPEG"
    assert stored.size == (300, 600)
    red, _, blue = stored.convert("RGB").getpixel((150, 100))  # the red half is now on top
    assert red > 200 and blue < 60
    assert stored.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert not {"exif", "xmp", "comment"} & set(stored.info)
    assert ORIENTATION not in stored.getexif()  # never turned twice
    assert stored.info["icc_profile"] == icc
    with default_storage.open(image.file.name, "rb") as handle:
        assert b"GPSLatitude" not in handle.read()


def test_a_file_is_stored_in_the_format_of_its_content_under_a_matching_name():
    image = library_image(
        picture((500, 300), fmt="PNG", mode="RGBA", color=(0, 0, 0, 0)), "Logo Final!!.JPG"
    )
    assert image.file.name.startswith("library/") and image.file.name.endswith(".png")
    # Named by its content: the start of the stored bytes' SHA-256 follows the slug.
    with default_storage.open(image.file.name, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()[:12]
    assert image.file.name.rsplit("/", 1)[1] == f"logo-final-{digest}.png"
    stored = opened(image.file.name)
    assert stored.format == "PNG" and stored.mode == "RGBA"


def test_a_long_file_name_is_shortened_rather_than_refused(editor):
    response = admin_upload(editor, upload("a" * 150 + ".jpg", picture((300, 200))))
    assert response.status_code == 302, file_errors(response)
    assert len(Image.objects.get().file.name) <= 100


def test_an_animation_keeps_its_frames_and_loses_its_comment():
    frames = [Pillow.new("RGB", (60, 40), color) for color in (RED, BLUE, (0, 255, 0))]
    content = encoded(
        frames[0], "GIF", save_all=True, append_images=frames[1:], duration=120, comment=b"Hi"
    )
    image = library_image(content, "moving.gif", alt_text="Flashing colours")
    assert image.animated
    stored = Pillow.open(default_storage.open(image.file.name, "rb"))
    assert (stored.format, stored.n_frames, stored.info["duration"]) == ("GIF", 3, 120)
    assert "comment" not in stored.info
    # An animation is shown as uploaded: a still rendition would stop it.
    assert image.renditions == []
    img = BeautifulSoup(image.picture_html("100vw"), "html.parser").select_one("img")
    assert img["src"] == image.file.url and img.find_parent("picture") is None


# Renditions -----------------------------------------------------------------------------


def test_an_upload_gets_webp_and_jpeg_renditions_at_each_width_recorded_on_the_image():
    image = library_image(picture((1000, 500)))
    expected = {(w, f) for w in (240, 480, 800) for f in ("webp", "jpeg")}
    assert {(r["width"], r["format"]) for r in image.renditions} == expected
    assert Image.objects.get(pk=image.pk).renditions == image.renditions
    for record in image.renditions:
        rendition = opened(record["name"])
        assert rendition.format == record["format"].upper()
        assert rendition.size == (record["width"], record["height"])
        assert record["crop"] is None


def test_a_picture_with_transparency_falls_back_to_png():
    image = library_image(picture((500, 500), fmt="PNG", mode="RGBA", color=(0, 0, 0, 0)), "a.png")
    assert {r["format"] for r in image.renditions} == {"webp", "png"}
    png = next(r for r in image.renditions if r["format"] == "png")
    assert opened(png["name"]).mode == "RGBA"


def test_renditions_are_made_once(django_assert_num_queries):
    image = library_image()
    fetched = Image.objects.get(pk=image.pk)
    with (
        mock.patch.object(default_storage, "save") as save,
        mock.patch.object(default_storage, "exists") as exists,
        django_assert_num_queries(0),
    ):
        again = ensure_renditions(fetched)
        html = fetched.picture_html("100vw")
    assert save.call_count == 0 and exists.call_count == 0
    assert [(r["width"], r["format"]) for r in again] == [
        (240, "webp"),
        (240, "jpeg"),
        (480, "webp"),
        (480, "jpeg"),
    ]
    assert html.startswith("<picture>")


def test_renditions_lost_from_the_record_are_found_in_storage_and_not_made_again():
    image = library_image()
    records = image.renditions
    Image.objects.filter(pk=image.pk).update(renditions=[])
    image.refresh_from_db()
    with mock.patch.object(default_storage, "save") as save:
        assert ensure_renditions(image) == records
    assert save.call_count == 0
    assert Image.objects.get(pk=image.pk).renditions == records


@pytest.mark.parametrize("aspect", ["16:9", "1:1", "4:5", "3:1"])
@pytest.mark.parametrize("size", [(1600, 900), (900, 1600), (500, 500), (1201, 333)])
def test_a_crop_box_has_the_aspect_fits_the_picture_and_keeps_the_focal_point(size, aspect):
    aspect_w, aspect_h = (int(n) for n in aspect.split(":"))
    for fx in (0, 0.01, 0.2, 0.5, 0.77, 0.99, 1):
        for fy in (0, 0.1, 0.5, 0.9, 1):
            left, top, right, bottom = crop_box(size, aspect, (fx, fy))
            assert 0 <= left < right <= size[0] and 0 <= top < bottom <= size[1]
            assert left <= fx * size[0] <= right and top <= fy * size[1] <= bottom
            assert abs((right - left) / (bottom - top) - aspect_w / aspect_h) < 0.02
            # As large as the picture allows: one side is the picture's whole side.
            assert right - left == size[0] or bottom - top == size[1]
    # Centred on the focal point where the picture leaves room.
    assert crop_box((1600, 900), "1:1", (0.5, 0.5)) == (350, 0, 1250, 900)


def test_a_focal_crop_keeps_the_focal_point_in_view_and_is_made_once():
    # A red square around the focal point near the top right of a wide picture.
    original = Pillow.new("RGB", (1600, 900), BLUE)
    original.paste(RED, (1330, 195, 1390, 255))
    image = library_image(encoded(original, quality=95), focal_x=0.85, focal_y=0.25)

    webp, jpeg = crop_rendition(image, 480, "1:1")
    assert (webp["format"], jpeg["format"]) == ("webp", "jpeg")
    assert webp["crop"] == "1x1-at-85-25" and webp["name"].endswith("-1x1-at-85-25-480w.webp")
    cropped = opened(webp["name"]).convert("RGB")
    assert cropped.size == (480, 480)
    # The 900-pixel box is pushed against the right edge (left 700): the point at x 1360, y 225
    # is at 660, 225 in the crop, 352, 120 once scaled to 480.
    red, _, blue = cropped.getpixel((352, 120))
    assert red > 200 and blue < 60

    with mock.patch.object(default_storage, "save") as save:
        assert crop_rendition(Image.objects.get(pk=image.pk), 480, "1:1") == [webp, jpeg]
    assert save.call_count == 0


def test_moving_the_focal_point_makes_new_crops_and_forgets_the_old():
    image = library_image(picture((1600, 900)), focal_x=0.1)
    old = crop_rendition(image, 480, "16:9")
    image.focal_x = 0.9
    image.save()
    new = crop_rendition(image, 480, "16:9")
    assert new[0]["name"] != old[0]["name"]
    crops = {r["crop"] for r in Image.objects.get(pk=image.pk).renditions if r["crop"]}
    assert crops == {"16x9-at-90-50"}
    assert default_storage.exists(old[0]["name"])  # pages may still name it


def test_a_picture_offers_webp_and_fallback_sources_with_its_size():
    image = library_image(picture((1200, 675)), alt_text="Boats at dawn")
    html = image.picture_html("(min-width: 47em) 45rem, 100vw", eager=True)
    node = BeautifulSoup(html, "html.parser").select_one("picture")
    source, img = node.select_one("source"), node.select_one("img")
    assert source["type"] == "image/webp"
    assert [c.split()[1] for c in source["srcset"].split(", ")] == ["240w", "480w", "800w", "1200w"]
    assert all(".webp " in c + " " for c in source["srcset"].split(", "))
    assert source["sizes"] == img["sizes"] == "(min-width: 47em) 45rem, 100vw"
    assert img["src"].endswith("-1200w.jpg") and img["srcset"].count(".jpg ") == 4
    assert (img["width"], img["height"], img["alt"]) == ("1200", "675", "Boats at dawn")
    assert img["fetchpriority"] == "high" and not img.has_attr("loading")


def test_the_template_tag_crops_and_sizes_the_img_to_the_crop():
    image = library_image(picture((1600, 900)))
    tag = Template(
        "{% load media_library %}{% library_picture image '50vw' aspect='1:1' css_class='card' %}"
    )
    # The crop is not made by the page: it shows the uncropped renditions in the crop's box
    # and asks for the crop, which the task makes after the commit.
    with after_commit():
        html = tag.render(Context({"image": image}))
    img = BeautifulSoup(html, "html.parser").select_one("picture img.card")
    assert (img["width"], img["height"]) == ("900", "900")
    assert "library-crop-1x1" in img["class"]
    assert "-1x1-" not in img["src"] and default_storage.exists(media_name(img["src"]))

    html = tag.render(Context({"image": Image.objects.get(pk=image.pk)}))
    img = BeautifulSoup(html, "html.parser").select_one("picture img.card")
    assert (img["width"], img["height"]) == ("900", "900")
    assert img["class"] == ["card"]
    assert img["loading"] == "lazy"
    assert "-1x1-at-50-50-" in img["src"]


# The admin ------------------------------------------------------------------------------


def test_an_editor_uploads_through_the_admin_end_to_end(editor):
    response = admin_upload(editor, upload("harbour.jpg", picture((1000, 600))), focal_x="0.3")
    assert response.status_code == 302, file_errors(response)
    image = Image.objects.get()
    assert image.uploaded_by == editor.user
    assert (image.width, image.height, image.focal_x) == (1000, 600, 0.3)
    assert image.credit == "Jane Doe / Newsroom"
    assert {r["width"] for r in image.renditions} == {240, 480, 800}
    assert all(default_storage.exists(r["name"]) for r in image.renditions)

    page = parse(editor.get(reverse("admin:library_image_change", args=[image.pk])))
    assert page.select_one("[data-focal-picker] img")["src"] == image.thumbnail_url
    assert page.select_one("input[name=focal_x]")["value"] == "0.3"
    assert "Required to publish" in text_of(page)  # the help texts editors read


def test_an_edit_keeps_the_uploader_and_the_renditions(editor, other_editor):
    image = library_image(uploaded_by=editor.user, alt_text="Old words", credit="Agency")
    queued = OutboxMessage.objects.count()
    response = other_editor.post(
        reverse("admin:library_image_change", args=[image.pk]),
        {"alt_text": "New words", "credit": "Agency", "focal_x": "0.5", "focal_y": "0.5"},
    )
    assert response.status_code == 302
    assert OutboxMessage.objects.count() == queued  # no new renditions asked for
    image.refresh_from_db()
    assert (image.alt_text, image.uploaded_by) == ("New words", editor.user)
    assert len(image.renditions) == 4


def test_replacing_the_file_makes_renditions_of_the_new_one(editor):
    image = library_image(alt_text="Before", credit="Agency")
    old_names = {r["name"] for r in image.renditions}
    with after_commit():
        response = editor.post(
            reverse("admin:library_image_change", args=[image.pk]),
            {
                "file": upload("after.png", picture((900, 900), fmt="PNG")),
                "alt_text": "After",
                "credit": "Agency",
                "focal_x": "0.5",
                "focal_y": "0.5",
            },
        )
    assert response.status_code == 302, file_errors(response)
    image.refresh_from_db()
    assert re.search(r"/after-[0-9a-f]{12}\.png$", image.file.name) and (image.width, image.height) == (900, 900)
    assert {(r["width"], r["format"]) for r in image.renditions} == {
        (w, f) for w in (240, 480, 800) for f in ("webp", "jpeg")
    }
    assert all(r["name"].startswith(f"renditions/{image.file.name}-") for r in image.renditions)
    assert all(default_storage.exists(name) for name in old_names)  # bodies may still show them


def test_a_focal_point_outside_the_picture_is_refused(editor):
    response = admin_upload(editor, upload("a.jpg", picture((300, 200))), focal_x="1.5")
    assert response.status_code == 200
    assert "less than or equal to 1.0" in text_of(parse(response).select_one(".field-focal_x"))
    assert stored_files() == []


def test_the_list_shows_thumbnails_and_flags_missing_alt_text_and_credit(editor):
    library_image(name="ready.jpg", alt_text="Ready to go", credit="Agency")
    library_image(name="nocredit.jpg", alt_text="No credit yet")
    library_image(name="bare.jpg", credit="Agency")
    url = reverse("admin:library_image_changelist")
    page = parse(editor.get(url))
    rows = page.select("#result_list tbody tr")
    assert len(rows) == 3
    assert all(
        row.select_one("img.library-thumbnail")["src"].endswith("-240w.webp") for row in rows
    )
    flags = {
        text_of(row.select_one(".field-__str__")): [
            icon["alt"] for icon in row.select(".field-has_alt_text img, .field-has_credit img")
        ]
        for row in rows
    }
    assert flags["Ready to go"] == ["True", "True"]
    assert flags["No credit yet"] == ["True", "False"]
    assert flags[Image.objects.get(alt_text="").file.name] == ["False", "True"]

    missing_credit = parse(editor.get(url, {"needs": "credit"}))
    assert [text_of(td) for td in missing_credit.select(".field-__str__")] == ["No credit yet"]
    searched = parse(editor.get(url, {"q": "ready"}))
    assert [text_of(td) for td in searched.select(".field-__str__")] == ["Ready to go"]


def test_the_list_costs_the_same_queries_for_more_pictures(editor, django_assert_num_queries):
    url = reverse("admin:library_image_changelist")
    library_image(alt_text="One", credit="A")
    editor.get(url)  # warm the session and content types
    with CaptureQueriesContext(connection) as one:
        editor.get(url)
    for n in range(5):
        library_image(alt_text=f"More {n}", credit="A")
    with django_assert_num_queries(len(one)):
        editor.get(url)


# The body editor's JSON -----------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_the_search_answers_only_staff_who_may_see_the_library(client, django_user_model):
    url = reverse("library:image-search")
    assert url == "/library/images/search/"
    anonymous = client.get(url)
    assert anonymous.status_code == 403 and "error" in anonymous.json()
    account = django_user_model.objects.create_user("re", "re@example.com", "a-long-pass-4")
    client.force_login(account)  # a reader's own account, not staff
    assert client.get(url).status_code == 403
    account.is_staff = True  # staff without the library's view permission
    account.save()
    assert client.get(url).status_code == 403


@pytest.mark.urls(__name__)
def test_the_search_returns_the_documented_fields_and_insertable_html(contributor):
    image = library_image(
        picture((1200, 675)),
        alt_text="Boats in the harbour",
        caption='Dawn at the "old" quay',
        credit="Jane Doe / Newsroom",
    )
    response = contributor.get(reverse("library:image-search"), {"q": "harbour"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    data = response.json()
    assert (data["page"], data["has_next"]) == (1, False)
    (result,) = data["results"]
    assert set(result) == {
        "id",
        "thumbnail",
        "url",
        "alt",
        "caption",
        "credit",
        "width",
        "height",
        "html",
    }
    assert result["id"] == image.pk
    assert result["thumbnail"].endswith("-240w.webp")
    assert result["url"] == image.file.url
    assert (result["alt"], result["caption"], result["credit"]) == (
        "Boats in the harbour",
        'Dawn at the "old" quay',
        "Jane Doe / Newsroom",
    )
    assert (result["width"], result["height"]) == (1200, 675)

    figure = BeautifulSoup(result["html"], "html.parser").select_one("figure")
    assert figure["data-credit"] == "Jane Doe / Newsroom"
    img = figure.select_one("img")
    assert img["src"] == image.file.url
    assert (img["alt"], img["width"], img["height"]) == ("Boats in the harbour", "1200", "675")
    assert [c.split()[1] for c in img["srcset"].split(", ")] == ["240w", "480w", "800w", "1200w"]
    assert img["sizes"] == "(min-width: 47em) 45rem, calc(100vw - 2rem)"
    assert text_of(figure.select_one("figcaption")) == 'Dawn at the "old" quay'
    # Bodies store it as given: the sanitiser strips nothing from it.
    assert same_html(sanitise_body(result["html"]), result["html"])


@pytest.mark.urls(__name__)
def test_the_search_filters_by_words_and_id_and_pages(contributor, monkeypatch):
    monkeypatch.setattr("library.views.PAGE_SIZE", 2)
    first = library_image(alt_text="Red boat", credit="Agency")
    library_image(alt_text="Blue boat", credit="Jane Doe")
    library_image(alt_text="Red kite", credit="Jane Doe")
    url = reverse("library:image-search")

    def alts(**params):
        return [r["alt"] for r in contributor.get(url, params).json()["results"]]

    assert alts(q="red") == ["Red kite", "Red boat"]
    assert alts(q="boat jane") == ["Blue boat"]
    assert alts(id=first.pk) == ["Red boat"]
    assert contributor.get(url, {"id": "x"}).status_code == 400
    assert contributor.get(url).json()["has_next"] is True
    assert alts(page=2) == ["Red boat"]


@pytest.mark.urls(__name__)
def test_a_picture_without_caption_or_credit_gives_a_bare_figure(contributor):
    library_image(picture((300, 200)), alt_text="Plain")
    (result,) = contributor.get(reverse("library:image-search")).json()["results"]
    figure = BeautifulSoup(result["html"], "html.parser").select_one("figure")
    assert not figure.has_attr("data-credit") and figure.select_one("figcaption") is None
    assert same_html(sanitise_body(result["html"]), result["html"])


def test_clean_image_takes_bytes_and_reports_the_stored_pictures_upright_size():
    content, _ = sideways_photo_with_location()
    cleaned = clean_image(content + b"trailing bytes", name="phone.jpg")
    stored = cleaned.file.read()
    assert (cleaned.format, cleaned.width, cleaned.height) == ("JPEG", 300, 600)
    assert re.fullmatch(r"phone-[0-9a-f]{12}\.jpg", cleaned.file.name) and b"trailing bytes" not in stored
    with Pillow.open(io.BytesIO(stored)) as image:
        assert image.size == (300, 600) and "exif" not in image.info
    with pytest.raises(ValidationError, match="incomplete or damaged"):
        clean_image(noisy_jpeg()[:20_000], name="cut.jpg")
