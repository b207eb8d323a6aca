"""Template tags about articles: the featured picture with its renditions.

Load with `{% load articles_tags %}`. The site's generic tags (dates, adverts, structured data)
are the shell's, `{% load newsroom %}`.
"""

from django import template
from django.utils.html import format_html, format_html_join

from library.images import srcset

register = template.Library()


@register.simple_tag
def picture(article, sizes, eager=False, css_class=""):
    """The article's featured image: a `<picture>` offering its WebP renditions, or a plain `<img>`.

    `sizes` says how wide the image is shown (the `sizes` attribute); `eager` marks the picture
    that is the page's largest paint: fetched first, never lazily. Reads only fields of the
    article; a queryset that defers `featured_image_renditions` gets the plain `<img>` rather
    than a query per card.
    """
    if not article.featured_image:
        return ""
    attributes = {
        "class": css_class or None,
        "src": article.featured_image.url,
        "alt": article.featured_image_alt,
        "width": article.featured_image_width,
        "height": article.featured_image_height,
        "fetchpriority": "high" if eager else None,
        "loading": None if eager else "lazy",
        "decoding": "async",
    }
    img = format_html(
        "<img{}>",
        format_html_join(
            "",
            ' {}="{}"',
            ((name, value) for name, value in attributes.items() if value is not None),
        ),
    )
    deferred = "featured_image_renditions" in article.get_deferred_fields()
    widths = [] if deferred else article.featured_image_renditions
    if not widths:
        return img
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">{}</picture>',
        srcset(article.featured_image.name, widths),
        sizes,
        img,
    )
