"""Responsive images: smaller copies ("renditions") of stored originals, made once.

A rendition is named after its original, its width, its format and any crop
(`rendition_name`), so whether one exists is a storage lookup, not a database query, and making
them again is a no-op. Models keep only what exists: `Article.featured_image_renditions` lists
widths of WebP copies; the media library's `Image.renditions` lists full records (see
`make_rendition_set`). Pages build `srcset` from those without touching storage.

Renditions are never made in `Model.save()` nor in a web request: the importers make them
where images arrive (`importers.interchange.images.ImageStore`: a shell or a worker), uploads
queue the `library.make_renditions` task (library.tasks), and images stored before renditions
existed get them from `manage.py make_renditions`.

Crops keep a focal point: `crop_box` picks the largest box of the asked-for aspect ratio that
is centred on the point, moved only as far as needed to stay inside the picture.
"""

import io
import logging
import re
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

RENDITION_WIDTHS = (480, 800, 1200)
RENDITION_FOLDER = "renditions"
WEBP_OPTIONS = {"quality": 80, "method": 5}
# Formats renditions are written in: Pillow's name -> file extension and encoder options. JPEG
# and PNG are the fallbacks for browsers without WebP; PNG only where there is transparency.
RENDITION_FORMATS = {
    "WEBP": ("webp", WEBP_OPTIONS),
    "JPEG": ("jpg", {"quality": 82, "optimize": True, "progressive": True}),
    "PNG": ("png", {"optimize": True}),
}

# EXIF orientations that turn the picture a quarter, so its displayed width is its stored height.
_QUARTER_TURNS = {5, 6, 7, 8}
_EXIF_ORIENTATION = 0x0112

# How wide a body image is shown, for its `sizes`: the article column is at most var(--measure)
# (45rem) inside the page's 1rem padding (static/css/site.css). The featured image in
# templates/articles/article_detail.html has the same width and says the same.
BODY_IMAGE_SIZES = "(min-width: 47em) 45rem, calc(100vw - 2rem)"

_ASPECT = re.compile(r"\s*([1-9]\d{0,3})\s*[:x/]\s*([1-9]\d{0,3})\s*")


def parse_aspect(value):
    """An aspect ratio as (width, height) from "16:9", "16x9" or (16, 9); ValueError otherwise."""
    if isinstance(value, tuple | list) and len(value) == 2:
        width, height = (int(part) for part in value)
        if width > 0 and height > 0:
            return width, height
    elif isinstance(value, str) and (match := _ASPECT.fullmatch(value)):
        return int(match[1]), int(match[2])
    raise ValueError(f"Not an aspect ratio: {value!r} (write it like '16:9').")


def crop_box(size, aspect, focal=(0.5, 0.5)):
    """The (left, top, right, bottom) box of ratio `aspect` to cut from a picture of `size`.

    The box is as large as the picture allows, centred on the focal point (fractions of the
    width and height, from the top left) and moved only as far as it must to stay inside the
    picture, so the focal point is always in it.
    """
    width, height = size
    aspect_w, aspect_h = parse_aspect(aspect)
    if width * aspect_h > height * aspect_w:  # the picture is wider than the box: full height
        box_w, box_h = max(1, min(width, round(height * aspect_w / aspect_h))), height
    else:
        box_w, box_h = width, max(1, min(height, round(width * aspect_h / aspect_w)))
    focal_x, focal_y = (min(max(float(f), 0.0), 1.0) for f in focal)
    left = min(max(round(focal_x * width - box_w / 2), 0), width - box_w)
    top = min(max(round(focal_y * height - box_h / 2), 0), height - box_h)
    return left, top, left + box_w, top + box_h


class StoredSizeImageField(models.ImageField):
    """An `ImageField` whose row still loads when its file is gone from storage.

    Django's own measures the file whenever a row is read with its width or height empty
    (rows written by `QuerySet.update()` or before sizes were kept), and a missing file then
    raises FileNotFoundError wherever the row is read: every listing that shows it fails. Here
    the row keeps the size it has, none, and its `<img>` goes without width and height.
    """

    def update_dimension_fields(self, instance, force=False, *args, **kwargs):
        try:
            super().update_dimension_fields(instance, force, *args, **kwargs)
        except OSError:
            name = instance.__dict__.get(self.attname)
            logger.warning("Could not measure %s: it is missing from storage.", name)

    def deconstruct(self):
        # The column and its options are an ImageField's; migrations need not know the class.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs


@dataclass(frozen=True)
class Crop:
    """A crop asked of a picture: an aspect ratio around a focal point.

    The focal point is kept to whole percents, so that the name of a crop (`key`) says exactly
    what it holds: moving the point makes new files under new names rather than changing
    files that pages and caches already point at.
    """

    aspect: tuple
    focal: tuple = (50, 50)  # percents of width and height

    @classmethod
    def around(cls, aspect, focal=(0.5, 0.5)):
        percents = tuple(min(max(round(float(f) * 100), 0), 100) for f in focal)
        return cls(parse_aspect(aspect), percents)

    @property
    def focal_key(self):
        """The focal point's part of the crop's name, e.g. "at-50-30"."""
        return f"at-{self.focal[0]}-{self.focal[1]}"

    @property
    def key(self):
        """The crop's part of a rendition name, e.g. "16x9-at-50-30"."""
        return f"{self.aspect[0]}x{self.aspect[1]}-{self.focal_key}"

    def box(self, size):
        return crop_box(size, self.aspect, (self.focal[0] / 100, self.focal[1] / 100))


