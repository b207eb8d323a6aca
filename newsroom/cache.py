"""Django's Redis cache, made to fail soft: while Redis cannot answer, the site has no cache.

The cache only saves work (the header and footer, page fragments, topic counts), so an
unreachable, restarting or misbehaving Redis must cost speed, never a page. Django's
`RedisCache` raises redis-py's errors instead; `ForgivingRedisCache` turns them into what an
empty cache would answer:

- reads miss (`get` gives the default, `get_many` gives {}, `has_key` False);
- writes are dropped (`set`, `delete`, `touch`, `add` report that nothing was stored);
- `incr`/`decr` raise ValueError, as for a missing key, which is the case callers already
  handle: django-ratelimit then finds no count, and refuses or allows the request as its
  `RATELIMIT_FAIL_OPEN` setting says (the default refuses), rather than failing with a 500.

After a failure Redis is left alone for `RETRY_SECONDS`: every operation misses at once, so a
page does not wait out the socket timeout once per cache call, and the log gets one warning
per outage rather than one per call. Sessions do not live in this cache (SESSION_ENGINE is
the database), so signing in keeps working.

What is lost while Redis is away is bounded: a content-version bump or a dropped key that
did not reach Redis leaves at most NEWSROOM_FRAGMENT_SECONDS of stale fragments, and the
header and footer at most `newsroom.fragments.CHROME_SECONDS`, once Redis is back.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class ForgivingRedisCache(RedisCache):
    """`RedisCache` that behaves as an empty cache while Redis fails (see the module)."""

    RETRY_SECONDS = 10

    def __init__(self, server, params):
        super().__init__(server, params)
        self._resting_until = 0.0

    def _attempt(self, operation, *args, fallback=None):
        """`operation(*args)`, or `fallback` if Redis is failing or resting after a failure."""
        if time.monotonic() < self._resting_until:
            return fallback
        try:
            return operation(*args)
        except RedisError as error:
            self._resting_until = time.monotonic() + self.RETRY_SECONDS
            logger.warning(
                "Cache unavailable (%s: %s); serving without it for %s seconds.",
                type(error).__name__,
                error,
                self.RETRY_SECONDS,
            )
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().add, key, value, timeout, version, fallback=False)

    def get(self, key, default=None, version=None):
        return self._attempt(super().get, key, default, version, fallback=default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._attempt(super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().touch, key, timeout, version, fallback=False)

    def delete(self, key, version=None):
        return self._attempt(super().delete, key, version, fallback=False)

    def get_many(self, keys, version=None):
        return self._attempt(super().get_many, keys, version, fallback={})

    def has_key(self, key, version=None):
        return self._attempt(super().has_key, key, version, fallback=False)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._attempt(super().incr, key, delta, version, fallback=missing)
        if value is missing:
            raise ValueError(f"Key {key!r} not found: the cache is unavailable.")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # The keys that were not stored: all of them, when Redis fails.
        return self._attempt(super().set_many, data, timeout, version, fallback=list(data))

    def delete_many(self, keys, version=None):
        self._attempt(super().delete_many, keys, version)

    def clear(self):
        return self._attempt(super().clear, fallback=False)
