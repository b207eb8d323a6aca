"""The operators' view: liveness and readiness probes, Prometheus metrics for the monitoring
network only, and one request id per request in the response and the logs (docs/operations.md)."""

import io
import logging
import os

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.health import still_serving
from newsroom.request_id import RequestIdFilter
from tests.servers import free_port

# gunicorn serving the project with its database unreachable (SQLite and PostgreSQL).
from tests.test_faults import site_without_its_database  # noqa: F401 - a fixture used here

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
AMQP_URL = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")


def lines_of(response):
    return response.content.decode().splitlines()


# Liveness ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_ok_without_asking_the_database(reader):
    with CaptureQueriesContext(connection) as queries:
        response = reader.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"]
    assert len(queries) == 0


@pytest.mark.django_db  # /metrics reads the outbox and failed tasks
def test_probes_are_answered_over_plain_http_when_https_is_enforced(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    # Every other page still goes to https.
    assert client.get("/robots.txt").status_code == 301


@pytest.mark.django_db
def test_probes_are_in_no_sitemap_and_not_in_robots_txt(reader):
    robots = reader.get("/robots.txt").content.decode()
    sitemap = reader.get("/sitemap.xml").content.decode()
    for address in ("healthz", "readyz", "metrics"):
        assert address not in robots
        assert address not in sitemap


# Readiness -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_readyz_is_200_when_everything_answers(reader, settings):
    settings.CELERY_BROKER_URL = ""
    response = reader.get("/readyz")
    assert response.status_code == 200, response.content
    assert lines_of(response) == [
        "database: OK",
        "cache: OK",
        "storage: OK",
        "broker: not configured",
    ]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_readyz_names_the_cache_when_redis_cannot_be_reached(reader, settings):
    # The site forgives an unreachable Redis (newsroom.cache), the probe does not.
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ForgivingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    response = reader.get("/readyz")
    assert response.status_code == 503
    lines = lines_of(response)
    assert lines[0] == "unavailable: cache"
    assert lines[1] == "database: OK"
    assert lines[2].startswith("cache: down")


@pytest.mark.django_db(transaction=True)
def test_readyz_names_the_broker_when_it_cannot_be_reached(reader, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = reader.get("/readyz")
    assert response.status_code == 503
    lines = lines_of(response)
    assert lines[0] == "unavailable: broker"
    assert "broker: down (Unavailable: unreachable (" in response.content.decode()
    # The broker's address (and any password in it) is not told.
    assert "127.0.0.1" not in response.content.decode()


def test_with_the_database_down_healthz_is_200_and_readyz_names_the_database(
    site_without_its_database,  # noqa: F811
):
    status, headers, body = site_without_its_database.get("/healthz")
    assert (status, body) == (200, "ok\n")
    status, headers, body = site_without_its_database.get("/readyz")
    assert status == 503
    assert body.splitlines()[0] == "unavailable: database"
    assert body.splitlines()[1].startswith("database: down")
    assert "no-store" in headers["Cache-Control"]
    assert "nowhere" not in body and "no-such-folder" not in body


@pytest.mark.parametrize(
    ("down", "unavailable", "degraded"),
    [
        # The primary down, a replica answering: readers are served, so the process stays in
        # rotation (tests/test_replicas.py shows the whole answer on real servers).
        (["database"], [], ["database"]),
        (["database", "replica1"], [], ["database", "replica1"]),
        (["replica2"], [], ["replica2"]),
        # Every database down: nothing can be served.
        (["database", "replica1", "replica2"], ["database", "replica1", "replica2"], []),
        # Whatever else is down still makes the answer 503.
        (["database", "cache"], ["cache"], ["database"]),
    ],
)
def test_with_replicas_a_database_down_while_readers_are_served_is_degraded(
    down, unavailable, degraded
):
    assert still_serving(down, ["replica1", "replica2"]) == (unavailable, degraded)


def test_without_replicas_the_database_down_is_unavailable():
    assert still_serving(["database"], []) == (["database"], [])


def test_with_the_database_down_metrics_answer_without_the_figures_it_keeps(
    site_without_its_database,  # noqa: F811
):
    status, headers, body = site_without_its_database.get("/metrics")
    assert status == 200
    assert "django_http_requests_total_by_method_total" in body
    # The outbox and failed tasks are read from the database: left out, not a 500.
    assert "newsroom_outbox_pending" not in body


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("broker", [REDIS_URL, AMQP_URL], ids=["redis", "rabbitmq"])
def test_readyz_is_200_with_a_running_broker_and_redis_cache(reader, settings, broker):
    settings.CELERY_BROKER_URL = broker
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom-test-readyz",
        }
    }
    response = reader.get("/readyz")
    assert response.status_code == 200, response.content
    assert "broker: OK" in lines_of(response)
    assert "cache: OK" in lines_of(response)


