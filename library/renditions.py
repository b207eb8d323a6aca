"""Renditions of library pictures: made once, recorded on the `Image`, reused ever after.

The uncropped set (WebP and a JPEG or PNG fallback at `LIBRARY_WIDTHS`) is made on upload;
crops (`aspect="16:9"`, `"1:1"` …) are made the first time a page or caller asks for them and
are cut around the picture's focal point (`library.images.crop_box`). What exists is recorded
in `Image.renditions` (records as `library.images.make_rendition_set` describes), so asking
again reads that list: no storage lookup, no query, nothing written.
"""

from library.images import RENDITION_WIDTHS, Crop, make_rendition_set, widths_for

# A small copy for lists and pickers (the admin, the body editor's image chooser), which also
# serves narrow screens; then the widths article pages use.
THUMBNAIL_WIDTH = 240
LIBRARY_WIDTHS = (THUMBNAIL_WIDTH, *RENDITION_WIDTHS)


def crop_for(image, aspect):
    """The `Crop` of `aspect` around the image's focal point, or None for no aspect."""
    return Crop.around(aspect, (image.focal_x, image.focal_y)) if aspect else None


def recorded(image, crop=None):
    """The image's recorded renditions for `crop` (None: uncropped), narrowest first. No I/O."""
    key = crop.key if crop else None
    return sorted(
        (record for record in image.renditions if record.get("crop") == key),
        key=lambda record: (record["width"], record["format"] != "webp"),
    )


def _displayed_width(image, crop):
    if not (image.width and image.height):
        return None
    if crop is None:
        return image.width
    left, _, right, _ = crop.box((image.width, image.height))
    return right - left


def ensure_renditions(image, aspect=None, widths=LIBRARY_WIDTHS):
    """The image's renditions for `aspect` (None: uncropped) at `widths`, made if missing.

    Returns their records (see `recorded`). When the records already cover every wanted width
    in WebP and the fallback format, nothing is opened, looked up or saved. Otherwise the
    missing files are made (files already in storage are reused) and the record list is
    written with a single UPDATE of that one column, so an editor's concurrent save is not
    overwritten; records of crops around an earlier focal point are dropped from it then (their
    files stay: pages and caches may still name them). Animated pictures get none.
    """
    if not image.file or image.animated:
        return []
    crop = crop_for(image, aspect)
    have = recorded(image, crop)
    original_width = _displayed_width(image, crop)
    if have:
        if original_width is None:  # no size recorded: what exists is all there is to know
            return have
        wanted = set(widths_for(original_width, widths))
        made = {}
        for record in have:
            made.setdefault(record["width"], set()).add(record["format"])
        if all(len(made.get(width, ())) >= 2 for width in wanted):
            return have
    fresh = make_rendition_set(image.file.name, widths=widths, fallback=True, crop=crop)
    if not fresh:
        return have
    focal_key = crop_for(image, "1:1").focal_key
    kept = [
        record
        for record in image.renditions
        if record.get("crop") is None or record["crop"].endswith(f"-{focal_key}")
    ]
    names = {record["name"] for record in kept}
    records = kept + [record for record in fresh if record["name"] not in names]
    type(image).objects.filter(pk=image.pk).update(renditions=records)
    image.renditions = records
    return recorded(image, crop)


def crop_rendition(image, width, aspect):
    """The records (WebP first, then the fallback) of the `width`-pixel crop of `aspect`.

    The crop is centred on the image's focal point and clamped to the picture
    (`library.images.crop_box`); it is made once, on the first call, and recorded. A crop
    narrower than `width` gives its own full width instead. [] if the picture has no
    renditions (animated, missing or unreadable).
    """
    records = ensure_renditions(image, aspect, widths=(width,))
    if not records:
        return []
    crop_width = _displayed_width(image, crop_for(image, aspect)) or width
    actual = widths_for(crop_width, (width,))[0]
    return [record for record in records if record["width"] == actual]


def thumbnail(image):
    """The record of the image's smallest uncropped WebP rendition, or None. No I/O."""
    return next((r for r in recorded(image) if r["format"] == "webp"), None)
