"""The shipped VCL's rules, in a real varnishd in front of a tiny origin whose responses each
test sets exactly (tests/http_recorder.py): purging by key and who may purge, what readers
receive, what the origin receives, and what readers get when the origin fails.

The site itself behind Varnish is tests/test_edge_cache.py.
"""

import gzip
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import transaction

from jobs.models import FailedTask
from jobs.outbox import enqueue
from tests.http_recorder import recorder
from tests.servers import wait_for
from tests.varnish import STRANGER, VCL, binary, varnish, vcl_for

pytestmark = pytest.mark.services

PAGE = "public, max-age=60, s-maxage=300"


@pytest.fixture
def origin():
    with recorder() as server:
        yield server


@pytest.fixture
def edge(origin):
    with varnish(origin.port) as server:
        yield server


def cache_state(response):
    return response.headers.get("X-Cache")


def test_the_shipped_vcl_compiles_with_default_parameters(tmp_path):
    done = subprocess.run(
        [binary("varnishd"), "-C", "-n", str(tmp_path / "work"), "-f", str(VCL)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def test_tests_point_the_first_backend_at_their_own_origin():
    rewritten = vcl_for("192.0.2.7", 8123)
    backend = rewritten[rewritten.index("backend ") :]
    assert backend.index('.host = "192.0.2.7";') < backend.index("}")
    assert '.port = "8123";' in backend
    assert rewritten.count('.host = "') == 1


def test_a_page_is_a_hit_on_the_second_request(origin, edge):
    origin.answer("/story/", headers={"Cache-Control": PAGE}, body=b"the story")

    first = edge.get("/story/")
    second = edge.get("/story/")

    assert (first.status, cache_state(first)) == (200, "MISS")
    assert (second.status, cache_state(second)) == (200, "HIT")
    assert second.data == b"the story"
    # Two transaction ids: this request's and the one that stored the copy.
    assert len(second.headers["X-Varnish"].split()) == 2
    assert "Age" in second.headers
    assert len(origin.requests_to("/story/")) == 1


def test_a_purge_by_key_removes_exactly_the_pages_naming_it(origin, edge):
    origin.answer("/a/", headers={"Cache-Control": PAGE, "Surrogate-Key": "article-1 home"})
    origin.answer("/b/", headers={"Cache-Control": PAGE, "Surrogate-Key": "article-2 home"})
    for path in ("/a/", "/b/"):
        edge.get(path)
        assert cache_state(edge.get(path)) == "HIT"

    answer = edge.purge("article-1")

    assert answer.status == 200
    assert answer.headers["X-Purged"] == "1"
    assert answer.data.decode().startswith("1 purged")
    assert cache_state(edge.get("/a/")) == "MISS"
    assert cache_state(edge.get("/b/")) == "HIT"
    assert len(origin.requests_to("/a/")) == 2
    assert len(origin.requests_to("/b/")) == 1


def test_one_purge_names_several_keys(origin, edge):
    for number in (1, 2, 3):
        origin.answer(
            f"/{number}/", headers={"Cache-Control": PAGE, "Surrogate-Key": f"article-{number}"}
        )
        edge.get(f"/{number}/")

    answer = edge.purge("article-1", "article-3", "author-9")

    assert answer.headers["X-Purged"] == "2"
    assert [cache_state(edge.get(f"/{n}/")) for n in (1, 2, 3)] == ["MISS", "HIT", "MISS"]


def test_a_purge_from_an_address_outside_the_acl_is_refused(origin, edge):
    origin.answer("/a/", headers={"Cache-Control": PAGE, "Surrogate-Key": "article-1"})
    edge.get("/a/")

    refused = edge.purge("article-1", source=STRANGER)

    assert refused.status == 403
    assert "X-Purged" not in refused.headers
    assert cache_state(edge.get("/a/")) == "HIT"
    assert not [r for r in origin.requests if r.method == "PURGE"]


def test_a_purge_without_keys_is_refused_with_a_reason(edge):
    answer = edge.request("PURGE", "/")
    assert answer.status == 400
    assert b"xkey-purge" in answer.data


def test_readers_never_see_the_keys_but_a_purger_asking_does(origin, edge):
    origin.answer("/a/", headers={"Cache-Control": PAGE, "Surrogate-Key": "article-1 chrome"})

    reader = edge.get("/a/", source=STRANGER)
    stranger_asking = edge.get("/a/", source=STRANGER, headers={"X-Newsroom-Debug-Keys": "1"})
    purger_asking = edge.get("/a/", headers={"X-Newsroom-Debug-Keys": "1"})

    for response in (reader, stranger_asking):
        assert "Surrogate-Key" not in response.headers
        assert "xkey" not in response.headers
    assert purger_asking.headers["Surrogate-Key"] == "article-1 chrome"
    assert purger_asking.headers["xkey"] == "article-1 chrome"
    assert "X-Edge-Expires" not in reader.headers


def test_readers_cookies_never_reach_the_origin_and_readers_share_one_copy(origin, edge):
    origin.answer("/a/", headers={"Cache-Control": PAGE})

    edge.get("/a/", headers={"Cookie": "csrftoken=abc; theme=dark"})
    second = edge.get("/a/", headers={"Cookie": "csrftoken=xyz"})

    (received,) = origin.requests_to("/a/")
    assert "cookie" not in received.headers
    assert cache_state(second) == "HIT"


def test_a_signed_in_editor_always_reaches_the_origin_with_the_cookie(origin, edge):
    origin.answer("/a/", headers={"Cache-Control": PAGE, "Set-Cookie": "messages=x; Path=/"})
    editor = {"Cookie": "csrftoken=abc; sessionid=s3ss10n"}

    first = edge.get("/a/", headers=editor)
    second = edge.get("/a/", headers=editor)

    assert [cache_state(first), cache_state(second)] == ["PASS", "PASS"]
    assert second.headers["Set-Cookie"] == "messages=x; Path=/"
    assert len(second.headers["X-Varnish"].split()) == 1
    received = origin.requests_to("/a/")
    assert [r.headers["cookie"] for r in received] == [editor["Cookie"]] * 2


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/articles/article/1/preview/",
        "/preview/abc123/",
        "/submit/",
        "/library/images/search/?q=x",
        "/healthz",
        "/readyz",
        "/metrics",
    ],
)
def test_the_admin_previews_forms_and_probes_are_never_cached(origin, edge, path):
    address = path.split("?")[0]
    origin.answer(address, headers={"Cache-Control": PAGE})

    edge.get(path, headers={"Cookie": "csrftoken=abc"})
    second = edge.get(path, headers={"Cookie": "csrftoken=abc"})

    assert cache_state(second) == "PASS"
    received = origin.requests_to(address)
    assert [r.headers.get("cookie") for r in received] == ["csrftoken=abc"] * 2


