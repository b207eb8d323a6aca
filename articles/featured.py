"""The featured image: one way to make a media library picture an article's featured image.

Every path that puts a library picture on an article goes through `use_library_picture`: the
admin's "choose from the library" and its uploads (which join the library first), a reader
submission drafted into an article, a library picture whose file is replaced. The article
keeps its own copy of the file's name, size and renditions, so its pages need no join; the
library picture it came from is remembered in `featured_library_image`.
"""

from articles.images import make_renditions


def use_library_picture(article, image, *, alt=None, caption=None, credit=None, renditions=None):
    """Make the library `image` the featured image of `article` (not saved).

    Sets the file, its size (copied from the library, which measured it) and its renditions
    (made from the file unless `renditions`, their widths, are given), and the alt text,
    caption and credit: each one given, else the picture's own.
    """
    article.featured_library_image = image
    # The name alone: assigning the field would open the file to measure it again.
    article.featured_image.name = image.file.name
    article.featured_image_width, article.featured_image_height = image.width, image.height
    if renditions is None:
        renditions = make_renditions(image.file.name)
    article.featured_image_renditions = list(renditions)
    article.featured_image_alt = image.alt_text if alt is None else alt
    article.featured_image_caption = image.caption if caption is None else caption
    article.featured_image_credit = image.credit if credit is None else credit
    return article
