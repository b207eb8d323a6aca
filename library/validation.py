"""What the media library accepts: pictures checked by their content, never by their name.

`check_image_upload` is the one gate. Every path that stores a picture reaches it through
`library.uploads.clean_image` (uploads in the admin, reader submissions, every importer). The
limits are constants rather than settings: they guard the server's memory and time, not an
editorial choice. The web server in front should refuse bodies
larger than `MAX_FILE_BYTES` too, since Django has written an upload to a temporary file before
any check here sees it.
"""

import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from PIL import Image, ImageSequence, UnidentifiedImageError

# Pillow's names of the formats accepted. MPO is what Pillow calls a camera JPEG that carries a
# second, hidden picture (depth map, preview); it is a JPEG and is stored as one.
ACCEPTED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "GIF": "GIF", "WEBP": "WEBP"}
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/gif,image/webp"

MEGABYTE = 1024 * 1024
MAX_FILE_BYTES = 25 * MEGABYTE
MAX_SIDE = 12_000  # pixels, either side
MAX_PIXELS = 60_000_000  # a 60-megapixel picture
# An animation is decoded frame by frame; this caps the pixels of all its frames together.
MAX_ANIMATION_PIXELS = 100_000_000

ADVICE = "Upload a JPEG, PNG, GIF or WebP picture."


@dataclass(frozen=True)
class CheckedImage:
    """What the check learned: the format the file is stored in, its size and whether it moves."""

    format: str  # "JPEG", "PNG", "GIF" or "WEBP"
    width: int
    height: int
    animated: bool
    # The decoded still picture, when asked for (`keep_pixels`): decoding a 24-megapixel JPEG
    # takes a fifth of a second, and the upload's cleaning need not do it twice.
    picture: Image.Image | None = field(default=None, compare=False, repr=False)


def _refuse(message, code):
    raise ValidationError(message, code=code)


def _looks_like_svg(head):
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<svg", b"<?xml", b"<!doctype svg")) and b"<svg" in text


def check_image_upload(uploaded_file, *, keep_pixels=False):
    """Check that an uploaded file is a whole, reasonably sized JPEG, PNG, GIF or WebP picture.

    Returns a `CheckedImage`; raises `ValidationError` with a message an editor can act on:
    the file is empty or too large, is not a picture (an SVG drawing is named as such), is a
    picture in another format (BMP, TIFF …), declares too many pixels or a decompression bomb,
    or is truncated or damaged. The whole picture is decoded (every frame of an animation), so
    a file cut short is found here rather than on the public site; the pixel limits are checked
    from the header first, so that decoding is bounded. The file is left at its start. With
    `keep_pixels`, a still picture comes back decoded, in `picture`.
    """
    size = uploaded_file.size
    if not size:
        _refuse("The file is empty. " + ADVICE, "empty")
    if size > MAX_FILE_BYTES:
        # Rounded up, so that a file just over the limit never reads as equal to it.
        megabytes = math.ceil(size / MEGABYTE * 10) / 10
        _refuse(
            f"The file is {megabytes:g} MB; the most accepted is {MAX_FILE_BYTES / MEGABYTE:g} "
            "MB. Export the picture smaller and upload it again.",
            "file_too_large",
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(512)
    uploaded_file.seek(0)
    kept = None
    try:
        # Leaving the block lets go of the file, not of the decoded pixels.
        with Image.open(uploaded_file) as image:
            stored_as = ACCEPTED_FORMATS.get(image.format)
            if stored_as is None:
                _refuse(
                    f"This is a {image.format} picture, which the library does not take. " + ADVICE,
                    "unsupported_format",
                )
            width, height = image.size
            if width > MAX_SIDE or height > MAX_SIDE:
                _refuse(
                    f"The picture is {width:,} × {height:,} pixels; neither side may be over "
                    f"{MAX_SIDE:,}. Scale it down and upload it again.",
                    "too_many_pixels",
                )
            if width * height > MAX_PIXELS:
                _refuse(
                    f"The picture is {width:,} × {height:,} pixels, {width * height / 1e6:.0f} "
                    f"megapixels; the most accepted is {MAX_PIXELS / 1e6:.0f}. Scale it down and "
                    "upload it again.",
                    "too_many_pixels",
                )
            animated = stored_as != "JPEG" and getattr(image, "is_animated", False)
            if animated and image.n_frames * width * height > MAX_ANIMATION_PIXELS:
                _refuse(
                    f"The animation has {image.n_frames:,} frames of {width:,} × {height:,} "
                    "pixels, more than the library can safely process. Shorten it or scale it "
                    "down.",
                    "too_many_pixels",
                )
            if animated:
                for frame in ImageSequence.Iterator(image):
                    frame.load()
            else:
                image.load()
                kept = image if keep_pixels else None
    except ValidationError:
        raise
    # Pillow refuses pictures that declare far more pixels than their file could honestly hold
    # (decompression bombs) with an error, and warns of merely large ones; where warnings are
    # turned into errors the warning arrives here too. Otherwise the pixel limits above apply.
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(
            "The picture declares more pixels than it is safe to open (a decompression bomb, "
            "or a damaged file). " + ADVICE,
            "decompression_bomb",
        )
    except UnidentifiedImageError:
        if _looks_like_svg(head):
            _refuse(
                "SVG drawings are not accepted: they can carry scripts. Export the drawing as "
                "a PNG and upload that.",
                "svg",
            )
        _refuse("The file is not a picture, whatever its name says. " + ADVICE, "not_an_image")
    # A truncated or corrupt file shows up as any of OSError ("image file is truncated"),
    # SyntaxError, ValueError, EOFError, struct.error …, depending on the format's decoder.
    except Exception:
        _refuse(
            "The picture is incomplete or damaged: it may have been cut short while copying or "
            "uploading. Export it again and upload the new file.",
            "damaged",
        )
    finally:
        uploaded_file.seek(0)
    return CheckedImage(stored_as, width, height, animated, kept)
