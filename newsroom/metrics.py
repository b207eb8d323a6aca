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

Figures shared by every process (the outbox, the broker's queue, failed tasks) are read when
the page is scraped, by collectors an app registers with `read_at_scrape` (jobs.metrics): a
counter kept in a process's memory would only count what that process saw, and the workers
that run tasks are never scraped.
"""

import ipaddress

import prometheus_client
from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_prometheus.exports import ExportToDjangoView

# Collectors whose figures are read at each scrape, from the database or the broker: the same
# whichever process answers, and added once, outside multiprocess mode's per-process files.
AT_SCRAPE = prometheus_client.CollectorRegistry()


def read_at_scrape(collector):
    """Register `collector` (with a `collect()` yielding metric families) for /metrics; an app
    calls it once, from its AppConfig.ready."""
    AT_SCRAPE.register(collector)


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
    response = ExportToDjangoView(request)
    return HttpResponse(
        response.content + prometheus_client.generate_latest(AT_SCRAPE),
        content_type=response["Content-Type"],
    )
