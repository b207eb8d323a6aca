"""edge.purge, queued through the outbox: what each edge cache's API receives (a local server
stands in for Varnish nodes, Fastly and Cloudflare and records every request), batching, and
what happens when an edge does not acknowledge: retried, then recorded as a failed task.

Commits are real (transactional_db): the purge runs once the change that queued it commits.
"""

import json
import logging
import runpy

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpResponse
from django.urls import path

from edge.tasks import purge
from jobs.models import FailedTask
from jobs.outbox import enqueue
from newsroom.settings import edge as edge_settings
from tests.http_recorder import recorder
from tests.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = purge.max_retries + 1


def page_naming_keys(request):
    response = HttpResponse("a page")
    response.headers["Surrogate-Key"] = "article-1 home chrome"
    return response


# For the Cache-Tag tests (pytest.mark.urls): a page that names its keys.
urlpatterns = [path("page/", page_naming_keys)]


@pytest.fixture
def api():
    with recorder() as server:
        yield server


@pytest.fixture
def second_api():
    with recorder() as server:
        yield server


def queue_purge(keys):
    with transaction.atomic():
        return enqueue("edge.purge", keys)


def test_with_no_edge_configured_nothing_is_sent_and_the_log_says_so(caplog):
    with caplog.at_level(logging.DEBUG, logger="edge.tasks"):
        queue_purge(["article-1"])

    assert "No edge cache configured; 1 keys not purged" in caplog.text
    assert not FailedTask.objects.exists()


def test_every_varnish_node_gets_one_purge_naming_the_keys(settings, api, second_api):
    settings.EDGE_PURGE_URLS = [api.url, second_api.url]
    for server in (api, second_api):
        server.answer("/", headers={"X-Purged": "3"}, body=b"3 purged\n")

    with transaction.atomic():
        enqueue("edge.purge", ["home", "article-7", "home", "topic-2"])
        assert not api.requests  # not before the commit

    for server in (api, second_api):
        (received,) = server.requests
        assert (received.method, received.path) == ("PURGE", "/")
        assert received.headers["xkey-purge"] == "article-7 home topic-2"
        assert received.body == b""
    assert not FailedTask.objects.exists()


def test_a_long_purge_is_split_below_varnishs_header_limit(settings, api):
    settings.EDGE_PURGE_URLS = [api.url]
    keys = [f"article-{n}" for n in range(1000)]

    queue_purge(keys)

    sent = [r.headers["xkey-purge"] for r in api.requests]
    assert len(sent) > 1
    assert all(len(header) <= 4000 for header in sent)
    assert sorted(key for header in sent for key in header.split()) == sorted(keys)


def test_fastly_is_purged_by_surrogate_key(settings, api):
    settings.FASTLY_SERVICE_ID = "SU1Z0isxPaozGVKXdv0eY"
    settings.FASTLY_API_TOKEN = "fastly-token-secret"
    settings.FASTLY_API_URL = api.url
    api.answer_everything(body=b'{"article-1": "108-1391560174-974124"}')

    queue_purge(["chrome", "article-1"])

    (received,) = api.requests
    assert (received.method, received.path) == ("POST", "/service/SU1Z0isxPaozGVKXdv0eY/purge")
    assert received.headers["fastly-key"] == "fastly-token-secret"
    assert received.headers["content-type"] == "application/json"
    assert json.loads(received.body) == {"surrogate_keys": ["article-1", "chrome"]}


def test_fastly_takes_at_most_256_keys_a_call(settings, api):
    settings.FASTLY_SERVICE_ID, settings.FASTLY_API_TOKEN = "service", "token"
    settings.FASTLY_API_URL = api.url

    queue_purge([f"article-{n:03}" for n in range(300)])

    batches = [json.loads(r.body)["surrogate_keys"] for r in api.requests]
    assert [len(batch) for batch in batches] == [256, 44]


def test_cloudflare_is_purged_by_cache_tag_in_batches_of_100(settings, api):
    settings.CLOUDFLARE_ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353"
    settings.CLOUDFLARE_API_TOKEN = "cloudflare-token-secret"
    settings.CLOUDFLARE_API_URL = api.url + "/client/v4"
    api.answer_everything(body=b'{"success": true, "errors": [], "messages": [], "result": {}}')
    keys = [f"article-{n:03}" for n in range(250)]

    queue_purge(keys)

    received = api.requests
    assert {(r.method, r.path) for r in received} == {
        ("POST", "/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache")
    }
    assert {r.headers["authorization"] for r in received} == {"Bearer cloudflare-token-secret"}
    tags = [json.loads(r.body)["tags"] for r in received]
    assert [len(batch) for batch in tags] == [100, 100, 50]
    assert [key for batch in tags for key in batch] == keys
    assert not FailedTask.objects.exists()