def test_posts_pass_with_their_body(origin, edge):
    origin.answer("/submit/", status=302, headers={"Location": "/submit/thanks/"})

    answer = edge.request(
        "POST",
        "/submit/",
        headers={"Cookie": "csrftoken=abc", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 302
    assert origin.requests_to("/submit/")[0].method == "POST"


def test_what_the_origin_does_not_mark_cacheable_is_not_kept(origin, edge):
    origin.answer("/none/", headers={})
    origin.answer("/private/", headers={"Cache-Control": "private, max-age=600"})
    origin.answer("/cookie/", headers={"Cache-Control": PAGE, "Set-Cookie": "a=b"})

    for path in ("/none/", "/private/", "/cookie/"):
        edge.get(path)
        assert cache_state(edge.get(path)) == "PASS", path
        assert len(origin.requests_to(path)) == 2, path


def test_the_origins_lifetime_is_kept_then_an_expired_copy_is_refreshed_behind_the_reader(
    origin, edge
):
    origin.answer("/short/", headers={"Cache-Control": "public, s-maxage=1"}, body=b"old")
    edge.get("/short/")
    assert cache_state(edge.get("/short/")) == "HIT"
    origin.answer("/short/", headers={"Cache-Control": "public, s-maxage=60"}, body=b"new")

    time.sleep(2.2)
    # Expired a moment ago, the origin healthy: the old copy at once, while one request
    # fetches the new one in the background.
    stale = edge.get("/short/")
    assert wait_for(lambda: len(origin.requests_to("/short/")) == 2, 10), "no background refresh"
    assert wait_for(lambda: edge.get("/short/").data == b"new", 10), "the new copy never came"

    assert (cache_state(stale), stale.data) == ("STALE", b"old")
    assert cache_state(edge.get("/short/")) == "HIT"
    assert len(origin.requests_to("/short/")) == 2


def test_text_is_gzipped_at_the_edge_and_unzipped_for_those_who_cannot_take_it(origin, edge):
    page = b"<p>A paragraph worth compressing.</p>" * 200
    origin.answer(
        "/a/",
        headers={"Cache-Control": PAGE, "Content-Type": "text/html; charset=utf-8"},
        body=page,
    )

    zipped = edge.get("/a/", headers={"Accept-Encoding": "br, gzip, deflate"}, decode=False)
    plain = edge.get("/a/")

    assert zipped.headers["Content-Encoding"] == "gzip"
    assert cache_state(plain) == "HIT"
    assert "Content-Encoding" not in plain.headers
    assert plain.data == page
    # The origin was asked once, for gzip whatever the browser listed.
    (received,) = origin.requests_to("/a/")
    assert received.headers["accept-encoding"] == "gzip"
    assert len(zipped.data) < len(page) / 10
    assert gzip.decompress(zipped.data) == page


def test_https_and_http_requests_get_copies_of_their_own(origin, edge):
    origin.answer("/a/", headers={"Cache-Control": PAGE})

    edge.get("/a/", headers={"X-Forwarded-Proto": "https"})
    plain = edge.get("/a/", headers={"X-Forwarded-Proto": "http"})
    secure = edge.get("/a/", headers={"X-Forwarded-Proto": "https"})

    assert [cache_state(plain), cache_state(secure)] == ["MISS", "HIT"]
    protos = [r.headers.get("x-forwarded-proto") for r in origin.requests_to("/a/")]
    assert protos == ["https", "http"]


def test_a_purged_page_is_the_last_good_copy_while_the_origin_fails(origin, edge):
    origin.answer(
        "/a/",
        headers={"Cache-Control": PAGE, "Surrogate-Key": "article-1"},
        body=b"the last good page",
    )
    edge.get("/a/")
    # The database is down: the process answers its health probe, its pages say 503.
    origin.answer("/a/", status=503, headers={"Retry-After": "30"}, body=b"Back in a moment")

    edge.purge("article-1")
    answer = edge.get("/a/")

    assert answer.status == 200
    assert answer.data == b"the last good page"
    assert cache_state(answer) == "STALE"
    # The purge sent a reader's request to the origin (then, maybe, a background refresh).
    assert len(origin.requests_to("/a/")) >= 2


def test_a_page_never_kept_is_back_in_a_moment_after_one_request_to_the_origin(origin, edge):
    origin.answer("/new/", status=500, body=b"Server error")

    answer = edge.get("/new/")

    assert answer.status == 503
    assert "Back in a moment" in answer.data.decode()
    assert answer.headers["Retry-After"] == "30"
    assert len(origin.requests_to("/new/")) == 1


def test_an_editors_error_page_reaches_the_editor(origin, edge):
    origin.answer("/admin/articles/", status=500, body=b"The admin's own error page")

    answer = edge.get("/admin/articles/", headers={"Cookie": "sessionid=s3ss10n"})

    assert (answer.status, answer.data) == (500, b"The admin's own error page")


def test_after_a_purge_one_request_goes_to_the_origin_while_the_others_wait_for_it(origin, edge):
    origin.answer(
        "/viral/", headers={"Cache-Control": PAGE, "Surrogate-Key": "article-1"}, body=b"before"
    )
    edge.get("/viral/")
    origin.answer(
        "/viral/",
        headers={"Cache-Control": PAGE, "Surrogate-Key": "article-1"},
        body=b"corrected",
        delay=1.0,
    )

    edge.purge("article-1")
    with ThreadPoolExecutor(max_workers=20) as readers:
        answers = list(readers.map(lambda _: edge.get("/viral/"), range(20)))

    assert {a.data for a in answers} == {b"corrected"}
    assert len(origin.requests_to("/viral/")) == 2  # the first fetch, and one after the purge


def test_a_purged_page_the_origin_is_too_slow_to_make_is_the_last_good_copy(origin, edge):
    origin.answer(
        "/a/",
        headers={"Cache-Control": PAGE, "Surrogate-Key": "article-1"},
        body=b"the last good page",
    )
    edge.get("/a/")
    origin.answer("/a/", headers={"Cache-Control": PAGE}, body=b"too late", delay=8)

    edge.purge("article-1")
    started = time.monotonic()
    answer = edge.get("/a/")

    assert (answer.status, answer.data) == (200, b"the last good page")
    assert time.monotonic() - started < 7


@pytest.mark.django_db(transaction=True)
def test_the_edge_purge_task_purges_varnish(origin, edge, settings):
    settings.EDGE_PURGE_URLS = [f"http://127.0.0.1:{edge.port}"]
    origin.answer("/a/", headers={"Cache-Control": PAGE, "Surrogate-Key": "article-1 home"})
    origin.answer("/b/", headers={"Cache-Control": PAGE, "Surrogate-Key": "article-2 home"})
    origin.answer("/c/", headers={"Cache-Control": PAGE, "Surrogate-Key": "article-3"})
    for path in ("/a/", "/b/", "/c/"):
        edge.get(path)

    with transaction.atomic():
        enqueue("edge.purge", ["home"])

    assert [cache_state(edge.get(p)) for p in ("/a/", "/b/", "/c/")] == ["MISS", "MISS", "HIT"]
    assert not FailedTask.objects.exists()
