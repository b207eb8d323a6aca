"""The HTML of library pictures: `<picture>` for templates, `<figure>` for article bodies.

Both read the renditions recorded on the `Image` (library.renditions); `picture_html` makes
the missing ones of a crop the first time it is asked for.
"""

from django.utils.html import format_html, format_html_join

from library.images import BODY_IMAGE_SIZES
from library.renditions import crop_for, ensure_renditions


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
    renditions (an animation, a missing file) it is the original in a plain `<img>`.
    """
    records = ensure_renditions(image, aspect)
    webp = [record for record in records if record["format"] == "webp"]
    fallback = [record for record in records if record["format"] != "webp"]
    crop = crop_for(image, aspect)
    if crop and image.width and image.height:
        left, top, right, bottom = crop.box((image.width, image.height))
        width, height = right - left, bottom - top
    else:
        width, height = image.width, image.height
    common = [
        ("alt", image.alt_text if alt is None else alt),
        ("width", width),
        ("height", height),
        ("class", css_class or None),
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
    srcset and sizes (None where there are no renditions), in that order."""
    webp = [record for record in ensure_renditions(image) if record["format"] == "webp"]
    return {
        "src": image.file.url,
        "width": image.width,
        "height": image.height,
        "srcset": _srcset(image, webp) if webp else None,
        "sizes": sizes if webp else None,
    }
