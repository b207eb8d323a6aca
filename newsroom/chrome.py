"""The header and footer every public page shares, built once and kept in the cache.

Building it costs five queries (settings with its links, navigation sections, footer pages);
`newsroom.fragments` keeps it and drops the cached copy whenever one of its sources is saved or
deleted (each app names its sources in its `AppConfig.ready`), so pages after the first pay
nothing for it.

The navigation's sections are topics, which the shell does not know: the app that owns them
gives the function that lists them (`set_navigation`, from its `AppConfig.ready`).
"""

from django.db.models import Prefetch, prefetch_related_objects

from newsroom import fragments
from newsroom.models import FooterLink, SiteSettings

_navigation = list


def set_navigation(sections):
    """Say where the header's sections come from: `sections()` returns objects with `pk`, `name`,
    `slug` and `get_absolute_url()`, in menu order."""
    global _navigation
    _navigation = sections


def build_chrome():
    """Return plain data for the header and footer. Touches settings, links, sections and pages."""
    settings = SiteSettings.load()
    saved = not settings._state.adding
    if saved:
        prefetch_related_objects(
            [settings],
            "networklink_set",
            "sociallink_set",
            Prefetch("footerlink_set", FooterLink.objects.select_related("page")),
        )
    return {
        "brand_name": settings.brand_name,
        "tagline": settings.tagline,
        "description": settings.tagline or f"The latest news from {settings.brand_name}.",
        "network_name": settings.network_name,
        "network_url": settings.network_url,
        "submit_url": settings.submit_url,
        "network_links": [
            {"name": n.name, "url": n.url}
            for n in (settings.networklink_set.all() if saved else [])
        ],
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
            for t in _navigation()
        ],
    }


def get_chrome():
    """The header and footer's data, from the cache when it is there (see `build_chrome`)."""
    return fragments.get_chrome(build_chrome)
