"""Where library pictures are used, as the apps that use them tell the library; and who may
change a picture, which depends on that.

The library knows nothing of what shows its pictures: dependencies flow one way, content apps
-> library (docs/architecture.md). An app that shows library pictures (articles) registers a
`PictureUse` from its `AppConfig.ready`; the library's admin asks through this module whether a
picture is in published use, and has every use follow a replaced file.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from library.images import RENDITION_FOLDER
from library.models import Image, ImageReplacement
from newsroom import purging, surrogate


@dataclass(frozen=True)
class PictureUse:
    """What an app that shows library pictures tells the library.

    `in_published_use(image)`: whether something published shows the picture.
    `follow_replacement(image, old_name, by)`: show the picture's current file wherever its
    file `old_name` was shown; returns how many things it changed.
    `editor_permission`: holders may change any picture, in use or not.
    `follow_renditions(image)`: the picture's uncropped renditions are made (by the
    `library.make_renditions` task, after the file was stored): offer them wherever the
    current file is shown without them. Optional.
    """

    in_published_use: Callable
    follow_replacement: Callable
    editor_permission: str
    follow_renditions: Callable | None = None


_uses = []


def register(use):
    """Add a `PictureUse`. Call it from an `AppConfig.ready`."""
    _uses.append(use)


# A rendition's name: the folder, the original's whole name, a crop's key, the width.
RENDITION = re.compile(
    rf"^{re.escape(RENDITION_FOLDER)}/(?P<name>.+?)(-\d+x\d+-at-\d+-\d+)?-\d+w\.\w+$"
)


def media_keys(path):
    """The surrogate keys of the stored file at `path` when the origin serves it: `media-<pk>`
    of the library picture it is, or a rendition of (one query); none for another file."""
    match = RENDITION.match(path)
    name = match["name"] if match else path
    return {surrogate.key("image", pk) for pk in Image.objects.filter(file=name).values_list(
        "pk", flat=True)}


def in_published_use(image):
    """Whether anything published shows `image` (a query per registered use)."""
    return any(use.in_published_use(image) for use in _uses)


def may_alter_image(user, image, action="change"):
    """Whether `user` may `action` ("change" or "delete") `image` (None: any picture).

    A picture on a published article is the newsroom's, not its uploader's: contributors change
    and delete only pictures they uploaded that nothing published shows; editors (a use's
    `editor_permission`) change any. Asks about the picture's uses only for contributors.
    """
    if not user.has_perm(f"library.{action}_image"):
        return False
    if image is None or image.pk is None:
        return True
    if any(user.has_perm(use.editor_permission) for use in _uses):
        return True
    return image.uploaded_by_id == user.pk and not in_published_use(image)


def follow_renditions(image):
    """Have every use offer `image`'s newly made renditions (the task that made them calls
    this). Returns how many things changed."""
    return sum(use.follow_renditions(image) for use in _uses if use.follow_renditions)


def follow_replacement(image, *, old_name, by):
    """Record that `image`'s file `old_name` was replaced by its current one, and have every use
    show the new file. Returns the `ImageReplacement`.

    Call it after the new file is stored (its renditions may not exist yet: uses show the file
    alone until `follow_renditions`). The old file and its renditions stay in storage, as
    revisions may still name them. The edge drops what it kept of the picture (`media-<pk>`);
    the uses purge what shows it (an article's save purges its pages)."""
    changed = sum(use.follow_replacement(image, old_name=old_name, by=by) for use in _uses)
    purging.purge({surrogate.key_for(image)})
    return ImageReplacement.objects.create(
        image=image,
        replaced_by=by,
        old_name=old_name,
        new_name=image.file.name,
        articles_changed=changed,
    )