def test_a_varnish_node_answering_500_is_retried_then_recorded(settings, api):
    settings.EDGE_PURGE_URLS = [api.url]
    api.answer("/", status=500, body=b"Internal error")

    message = queue_purge(["article-1"])

    assert len(api.requests) == ATTEMPTS
    failure = FailedTask.objects.get()
    assert failure.task_id == str(message.pk)
    assert failure.task_name == "edge.purge"
    assert failure.args == [["article-1"]]
    assert failure.error == (
        f"PurgeFailed: Varnish at {api.url} answered 500 Internal Server Error: Internal error"
    )
    assert failure.attempts == ATTEMPTS


def test_an_unreachable_varnish_node_is_retried_then_recorded(settings):
    settings.EDGE_PURGE_URLS = [f"http://127.0.0.1:{free_port()}"]

    queue_purge(["article-1"])

    failure = FailedTask.objects.get()
    assert failure.error.startswith(f"PurgeFailed: Varnish at {settings.EDGE_PURGE_URLS[0]}: ")
    assert "refused" in failure.error.lower()
    assert failure.attempts == ATTEMPTS


def test_a_purge_refused_by_varnishs_acl_is_a_failure(settings, api):
    settings.EDGE_PURGE_URLS = [api.url]
    api.answer("/", status=403, body=b"Forbidden")

    queue_purge(["article-1"])

    assert "answered 403 Forbidden" in FailedTask.objects.get().error


def test_one_edge_failing_fails_the_purge_but_the_others_are_still_purged(
    settings, api, second_api
):
    settings.EDGE_PURGE_URLS = [api.url]
    api.answer("/", status=503, body=b"down")
    settings.FASTLY_SERVICE_ID, settings.FASTLY_API_TOKEN = "service", "fastly-token-secret"
    settings.FASTLY_API_URL = second_api.url

    queue_purge(["article-1"])

    assert len(second_api.requests) == ATTEMPTS
    failure = FailedTask.objects.get()
    assert "Varnish at" in failure.error
    assert "Fastly" not in failure.error


def test_fastly_refusing_the_token_is_a_failure_that_never_shows_the_token(settings, api):
    settings.FASTLY_SERVICE_ID, settings.FASTLY_API_TOKEN = "service", "fastly-token-secret"
    settings.FASTLY_API_URL = api.url
    api.answer_everything(
        status=401, body=b'{"msg": "Provided credentials are missing or invalid"}'
    )

    queue_purge(["article-1"])

    failure = FailedTask.objects.get()
    assert failure.error.startswith("PurgeFailed: Fastly service service answered 401")
    assert "fastly-token-secret" not in failure.error + failure.traceback


def test_cloudflare_saying_it_failed_is_a_failure(settings, api):
    settings.CLOUDFLARE_ZONE_ID, settings.CLOUDFLARE_API_TOKEN = "zone", "token"
    settings.CLOUDFLARE_API_URL = api.url
    api.answer_everything(body=b'{"success": false, "errors": [{"code": 1134, "message": "x"}]}')

    queue_purge(["article-1"])

    assert FailedTask.objects.get().error.startswith(
        "PurgeFailed: Cloudflare zone zone answered 200"
    )


@pytest.mark.urls(__name__)
def test_with_cloudflare_configured_pages_name_their_keys_in_cache_tag_too(settings, reader):
    settings.CLOUDFLARE_ZONE_ID, settings.CLOUDFLARE_API_TOKEN = "zone", "token"

    response = reader.get("/page/")

    assert response.headers["Cache-Tag"] == "article-1,chrome,home"
    assert response.headers["Surrogate-Key"] == "article-1 chrome home"


@pytest.mark.urls(__name__)
def test_without_cloudflare_pages_carry_no_cache_tag(reader):
    assert "Cache-Tag" not in reader.get("/page/").headers


def test_keys_no_edge_could_take_fail_at_once_with_a_clear_message(settings, api):
    settings.EDGE_PURGE_URLS = [api.url]

    queue_purge(["article-1", "two words", "comma,key", ""])

    assert not api.requests
    failure = FailedTask.objects.get()
    assert failure.attempts == 1
    assert failure.error == (
        "InvalidKeys: Not surrogate keys (printable ASCII, no spaces or commas): "
        "['two words', 'comma,key', '']"
    )


@pytest.mark.parametrize(
    "environment, message",
    [
        ({"EDGE_PURGE_URLS": "varnish-1:6081"}, "EDGE_PURGE_URLS lists base URLs"),
        ({"FASTLY_SERVICE_ID": "service"}, "FASTLY_SERVICE_ID and FASTLY_API_TOKEN"),
        ({"CLOUDFLARE_API_TOKEN": "token"}, "CLOUDFLARE_ZONE_ID and CLOUDFLARE_API_TOKEN"),
    ],
)
def test_a_half_configured_edge_stops_start_up(monkeypatch, environment, message):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        runpy.run_path(edge_settings.__file__)
