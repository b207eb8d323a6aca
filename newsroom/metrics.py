"""Prometheus metrics at `/metrics`, for the monitoring network only.

django-prometheus counts requests, responses by status and view, and their latency (its two
middleware, first and last in MIDDLEWARE). Its database and cache wrappers are not used: the
database engine comes from DATABASE_URL through dj-database-url, and the cache is
`newsroom.cache.ForgivingRedisCache`, which django-prometheus's Redis wrapper (made for
django-redis) would replace.

The page names every view and its traffic, so it is not for the public: it is answered only to
client addresses in METRICS_ALLOWED_IPS (REMOTE_ADDR as the process sees it, never a forwarded
header a client could write), and everyone else gets the site's ordinary 404, as if there were
no such page. Behind a proxy, let the scraper reach the process directly (or through an address
of its own) rather than allowing the proxy's address.
"""

import ipaddress

from django.conf import settings
from django.http import Http404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_prometheus.exports import ExportToDjangoView


def allowed_networks():
    """METRICS_ALLOWED_IPS as networks: single addresses and CIDR ranges."""
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.METRICS_ALLOWED_IPS]


def may_scrape(request):
    """Whether the client's own address (REMOTE_ADDR) is in METRICS_ALLOWED_IPS."""
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in allowed_networks())


@require_safe
@never_cache
def metrics(request):
    """The Prometheus text exposition of this process (or of all processes, in multiprocess
    mode: django-prometheus reads PROMETHEUS_MULTIPROC_DIR)."""
    if not may_scrape(request):
        raise Http404
    return ExportToDjangoView(request)
