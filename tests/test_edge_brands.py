"""Each brand's lists are purged apart at the edge: the site behind a real varnishd with the
shipped VCL and xkey (tests/varnish.py), its purges sent to that Varnish. Publishing an article
of one brand refreshes that brand's latest page at once and leaves every other brand's cached;
publishing an article syndicated to a second brand refreshes both. (The keys themselves:
tests/test_brand_purges.py.)
"""

import time

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, SectionFactory, make_brand
from tests.varnish import HOST, newsroom_origin, varnish

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# The default brand answers at HOST (a host that names no brand is the default brand's).
SPORT, PLAY = "sport.localhost", "play.localhost"


@pytest.fixture
def edge(settings):
    settings.ALLOWED_HOSTS = [HOST, SPORT, PLAY, "testserver"]
    with newsroom_origin() as origin, varnish(origin.port) as server:
        settings.EDGE_PURGE_URLS = [f"http://127.0.0.1:{server.port}"]
        yield server


@pytest.fixture
def brands(edge):
    """Three brands and a section in each one's menu (a new section changes every header, so
    it is made before any page is cached)."""
    brands = {SPORT: make_brand(SPORT, "Tester Sport"), PLAY: make_brand(PLAY, "Tester Play")}
    brands["section"] = SectionFactory(name="Harbour", slug="harbour")
    brands["section"].menu_brands.add(brands[SPORT], brands[PLAY])
    return brands


def draft(brands, headline, **fields):
    return ArticleFactory(headline=headline, section=brands["section"], status="draft", **fields)


def cache_latest(edge, *hosts):
    """Each host's latest page, fetched until Varnish holds it."""
    for host in hosts:
        first = edge.get("/latest/", host=host)
        again = edge.get("/latest/", host=host)
        assert again.headers["X-Cache"] == "HIT", (host, dict(first.headers), dict(again.headers))


def shows_within_a_second(edge, host, headline):
    saved = time.monotonic()
    while time.monotonic() - saved < 1.0:
        if headline in edge.get("/latest/", host=host).data.decode():
            return True
    return False


def publish(article):
    article.status, article.published_at = Article.Status.PUBLISHED, timezone.now()
    article.save()


def test_a_brands_publication_refreshes_its_latest_page_only(edge, brands):
    sport = draft(brands, "Sport story published", brand=brands[SPORT])
    news = draft(brands, "News story published")  # the default brand's
    cache_latest(edge, HOST, SPORT, PLAY)

    publish(sport)

    assert shows_within_a_second(edge, SPORT, "Sport story published")
    for other in (HOST, PLAY):
        answer = edge.get("/latest/", host=other)
        assert answer.headers["X-Cache"] == "HIT", other
        assert "Sport story published" not in answer.data.decode()

    publish(news)

    assert shows_within_a_second(edge, HOST, "News story published")
    assert edge.get("/latest/", host=PLAY).headers["X-Cache"] == "HIT"


def test_a_syndicated_publication_refreshes_both_brands(edge, brands):
    article = draft(brands, "A story for two brands")
    cache_latest(edge, HOST, SPORT, PLAY)
    article.syndicated_to.add(brands[SPORT])  # a draft: nothing readers see changes yet
    assert edge.get("/latest/", host=SPORT).headers["X-Cache"] == "HIT"

    publish(article)

    assert shows_within_a_second(edge, HOST, "A story for two brands")
    assert shows_within_a_second(edge, SPORT, "A story for two brands")
    assert edge.get("/latest/", host=PLAY).headers["X-Cache"] == "HIT"
