"""The site behind a real varnishd running the shipped VCL (tests/varnish.py): readers get
cached pages, and the last good page while the site is down; editors, previews and the admin
always reach the site; requests that came in over https are served, not redirected.

The VCL's rules one by one, against a tiny origin, are tests/test_edge_vcl.py.
"""

import time
from http.cookies import SimpleCookie

import pytest
from bs4 import BeautifulSoup

from articles.models import Article
from articles.preview_links import create_preview_link, preview_path
from tests.conftest import text_of
from tests.factories import ArticleFactory
from tests.varnish import HOST, newsroom_origin, varnish

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site_settings(settings):
    """What a deployment behind Varnish sets: its host names (the probe's among them)."""
    settings.ALLOWED_HOSTS = [HOST, "testserver"]
    return settings


@pytest.fixture
def edge(site_settings):
    with newsroom_origin() as origin, varnish(origin.port) as server:
        server.origin = origin
        yield server


def headline_on(response):
    """The page's headline, as a reader sees it."""
    return text_of(BeautifulSoup(response.data, "html.parser").find("h1"))


def test_an_article_page_is_a_hit_on_the_second_request(edge):
    article = ArticleFactory(headline="Harbour lights relit")

    first = edge.get(article.get_absolute_url())
    second = edge.get(article.get_absolute_url())

    assert (first.status, first.headers["X-Cache"]) == (200, "MISS")
    assert (second.status, second.headers["X-Cache"]) == (200, "HIT")
    assert len(second.headers["X-Varnish"].split()) == 2
    assert headline_on(second) == "Harbour lights relit"
    assert second.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert "Set-Cookie" not in second.headers


def test_a_reader_with_a_csrf_cookie_shares_the_readers_copy(edge):
    article = ArticleFactory()
    edge.get(article.get_absolute_url())

    again = edge.get(article.get_absolute_url(), headers={"Cookie": "csrftoken=abc123"})

    assert again.headers["X-Cache"] == "HIT"


def test_with_the_site_stopped_readers_still_get_the_article(edge, site_settings):
    # Kept for a second only, so that the copy is long expired when the site is gone.
    site_settings.NEWSROOM_PUBLIC_CACHE = {"max_age": 1, "s_maxage": 1}
    article = ArticleFactory(headline="The bridge reopens")
    never_seen = ArticleFactory()
    assert edge.get(article.get_absolute_url()).headers["X-Cache"] == "MISS"
    stored = time.monotonic()

    edge.origin.stop()
    edge.wait_until_origin_is("sick")
    # Past the 10 s a copy may be stale while the site is healthy: only grace serves it now.
    time.sleep(max(0, stored + 12 - time.monotonic()))
    answer = edge.get(article.get_absolute_url())

    assert answer.status == 200
    assert answer.headers["X-Cache"] == "STALE"
    assert int(answer.headers["Age"]) >= 12
    assert headline_on(answer) == "The bridge reopens"
    missing = edge.get(never_seen.get_absolute_url())
    assert missing.status == 503
    assert "Back in a moment" in missing.data.decode()


def test_a_signed_in_editor_always_gets_the_page_from_the_site(edge, editor):
    article = ArticleFactory()
    edge.get(article.get_absolute_url())  # a reader's copy is stored
    session = {"Cookie": f"sessionid={editor.cookies['sessionid'].value}"}

    pages = [edge.get(article.get_absolute_url(), headers=session) for _ in range(2)]
    admin = edge.get("/admin/", headers=session)

    assert [p.headers["X-Cache"] for p in pages] == ["PASS", "PASS"]
    assert all(len(p.headers["X-Varnish"].split()) == 1 for p in pages)
    # The cookie reached the site: the admin knows the editor.
    assert admin.status == 200
    assert admin.headers["X-Cache"] == "PASS"
    assert "eddie" in admin.data.decode()


def test_the_admins_cookies_reach_the_browser(edge):
    login = edge.get("/admin/login/")

    assert login.status == 200
    assert login.headers["X-Cache"] == "PASS"
    assert "csrftoken" in SimpleCookie(login.headers["Set-Cookie"])


def test_previews_are_never_cached(edge, editor):
    draft = ArticleFactory(headline="Not yet public", status=Article.Status.DRAFT)
    path = preview_path(create_preview_link(draft, by=editor.user))

    answers = [edge.get(path) for _ in range(2)]

    assert [a.status for a in answers] == [200, 200]
    assert [a.headers["X-Cache"] for a in answers] == ["PASS", "PASS"]
    assert headline_on(answers[1]) == "Not yet public"


def test_a_request_that_came_over_https_is_served_not_redirected(site_settings):
    # Production: http is redirected to https, and TRUST_X_FORWARDED_PROTO=1 believes the
    # proxy that ended TLS in front of Varnish.
    site_settings.SECURE_SSL_REDIRECT = True
    site_settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    article = ArticleFactory(headline="Over https")
    with newsroom_origin() as origin, varnish(origin.port) as edge:
        secure = [
            edge.get(article.get_absolute_url(), headers={"X-Forwarded-Proto": "https"})
            for _ in range(2)
        ]
        plain = edge.get(article.get_absolute_url())

    assert [a.status for a in secure] == [200, 200]
    assert secure[1].headers["X-Cache"] == "HIT"
    assert headline_on(secure[1]) == "Over https"
    assert plain.status == 301
    assert plain.headers["Location"] == f"https://{HOST}{article.get_absolute_url()}"
