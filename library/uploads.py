"""Storing uploaded pictures: upright, in their own format, without what they say of their maker.

Cameras and phones record where a picture was taken (EXIF GPS, XMP), with what and by whom;
a newsroom must not publish a source's location by accident. `normalise_upload` re-encodes a
checked upload before it is first stored, so no copy with that metadata ever reaches storage:
the EXIF orientation is applied to the pixels, every metadata block is dropped except the ICC
colour profile (and, for GIF and PNG, transparency and animation timing), and the format is
kept. JPEGs are written with their own quantisation tables, so re-encoding costs as little
quality as it can.

`clean_image` is the one way a picture enters storage, whatever brings it: the library's and
the article admin's uploads, reader submissions, and every importer (JSON Lines, WordPress,
feeds). It refuses what `check_image_upload` refuses, with the same words, so a file an editor
cannot upload cannot be imported either.
"""

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify
from PIL import Image, ImageOps, JpegImagePlugin

from library.models import Image as LibraryImage
from library.renditions import queue_renditions
from library.validation import check_image_upload

EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
# What of a picture's `info` survives: colour, transparency and animation, nothing about people
# or places (no exif, xmp, comment, iptc, dpi, text chunks).
KEPT_INFO = ("icc_profile", "transparency", "background", "duration", "loop")
# Stored names are "library/YYYY/MM/<stem>-<hash><ext>" and the field holds 100 characters.
MAX_STEM = 60
# The EXIF tag saying how a picture is turned; 1 (or none) is upright as stored.
ORIENTATION = 0x0112
# Hex digits of the cleaned bytes' SHA-256 in every stored name: a name stands for one content
# for ever, so media may be cached as immutable (docs/storage.md).
NAME_HASH_LENGTH = 12


def _is_lossless_webp(data):
    """Whether a WebP file's picture is stored losslessly (a VP8L chunk), read from its chunks."""
    position = 12
    while position + 8 <= len(data):
        kind = data[position : position + 4]
        size = int.from_bytes(data[position + 4 : position + 8], "little")
        if kind in (b"VP8L", b"VP8 "):
            return kind == b"VP8L"
        position += 8 + size + (size & 1)
    return False


def _save_options(image, fmt, data):
    options = {"icc_profile": image.info.get("icc_profile")}
    if fmt == "JPEG":
        options["qtables"] = image.quantization
        if (sampling := JpegImagePlugin.get_sampling(image)) != -1:
            options["subsampling"] = sampling
        options["progressive"] = bool(image.info.get("progressive"))
    elif fmt == "WEBP":
        options.update({"lossless": True} if _is_lossless_webp(data) else {"quality": 90})
        options["loop"] = image.info.get("loop", 0)
    elif fmt == "GIF":
        options["comment"] = b""
    return {name: value for name, value in options.items() if value is not None}


def _stored_name(original_name, fmt, data):
    stem = slugify(Path(original_name or "").stem)[:MAX_STEM].strip("-") or "image"
    return f"{stem}-{hashlib.sha256(data).hexdigest()[:NAME_HASH_LENGTH]}{EXTENSIONS[fmt]}"


def normalise_upload(uploaded_file, checked=None):
    """A new upload holding the picture upright and without metadata, named for its format.

    `checked` is what `check_image_upload` returned for this file (it is checked now if not
    given). A PNG named "photo.jpg" comes back as "photo-<hash>.png", the hash being the start
    of the new bytes' SHA-256, so that a stored name never stands for two contents. Callers
    storing a picture use `clean_image`, which checks and calls this. Animated pictures keep
    every frame and their timing; they are not turned (animations do not carry an orientation).
    """
    checked = checked or check_image_upload(uploaded_file, keep_pixels=True)
    uploaded_file.seek(0)
    data = uploaded_file.read()
    buffer = io.BytesIO()
    # A still picture the check kept decoded is not decoded again (a fifth of a second for a
    # 24-megapixel JPEG); an animation is read again, frame by frame, as it is saved.
    with checked.picture or Image.open(io.BytesIO(data)) as image:
        options = _save_options(image, checked.format, data)
        kept_info = {key: image.info[key] for key in KEPT_INFO if key in image.info}
        if checked.animated:
            image.info = kept_info
            image.save(buffer, checked.format, save_all=True, **options)
        else:
            # exif_transpose copies the pixels even where there is nothing to turn.
            turned = image.getexif().get(ORIENTATION, 1) != 1
            upright = ImageOps.exif_transpose(image) if turned else image
            upright.info = kept_info
            upright.save(buffer, checked.format, **options)
    uploaded_file.seek(0)
    return SimpleUploadedFile(
        _stored_name(uploaded_file.name, checked.format, buffer.getvalue()),
        buffer.getvalue(),
        content_type=CONTENT_TYPES[checked.format],
    )


@dataclass(frozen=True)
class CleanedImage:
    """A picture ready to store: the re-encoded file and what it is."""

    file: SimpleUploadedFile  # upright, without metadata or trailing bytes, named for its format
    format: str  # "JPEG", "PNG", "GIF" or "WEBP"
    width: int  # of the stored, upright picture
    height: int
    animated: bool


def clean_image(source, name=""):
    """Check a picture and return it cleaned, as a `CleanedImage`; raise `ValidationError`.

    `source` is an uploaded file, any Django `File`, or bytes (named `name`). The picture is
    decoded whole (`check_image_upload`: a truncated or oversized file is refused with the
    words the web upload uses), then re-encoded by `normalise_upload`, so what is stored holds
    the pixels and nothing else. Callers name stored files from the cleaned bytes, never the
    source's.
    """
    if isinstance(source, bytes | bytearray):
        source = SimpleUploadedFile(name or "image", bytes(source))
    elif not hasattr(source, "size"):
        source = File(source, name=name or getattr(source, "name", None))
    checked = check_image_upload(source, keep_pixels=True)
    cleaned = normalise_upload(source, checked)
    with Image.open(cleaned) as image:
        width, height = image.size
    cleaned.seek(0)
    return CleanedImage(cleaned, checked.format, width, height, checked.animated)


def add_image(*, file, uploaded_by=None, **fields):
    """Check, clean and store an uploaded picture as a library `Image`; its renditions are
    queued (the `library.make_renditions` task, after the caller's transaction commits).

    For uploads outside the admin (whose form does the same in steps). `fields` are the
    model's other fields (alt_text, caption, credit, source_note, focal_x, focal_y). Raises
    `ValidationError` for a file the library does not take; nothing is stored then.
    """
    cleaned = clean_image(file)
    image = LibraryImage(
        file=cleaned.file,
        animated=cleaned.animated,
        uploaded_by=uploaded_by,
        **fields,
    )
    image.full_clean(exclude=["file"])
    image.save()
    queue_renditions(image)
    return image
