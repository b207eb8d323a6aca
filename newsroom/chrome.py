"""The header and footer every public page shares, built once and kept in the cache.

Each brand has its own (newsroom.brands: the brand in hand). Building it costs six queries
(the brand's settings, its social links, footer pages, the sister brands and the navigation's
sections); `newsroom.fragments` keeps it, per brand, and drops the cached copies whenever one
of its sources is saved or deleted (each app names its sources in its `AppConfig.ready`), so
pages after the first pay nothing for it.

The navigation's sections are topics, which the shell does not know: the app that owns them
gives the function that lists them (`set_navigation`, from its `AppConfig.ready`).

The sister brands are the other brands of the install, each linked at its primary host with
the scheme of SITE_URL.
"""

from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.db.models import Prefetch, prefetch_related_objects

from newsroom import fragments
from newsroom.brands import current_site
from newsroom.models import FooterLink, SiteSettings


def _no_sections(site):
    return []


_navigation = _no_sections


def set_navigation(sections):
    """Say where the header's sections come from: `sections(site)` returns brand `site`'s
    sections, objects with `pk`, `name`, `slug` and `get_absolute_url()`, in menu order."""
    global _navigation
    _navigation = sections


def brand_address(site):
    """The home page's address of brand `site`: SITE_URL's scheme and the brand's host."""
    return f"{urlsplit(django_settings.SITE_URL).scheme or 'https'}://{site.domain}/"


def sister_brands(site):
    """The other brands, by name, as {"name", "url"}. One query."""
    others = SiteSettings.objects.exclude(site=site).select_related("site").order_by("brand_name")
    return [{"name": other.brand_name, "url": brand_address(other.site)} for other in others]


def build_chrome(site=None):
    """Return plain data for brand `site`'s header and footer (the brand in hand if None).
    Touches settings, links, sister brands, sections and pages."""
    site = site or current_site()
    settings = SiteSettings.load(site)
    saved = not settings._state.adding
    if saved:
        prefetch_related_objects(
            [settings],
            "sociallink_set",
            Prefetch("footerlink_set", FooterLink.objects.select_related("page")),
        )
    return {
        "site_id": site.pk,
        "brand_name": settings.brand_name,
        "logo": (
            {"url": settings.logo.url, "width": settings.logo_width, "height": settings.logo_height}
            if settings.logo
            else None
        ),
        "header_colour": settings.header_colour,
        "accent_colour": settings.accent_colour,
        "contact_email": settings.contact_email,
        "advert_account": settings.advert_account,
        "tagline": settings.tagline,
        "description": settings.tagline or f"The latest news from {settings.brand_name}.",
        "network_name": settings.network_name,
        "network_url": settings.network_url,
        "submit_url": settings.submit_url,
        "network_links": sister_brands(site),
        "social_links": [
            {"network": s.network, "label": s.get_network_display(), "url": s.url}
            for s in (settings.sociallink_set.all() if saved else [])
        ],
        "footer_pages": [
            {"title": f.page.title, "url": f.page.get_absolute_url()}
            for f in (settings.footerlink_set.all() if saved else [])
        ],
        "sections": [
            {"id": t.pk, "name": t.name, "slug": t.slug, "url": t.get_absolute_url()}
            for t in _navigation(site)
        ],
    }


def get_chrome():
    """The brand in hand's header and footer, from the cache when it is there (see
    `build_chrome`)."""
    return chrome_of(current_site())


def chrome_of(site, *, menu=True):
    """Brand `site`'s header and footer data, from the cache when it is there. With `menu`
    off, for another brand's page that shows this brand's name and logo but not its header
    (a syndicated copy names its first brand as publisher): its menu's key is not noted."""
    return fragments.get_chrome(lambda: build_chrome(site), site.pk, menu=menu)