# Metrics -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_are_not_found_for_a_public_address(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 404
    assert b"django_http_requests" not in response.content


@pytest.mark.django_db
def test_metrics_ignore_a_forwarded_address(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert response.status_code == 404


@pytest.mark.django_db
def test_metrics_count_requests_for_an_allowed_address(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404

    def healthz_count():
        text = client.get("/metrics", REMOTE_ADDR="10.1.2.3").content.decode()
        for line in text.splitlines():
            if line.startswith("django_http_responses_total_by_status_view_method_total{") and (
                'view="healthz"' in line and 'status="200"' in line
            ):
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    before = healthz_count()
    client.get("/healthz")
    response = client.get("/metrics", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert "# TYPE django_http_requests_latency_seconds_by_view_method histogram" in (
        response.content.decode()
    )
    assert healthz_count() == before + 1


def cache_reads(client, backend):
    """(reads, hits, misses) of a cache backend, as /metrics tells them."""
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    counts = {}
    for line in text.splitlines():
        for name in ("get_total", "get_hits_total", "get_misses_total"):
            if line.startswith(f'django_cache_{name}{{backend="{backend}"}}'):
                counts[name] = float(line.rsplit(" ", 1)[1])
    return tuple(counts.get(n, 0.0) for n in ("get_total", "get_hits_total", "get_misses_total"))


@pytest.mark.django_db  # /metrics reads the outbox and failed tasks
def test_metrics_count_cache_hits_and_misses_and_keep_false_values(client):
    before = cache_reads(client, "locmem")
    cache.set("zero", 0)
    assert cache.get("zero", "default") == 0
    assert cache.get("absent", "default") == "default"
    assert cache.get_many(["zero", "absent"]) == {"zero": 0}
    after = cache_reads(client, "locmem")
    assert tuple(a - b for a, b in zip(after, before, strict=True)) == (4, 2, 2)


@pytest.mark.services
@pytest.mark.django_db  # /metrics reads the outbox and failed tasks
def test_metrics_count_redis_cache_reads(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache_metrics.CountedForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom-test-metrics",
        }
    }
    before = cache_reads(client, "redis")
    cache.set("one", 1, 30)
    assert cache.get_many(["one", "absent"]) == {"one": 1}
    assert cache.get("absent") is None
    cache.delete("one")
    after = cache_reads(client, "redis")
    assert tuple(a - b for a, b in zip(after, before, strict=True)) == (3, 1, 2)


# Request ids ---------------------------------------------------------------------------------


def test_each_response_carries_a_new_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second


def test_a_sane_incoming_request_id_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.92_x")
    assert response["X-Request-ID"] == "lb-7f3a.92_x"


@pytest.mark.parametrize(
    "hostile",
    ["abc\nINFO forged line", "x" * 500, "", "a b", "id;rm -rf", "é"],
    ids=["newline", "500 chars", "empty", "space", "semicolon", "non-ascii"],
)
def test_a_hostile_incoming_request_id_is_replaced(client, hostile):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=hostile)
    assert response["X-Request-ID"] != hostile
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_log_records_of_the_request_carry_its_id(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="probe-123")
    assert response.status_code == 404
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.request_id == "probe-123"


@pytest.mark.django_db
def test_the_console_log_line_names_the_request_id(client):
    # The handler settings.LOGGING puts on the root logger, writing somewhere we can read.
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RequestIdFilter) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        client.get("/no-such-page/", HTTP_X_REQUEST_ID="probe-456")
        logging.getLogger("newsroom").warning("outside any request")
    finally:
        handler.setStream(previous)
    lines = stream.getvalue().splitlines()
    assert "WARNING django.request: Not Found: /no-such-page/ [request probe-456]" in lines
    assert "WARNING newsroom: outside any request [request -]" in lines
