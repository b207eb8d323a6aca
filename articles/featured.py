"""The featured image: one way to make a media library picture an article's featured image.

Every path that puts a library picture on an article goes through here: the admin's "choose
from the library" and its uploads (which join the library first), a reader submission drafted
into an article, a library picture whose file is replaced (`use_library_picture`), and the
importers, which write many articles at once and hold a light copy of each picture
(`picture_fields`). The article keeps its own copy of the file's name, size and renditions, so
its pages need no join; the picture it came from is remembered in `featured_library_image`.
"""

from library.renditions import ask_for, complete, webp_widths


def picture_fields(*, pk, name, width, height, renditions, alt, caption, credit):
    """The article's featured-image fields, by attribute name, for the library picture `pk`
    (None and "" for none): what `use_library_picture` sets, for writers that bulk-update."""
    return {
        "featured_library_image_id": pk,
        "featured_image": name,
        "featured_image_width": width,
        "featured_image_height": height,
        "featured_image_renditions": list(renditions),
        "featured_image_alt": alt,
        "featured_image_caption": caption,
        "featured_image_credit": credit,
    }


def no_picture_fields():
    """The article's featured-image fields for no featured image at all."""
    return picture_fields(
        pk=None, name="", width=None, height=None, renditions=[], alt="", caption="", credit=""
    )


def use_library_picture(article, image, *, alt=None, caption=None, credit=None, renditions=None):
    """Make the library `image` the featured image of `article` (not saved).

    Sets the file, its size (copied from the library, which measured it) and its renditions
    (`renditions`, their widths, else those the library has recorded: none while the
    `library.make_renditions` task has yet to run, when they are asked for and the article is
    given them when they are made, `follow_renditions`), and the alt text, caption and credit:
    each one given, else the picture's own. Never makes a rendition itself.
    """
    if renditions is None and image.pk and not complete(image):
        ask_for(image)
    fields = picture_fields(
        pk=image.pk,
        name=image.file.name,
        width=image.width,
        height=image.height,
        renditions=webp_widths(image) if renditions is None else renditions,
        alt=image.alt_text if alt is None else alt,
        caption=image.caption if caption is None else caption,
        credit=image.credit if credit is None else credit,
    )
    article.featured_library_image = image
    # The name alone: assigning the field would open the file to measure it again.
    article.featured_image.name = fields.pop("featured_image")
    del fields["featured_library_image_id"]
    for name, value in fields.items():
        setattr(article, name, value)
    return article
