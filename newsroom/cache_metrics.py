"""The site's two cache backends, counting their reads for Prometheus (newsroom.metrics).

django-prometheus's own cache wrappers are not used: its Redis one is made for django-redis, not
for Django's RedisCache that `newsroom.cache.ForgivingRedisCache` builds on, and its local-memory
one answers the default for any false value it finds (a cached 0 or empty list). These count into
the same series (`django_cache_get_total`, `django_cache_get_hits_total`,
`django_cache_get_misses_total`, by `backend`), and change nothing else. `get_many` is counted
key by key. While Redis is unreachable, its reads count as misses.
"""

from django.core.cache.backends.locmem import LocMemCache
from django_prometheus.cache.metrics import (
    django_cache_get_total,
    django_cache_hits_total,
    django_cache_misses_total,
)

from newsroom.cache import ForgivingRedisCache

_MISSING = object()


class CountedReads:
    """Mixin for a cache backend: count each key read as a hit or a miss under `metrics_name`."""

    metrics_name = ""

    def _count(self, asked, found):
        django_cache_get_total.labels(backend=self.metrics_name).inc(asked)
        django_cache_hits_total.labels(backend=self.metrics_name).inc(found)
        django_cache_misses_total.labels(backend=self.metrics_name).inc(asked - found)

    def get(self, key, default=None, version=None):
        value = super().get(key, _MISSING, version)
        self._count(1, value is not _MISSING)
        return default if value is _MISSING else value


class CountedForgivingRedisCache(CountedReads, ForgivingRedisCache):
    metrics_name = "redis"

    # RedisCache asks for many keys at once; LocMemCache's get_many calls get, counted above.
    def get_many(self, keys, version=None):
        keys = list(keys)
        found = super().get_many(keys, version)
        self._count(len(keys), len(found))
        return found


class CountedLocMemCache(CountedReads, LocMemCache):
    metrics_name = "locmem"
