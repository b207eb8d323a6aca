from django import template
from django.utils import dateformat, timezone

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