def rendition_name(name, width, fmt="WEBP", crop=None):
    """The storage name of the `width`-pixel rendition of the stored image `name`.

    The original's whole name, extension included, is kept ("renditions/articles/featured/
    a.jpg-480w.webp") so that a.jpg and a.png in one folder never share renditions. A crop adds
    its key ("…/a.jpg-16x9-at-50-30-480w.webp"); other formats their own extension.
    """
    extension = RENDITION_FORMATS[fmt.upper()][0]
    cropped = f"-{crop.key}" if crop else ""
    return f"{RENDITION_FOLDER}/{name}{cropped}-{width}w.{extension}"


def rendition_url(name, width):
    return default_storage.url(rendition_name(name, width))


def srcset(name, widths):
    """The `srcset` value listing the WebP renditions of `name` at `widths`."""
    return ", ".join(f"{rendition_url(name, width)} {width}w" for width in sorted(widths))


def widths_for(original_width, widths=RENDITION_WIDTHS):
    """The rendition widths wanted for an original this wide: never wider than the original."""
    return [width for width in sorted(widths) if width <= original_width] or [original_width]


def fallback_format(image):
    """The format for browsers without WebP: PNG if the picture has transparency, else JPEG.

    Reads only the header (mode and info), never the pixels.
    """
    return "PNG" if image.has_transparency_data else "JPEG"


def _displayed_size(image):
    """The image's size once its EXIF orientation is applied, read without decoding pixels."""
    orientation = image.getexif().get(_EXIF_ORIENTATION)
    return image.size[::-1] if orientation in _QUARTER_TURNS else image.size


def _ready(image, fmt):
    """The (upright) image in a mode `fmt` stores: RGB, or RGBA where transparency is kept."""
    transparent = fmt != "JPEG" and image.has_transparency_data
    if image.mode == "RGBA" or (image.mode == "RGB" and not transparent):
        return image
    return image.convert("RGBA" if transparent else "RGB")


def _save(image, width, height, fmt, target):
    resized = image if width == image.width else image.resize((width, height), Image.LANCZOS)
    buffer = io.BytesIO()
    resized.save(
        buffer, fmt, icc_profile=image.info.get("icc_profile"), **RENDITION_FORMATS[fmt][1]
    )
    saved = default_storage.save(target, ContentFile(buffer.getvalue()))
    if saved != target:
        # Another process made the same rendition meanwhile; keep theirs, not a renamed copy.
        default_storage.delete(saved)


def make_rendition_set(name, *, widths=RENDITION_WIDTHS, fallback=False, crop=None):
    """Make the missing renditions of the stored image `name`; return records of all that exist.

    WebP at each of `widths` that is not wider than the picture (or the crop), plus, with
    `fallback`, a JPEG (PNG for pictures with transparency) at each width; `crop` (a `Crop`)
    cuts them around a focal point first. Renditions already in storage are not made again.

    Each record is a JSON-ready dict: {"name": storage name, "format": "webp" | "jpeg" | "png",
    "width", "height", "crop": the crop's key or None}. Never raises: an empty, missing or
    unreadable file gives [] (pages then show the original alone), as does an animated image,
    whose rendition would stand still.
    """
    if not name:
        return []
    try:
        with default_storage.open(name, "rb") as handle, Image.open(handle) as image:
            if getattr(image, "is_animated", False):
                return []
            size = _displayed_size(image)
            box = crop.box(size) if crop else None
            if box:
                size = (box[2] - box[0], box[3] - box[1])
            formats = ["WEBP", fallback_format(image)] if fallback else ["WEBP"]
            records = [
                {
                    "name": rendition_name(name, width, fmt, crop),
                    "format": fmt.lower(),
                    "width": width,
                    "height": max(1, round(size[1] * width / size[0])),
                    "crop": crop.key if crop else None,
                }
                for width in widths_for(size[0], widths)
                for fmt in formats
            ]
            missing = [r for r in records if not default_storage.exists(r["name"])]
            if missing:
                upright = ImageOps.exif_transpose(image)
                if box:
                    upright = upright.crop(box)
                ready = {fmt: _ready(upright, fmt) for fmt in formats}
                for record in missing:
                    fmt = record["format"].upper()
                    _save(ready[fmt], record["width"], record["height"], fmt, record["name"])
    # Pillow reports broken files with many exception types (OSError, SyntaxError, ValueError,
    # struct.error, DecompressionBombError …), and storage backends with their own: the caller
    # is saving an article and must not fail because a picture did.
    except Exception:
        logger.warning("Could not make renditions of %r.", name, exc_info=True)
        return []
    return records


def make_renditions(name):
    """Make the missing WebP renditions of the stored image `name`; return the widths that exist.

    The featured images of articles use this; see `make_rendition_set` for the rules.
    """
    return [record["width"] for record in make_rendition_set(name)]
