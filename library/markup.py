"""The HTML of library pictures: `<picture>` for templates, `<figure>` for article bodies.

Both read the renditions recorded on the `Image` (library.renditions) and never make any: that
is the `library.make_renditions` task's work. Until they exist a page shows a fallback that is
correct and sized, never a broken image, and asks for them once (`library.renditions.ask_for`):

- uncropped: the stored original (cleaned on upload) in an `<img>` with its width and height;
- a crop not made yet: the uncropped renditions (else the original) in the crop's box, its
  width and height those of the crop, cut by the stylesheet: the classes `library-crop`,
  `library-crop-16x9` (the aspect ratio) and `library-focal-x-NN`/`library-focal-y-NN`
  (object-position, in steps of 5%) of static/css/site.css. The Content-Security-Policy
  forbids style attributes, hence classes. An aspect without a class (`CROP_CLASSES`) gets
  the uncropped fallback at its own size.
"""

from django.utils.html import format_html, format_html_join

from library.images import BODY_IMAGE_SIZES
from library.renditions import ask_for, complete, crop_for, recorded

# Aspect ratios static/css/site.css can show uncropped pictures in (".library-crop-16x9").
CROP_CLASSES = {
    (1, 1), (2, 1), (3, 1), (3, 2), (2, 3), (4, 3), (3, 4), (4, 5), (5, 4), (16, 9), (9, 16),
    (21, 9),
}  # fmt: skip
FOCAL_STEP = 5  # percent; site.css has a class for each step from 0 to 100


def _url(image, record):
    return image.file.storage.url(record["name"])


def _srcset(image, records):
    return ", ".join(f"{_url(image, record)} {record['width']}w" for record in records)


def _attributes(pairs):
    """` name="value"` for each pair whose value is not None, escaped."""
    return format_html_join("", ' {}="{}"', ((k, v) for k, v in pairs if v is not None))


def picture_html(image, sizes, *, aspect=None, eager=False, css_class="", alt=None):
    """A `<picture>`: WebP renditions, then an `<img>` with the JPEG/PNG fallback and its size.

    `sizes` says how wide the picture is shown; `aspect` ("16:9", "1:1" …) crops it around
    its focal point; `eager` marks the page's largest paint (fetched first, never lazily);
    `alt` replaces the library's alt text (give "" for a decorative use). The `<img>` carries
    the width and height of what it shows, so the page keeps its place while it loads. With no
    renditions (an animation, a missing file) it is the original in a plain `<img>`; while
    renditions are being made, the fallback of the module docstring (and they are asked for).
    Reads only the image's fields, plus one cache round trip (and one outbox row, once) when
    renditions are missing.
    """
    crop = crop_for(image, aspect)
    if not complete(image, aspect):
        ask_for(image, aspect)
    box_class = ""
    if crop and image.width and image.height:
        left, top, right, bottom = crop.box((image.width, image.height))
        width, height = right - left, bottom - top
        records = recorded(image, crop)
        if not records and crop.aspect in CROP_CLASSES:
            # Not made yet: the uncropped picture, cut to the crop's box by the stylesheet.
            box_class = _crop_classes(crop, (image.width, image.height), (left, top, right, bottom))
            records = recorded(image)
        elif not records:
            width, height = image.width, image.height
    else:
        width, height = image.width, image.height
        records = recorded(image, crop)
    webp = [record for record in records if record["format"] == "webp"]
    fallback = [record for record in records if record["format"] != "webp"]
    common = [
        ("alt", image.alt_text if alt is None else alt),
        ("width", width),
        ("height", height),
        ("class", " ".join(filter(None, [box_class, css_class])) or None),
        ("fetchpriority", "high" if eager else None),
        ("loading", None if eager else "lazy"),
        ("decoding", "async"),
    ]
    if not (webp and fallback):
        return format_html("<img{}>", _attributes([("src", image.file.url), *common]))
    img = format_html(
        "<img{}>",
        _attributes(
            [
                ("src", _url(image, fallback[-1])),
                ("srcset", _srcset(image, fallback)),
                ("sizes", sizes),
                *common,
            ]
        ),
    )
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">{}</picture>',
        _srcset(image, webp),
        sizes,
        img,
    )


def _crop_classes(crop, size, box):
    """The classes that show a whole picture of `size` as `crop`, cut to `box`.

    object-position p% puts the picture's p% point on the box's p% point, so the box's left
    edge lies at p% of the width the picture overflows by: p = left / overflow."""
    left, top, right, bottom = box
    positions = []
    for whole, start, end in ((size[0], left, right), (size[1], top, bottom)):
        overflow = whole - (end - start)
        percent = 100 * start / overflow if overflow else 50
        positions.append(FOCAL_STEP * round(percent / FOCAL_STEP))
    aspect_w, aspect_h = crop.aspect
    return (
        f"library-crop library-crop-{aspect_w}x{aspect_h} "
        f"library-focal-x-{positions[0]} library-focal-y-{positions[1]}"
    )


def figure_html(image, sizes=BODY_IMAGE_SIZES):
    """The `<figure>` to put in an article body: what the body editor inserts.

    `<figure data-credit="…"><img src alt width height srcset sizes><figcaption>…</figcaption>
    </figure>`, in the shape article bodies store (articles.body) and the importer writes: the
    `src` is the original, which exports carry; `srcset` offers the uncropped WebP renditions.
    `data-credit` and the caption are left out when empty.
    """
    source = body_image_attributes(image, sizes)
    img = format_html(
        "<img{}>",
        _attributes([("src", source.pop("src")), ("alt", image.alt_text), *source.items()]),
    )
    caption = format_html("<figcaption>{}</figcaption>", image.caption) if image.caption else ""
    credit = format_html(' data-credit="{}"', image.credit) if image.credit else ""
    return format_html("<figure{}>{}{}</figure>", credit, img, caption)


def body_image_attributes(image, sizes=BODY_IMAGE_SIZES):
    """The `<img>` attributes in a body that say which file it shows: src, width, height,
    srcset and sizes (None where there are no renditions yet: they are asked for then, and
    articles' bodies get them when they are made, through `library.uses.follow_renditions`),
    in that order."""
    if not complete(image):
        ask_for(image)
    webp = [record for record in recorded(image) if record["format"] == "webp"]
    return {
        "src": image.file.url,
        "width": image.width,
        "height": image.height,
        "srcset": _srcset(image, webp) if webp else None,
        "sizes": sizes if webp else None,
    }
