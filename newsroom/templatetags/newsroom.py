from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import dateformat, timezone
from django.utils.html import format_html

register = template.Library()


@register.filter
def dateline(value):
    """Format a moment as readers see it in the site's time zone: "12:08 15 Mar 2022 GMT".

    Django's `T` format leaves the zone name out in the hour that repeats when the clocks go
    back, which is exactly when "BST" or "GMT" tells the two apart; `tzname()` does not.
    """
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{dateformat.format(local, 'H:i d M Y')} {local.tzname()}"


@register.simple_tag
def relative_time(value):
    """`<time>` with the moment in ISO form and words like "12 hours ago".

    The words are right when the page is made; static/js/relative-time.js keeps them right in a
    page served later from a cache.
    """
    if not value:
        return ""
    return format_html(
        '<time class="relative-time" datetime="{}">{}</time>',
        timezone.localtime(value).isoformat(),
        naturaltime(value),
    )


@register.simple_tag
def advert_slot(variant=""):
    """A labelled advert container; CSS reserves its height so nothing moves when an ad fills it.

    A tag rather than an include: the body places several, and includes cost a template lookup
    and a context push each.
    """
    modifier = f" advert--{variant}" if variant else ""
    return format_html('<div class="advert{}"><p class="advert__label">Advert</p></div>', modifier)
