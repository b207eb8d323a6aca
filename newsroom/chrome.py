"""The header and footer every public page shares, built once and kept in the cache.

Building it costs five queries (settings with its links, navigation sections, footer pages);
`newsroom.signals` drops the cached copy whenever one of its sources is saved or deleted, so
pages after the first pay nothing for it.
"""

from django.core.cache import cache
from django.db.models import Prefetch, prefetch_related_objects

from newsroom.models import FooterLink, SiteSettings

CACHE_KEY = "newsroom:site-chrome:v2"
# Edits clear the cache at once; the time limit bounds staleness in a process that did not see
# the edit (each process has its own cache unless REDIS_URL is set).
CACHE_SECONDS = 5 * 60


def build_chrome():
    """Return plain data for the header and footer. Touches settings, links, topics and pages."""
    from articles.models import Topic

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
            for t in Topic.objects.navigation()
        ],
    }


def get_chrome():
    chrome = cache.get(CACHE_KEY)
    if chrome is None:
        chrome = build_chrome()
        cache.set(CACHE_KEY, chrome, CACHE_SECONDS)
    return chrome


def forget_chrome(**kwargs):
    """Signal receiver: the next page rebuilds the header and footer."""
    cache.delete(CACHE_KEY)
