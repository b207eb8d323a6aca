"""Renditions of library pictures: made once, by a task, recorded on the `Image`, reused ever
after.

The uncropped set (WebP and a JPEG or PNG fallback at `LIBRARY_WIDTHS`) is queued when a file
is stored (`queue_renditions`, run by the `library.make_renditions` task, library.tasks); crops
(`aspect="16:9"`, `"1:1"` …) are queued the first time a page asks for one (`ask_for`) and are
cut around the picture's focal point (`library.images.crop_box`). What exists is recorded in
`Image.renditions` (records as `library.images.make_rendition_set` describes), so asking again
reads that list: no storage lookup, no query, nothing written. Pages never make renditions:
until they exist, they show the stored original at its size (library.markup).
"""

import hashlib

from django.core.cache import cache
from django.db import transaction

from jobs.outbox import enqueue
from library.images import RENDITION_WIDTHS, Crop, make_rendition_set, widths_for

TASK = "library.make_renditions"
# A page that finds renditions missing queues the task once in this many seconds per picture,
# file and aspect (the cache remembers), so a busy page does not queue it on every view; by
# then the task has long finished, or failed (and is recorded for the admin).
ASK_AGAIN_SECONDS = 300

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


def complete(image, aspect=None, widths=LIBRARY_WIDTHS):
    """Whether the image's recorded renditions for `aspect` cover every wanted width in WebP
    and the fallback format (an animation or a file-less image needs none). No I/O."""
    if not image.file or image.animated:
        return True
    crop = crop_for(image, aspect)
    have = recorded(image, crop)
    original_width = _displayed_width(image, crop)
    if not have or original_width is None:
        # No size recorded: what exists is all there is to know.
        return bool(have)
    made = {}
    for record in have:
        made.setdefault(record["width"], set()).add(record["format"])
    return all(len(made.get(width, ())) >= 2 for width in widths_for(original_width, widths))


def ensure_renditions(image, aspect=None, widths=LIBRARY_WIDTHS):
    """The image's renditions for `aspect` (None: uncropped) at `widths`, made if missing.

    Slow (seconds for a large photograph): the `library.make_renditions` task calls it, never
    a request. Returns their records (see `recorded`). When the records already cover every
    wanted width in WebP and the fallback format, nothing is opened, looked up or saved.
    Otherwise the missing files are made (files already in storage are reused: a run killed
    half-way loses only time) and the new records are merged into the row's current list
    under a row lock, written with a single UPDATE of that one column, so neither an editor's
    concurrent save nor another run's records are overwritten, and no record is listed twice;
    records of crops around an earlier focal point are dropped then (their files stay: pages
    and caches may still name them). If the file was replaced meanwhile, nothing is written.
    Animated pictures get none.
    """
    if not image.file or image.animated:
        return []
    crop = crop_for(image, aspect)
    if complete(image, aspect, widths):
        return recorded(image, crop)
    fresh = make_rendition_set(image.file.name, widths=widths, fallback=True, crop=crop)
    if not fresh:
        return recorded(image, crop)
    with transaction.atomic():
        row = (
            type(image)
            .objects.select_for_update()
            .filter(pk=image.pk)
            .values("file", "focal_x", "focal_y", "renditions")
            .first()
        )
        if row is None or row["file"] != image.file.name:
            return recorded(image, crop)
        focal_key = Crop.around("1:1", (row["focal_x"], row["focal_y"])).focal_key
        kept = [
            record
            for record in row["renditions"]
            if record.get("crop") is None or record["crop"].endswith(f"-{focal_key}")
        ]
        names = {record["name"] for record in kept}
        records = kept + [
            record
            for record in fresh
            if record["name"] not in names
            # A crop made around a focal point moved since: its files stay, unrecorded.
            and (record["crop"] is None or record["crop"].endswith(f"-{focal_key}"))
        ]
        if records != row["renditions"]:
            type(image).objects.filter(pk=image.pk).update(renditions=records)
    image.renditions = records
    return recorded(image, crop)


def queue_renditions(image, aspect=None):
    """Queue the `library.make_renditions` task for `image` (saved) and `aspect`: it runs after
    the current transaction commits (jobs.outbox). Call it whenever a picture's file is stored
    or replaced; pages that find the renditions missing meanwhile do not queue it again."""
    if image.file and not image.animated:
        cache.set(_asked_key(image, aspect), True, ASK_AGAIN_SECONDS)
        enqueue(TASK, image.pk, aspect)


def _asked_key(image, aspect):
    # The file's name is in the key, so a replaced file is asked for at once.
    file_key = hashlib.sha256(image.file.name.encode()).hexdigest()[:16]
    return f"library:renditions-asked:{image.pk}:{file_key}:{aspect or 'full'}"


def ask_for(image, aspect=None):
    """Queue the renditions of `image` for `aspect` unless asked for in the last
    `ASK_AGAIN_SECONDS` (a page finding them missing calls this). Returns whether it queued.

    One cache round trip; queueing writes one outbox row."""
    if not image.file or image.animated:
        return False
    if not cache.add(_asked_key(image, aspect), True, ASK_AGAIN_SECONDS):
        return False
    enqueue(TASK, image.pk, aspect)
    return True


def crop_rendition(image, width, aspect):
    """The records (WebP first, then the fallback) of the `width`-pixel crop of `aspect`.

    The crop is centred on the image's focal point and clamped to the picture
    (`library.images.crop_box`); it is made once, on the first call, and recorded: slow, so
    for tasks and commands, not requests. A crop
    narrower than `width` gives its own full width instead. [] if the picture has no
    renditions (animated, missing or unreadable).
    """
    records = ensure_renditions(image, aspect, widths=(width,))
    if not records:
        return []
    crop_width = _displayed_width(image, crop_for(image, aspect)) or width
    actual = widths_for(crop_width, (width,))[0]
    return [record for record in records if record["width"] == actual]


def webp_widths(image):
    """The widths of the image's uncropped WebP renditions recorded so far, for copies that
    name renditions by width (an article's featured image: library.images.srcset); the
    thumbnail's is left out where wider ones exist. [] until the task has made them. No I/O."""
    widths = [record["width"] for record in recorded(image) if record["format"] == "webp"]
    return [width for width in widths if width != THUMBNAIL_WIDTH] or widths


def thumbnail(image):
    """The record of the image's smallest uncropped WebP rendition, or None. No I/O."""
    return next((r for r in recorded(image) if r["format"] == "webp"), None)
