"""What a load balancer and an orchestrator ask the process: is it up, and can it serve?

- `/healthz` (liveness): the process answers. No database, cache or broker is asked, so a
  database outage never makes an orchestrator restart every web process at once.
- `/readyz` (readiness): the database, the cache, the task broker and the media storage answer.
  200 when they all do; 503 when one does not, with one plain-text line per service naming what
  is down, so a load balancer takes the process out of rotation until they are back.
  With read replicas (DATABASE_REPLICA_URLS) each has a line of its own, and a database down
  while readers can still be served (the primary, with a replica answering; a replica, with
  the primary answering) makes the answer 200 "degraded", not 503: taking every web process
  out of rotation would end the very service the replicas keep going (newsroom.db_routing).

The checks are django-health-check's (database, cache, storage) plus `Broker`, which opens a
connection to `CELERY_BROKER_URL` with kombu. Without a broker, tasks run in-process
(docs/configuration.md), so the broker is "not configured", which is not a failure.

The cache check goes through `newsroom.cache.ForgivingRedisCache`, which turns an unreachable
Redis into misses: the value just written does not come back, so the check still fails.

Both answers are `Cache-Control: no-store`-style never-cache responses; they are exempt from the
https redirect (SECURE_REDIRECT_EXEMPT in settings), since probes usually speak plain http to
the process.
"""

import dataclasses
import datetime

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from health_check.base import HealthCheck
from health_check.checks import Cache, Database, Storage
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from kombu import Connection


def broker_url():
    """The task broker's address, or "" when tasks run in-process (no broker configured)."""
    return getattr(settings, "CELERY_BROKER_URL", "") or ""


@dataclasses.dataclass
class Broker(HealthCheck):
    """Open (and close) one connection to the task broker; one attempt, a short timeout."""

    url: str = dataclasses.field(repr=False, default="")
    timeout: datetime.timedelta = dataclasses.field(
        default=datetime.timedelta(seconds=3), repr=False
    )

    def run(self):
        seconds = self.timeout.total_seconds()
        try:
            with Connection(self.url, connect_timeout=seconds) as connection:
                connection.ensure_connection(max_retries=1, interval_start=0, timeout=seconds)
        except Exception as error:
            # kombu raises the transport's own errors (redis, amqp, socket); the name is
            # enough for the operator, and the address (with its password) stays out.
            raise ServiceUnavailable(f"unreachable ({type(error).__name__})") from error


def still_serving(down, replicas):
    """(`down`, degraded): the databases among `down` moved to "degraded" while the primary
    ("database") or a replica still answers, since readers are then still served."""
    databases = ["database", *replicas]
    if not replicas or all(name in down for name in databases):
        return down, []
    degraded = [name for name in down if name in databases]
    return [name for name in down if name not in databases], degraded


def _text_response(lines, status):
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain", status=status)
    add_never_cache_headers(response)
    return response


@require_safe
def healthz(request):
    """The process is up: 200 "ok", and nothing else is asked."""
    return _text_response(["ok"], 200)


class ReadinessView(HealthCheckView):
    """django-health-check's runner, answered as `name: OK` lines, 503 when any is down."""

    def get_named_checks(self):
        checks = {"database": Database()}
        checks.update((alias, Database(alias=alias)) for alias in settings.NEWSROOM_REPLICAS)
        checks.update(cache=Cache(), storage=Storage())
        url = broker_url()
        if url:
            checks["broker"] = Broker(url=url)
        return checks

    async def get(self, request, *args, **kwargs):
        named = self.get_named_checks()
        self.checks = list(named.values())
        # The library's own runner (concurrent, each check with its timeout) fills self.results;
        # its own answer (500 on failure, several formats) is replaced by ours.
        await super().get(request, *args, **kwargs)
        lines, down = [], []
        for name, result in zip(named, self.results, strict=True):
            if result.error:
                down.append(name)
                lines.append(f"{name}: down ({result.error})")
            else:
                lines.append(f"{name}: OK")
        if "broker" not in named:
            lines.append("broker: not configured")
        down, degraded = still_serving(down, settings.NEWSROOM_REPLICAS)
        if degraded:
            what = (
                "saving is paused; readers are served from the replicas"
                if "database" in degraded
                else "their reads go to the other databases"
            )
            lines.insert(0, f"degraded: {', '.join(degraded)} ({what})")
        if down:
            lines.insert(0, f"unavailable: {', '.join(down)}")
        return _text_response(lines, 503 if down else 200)

    def get_checks(self):
        return iter(self.checks)
