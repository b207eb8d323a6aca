"""brand.css: the brand's colours as the stylesheet's custom properties.

Pages send no inline style (the Content-Security-Policy allows styles from the site only), so
each brand's colours come in a small stylesheet of its own, after site.css. It is made from the
brand's cached header and footer (`newsroom.chrome`): no query once that is cached. Its
address carries the colours, so a change of colours is a new address for browsers' caches.
"""

from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from newsroom.chrome import get_chrome


def brand_stylesheet(request):
    chrome = get_chrome()
    css = (
        ":root {\n"
        f"  --link: {chrome['accent_colour']};\n"
        f"  --accent: {chrome['accent_colour']};\n"
        f"  --chrome-bg: {chrome['header_colour']};\n"
        "}\n"
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    patch_cache_control(response, public=True, max_age=300)
    return response
