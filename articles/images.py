"""Responsive images: smaller WebP copies ("renditions") of stored originals, made once.

A rendition is named after its original and its width (`rendition_name`), so whether one exists
is a storage lookup, not a database query, and making them again is a no-op. Models keep only
the list of widths that exist (`Article.featured_image_renditions`); pages build `srcset` from
it without touching storage. Renditions are made where images arrive, never in `Model.save()`:
the importer (`articles.interchange.ImageStore`), the admin (`ArticleAdmin.save_model`) and, for
images stored before renditions existed, `manage.py make_renditions`.
"""

import io
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

RENDITION_WIDTHS = (480, 800, 1200)
RENDITION_FOLDER = "renditions"
WEBP_OPTIONS = {"quality": 80, "method": 5}

# EXIF orientations that turn the picture a quarter, so its displayed width is its stored height.
_QUARTER_TURNS = {5, 6, 7, 8}
_EXIF_ORIENTATION = 0x0112

# How wide a body image is shown, for its `sizes`: the article column is at most var(--measure)
# (45rem) inside the page's 1rem padding (static/css/site.css). The featured image in
# templates/articles/article_detail.html has the same width and says the same.
BODY_IMAGE_SIZES = "(min-width: 47em) 45rem, calc(100vw - 2rem)"


def rendition_name(name, width):
    """The storage name of the `width`-pixel WebP rendition of the stored image `name`.

    The original's whole name, extension included, is kept ("renditions/articles/featured/
    a.jpg-480w.webp") so that a.jpg and a.png in one folder never share renditions.
    """
    return f"{RENDITION_FOLDER}/{name}-{width}w.webp"


def rendition_url(name, width):
    return default_storage.url(rendition_name(name, width))


def srcset(name, widths):
    """The `srcset` value listing the renditions of `name` at `widths`."""
    return ", ".join(f"{rendition_url(name, width)} {width}w" for width in sorted(widths))


def widths_for(original_width):
    """The rendition widths wanted for an original this wide: never wider than the original."""
    return [width for width in RENDITION_WIDTHS if width <= original_width] or [original_width]


def _displayed_width(image):
    """The image's width once its EXIF orientation is applied, read without decoding pixels."""
    orientation = image.getexif().get(_EXIF_ORIENTATION)
    return image.height if orientation in _QUARTER_TURNS else image.width


def _webp_ready(image):
    """The image upright, in a mode WebP stores (RGB, or RGBA when it has transparency)."""
    image = ImageOps.exif_transpose(image)
    transparent = image.has_transparency_data
    if image.mode == "RGBA" or (image.mode == "RGB" and not transparent):
        return image
    return image.convert("RGBA" if transparent else "RGB")


def _save(image, width, name):
    height = max(1, round(image.height * width / image.width))
    resized = image if width == image.width else image.resize((width, height), Image.LANCZOS)
    buffer = io.BytesIO()
    resized.save(buffer, "WEBP", icc_profile=image.info.get("icc_profile"), **WEBP_OPTIONS)
    target = rendition_name(name, width)
    saved = default_storage.save(target, ContentFile(buffer.getvalue()))
    if saved != target:
        # Another process made the same rendition meanwhile; keep theirs, not a renamed copy.
        default_storage.delete(saved)


def make_renditions(name):
    """Make the missing WebP renditions of the stored image `name`; return the widths that exist.

    Renditions already in storage are not made again. Never raises: an empty, missing or
    unreadable file gives [] (pages then show the original alone), as does an animated image,
    whose rendition would stand still.
    """
    if not name:
        return []
    try:
        with default_storage.open(name, "rb") as handle, Image.open(handle) as image:
            if getattr(image, "is_animated", False):
                return []
            widths = widths_for(_displayed_width(image))
            missing = [w for w in widths if not default_storage.exists(rendition_name(name, w))]
            if missing:
                upright = _webp_ready(image)
                for width in missing:
                    _save(upright, width, name)
    # Pillow reports broken files with many exception types (OSError, SyntaxError, ValueError,
    # struct.error, DecompressionBombError …), and storage backends with their own: the caller
    # is saving an article and must not fail because a picture did.
    except Exception:
        logger.warning("Could not make renditions of %r.", name, exc_info=True)
        return []
    return widths
