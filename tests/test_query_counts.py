"""Every public page costs a fixed number of queries, whatever the page size or the data.

The shared header and footer are cached after the first request (see newsroom.chrome), so each
count is taken on a repeat request. Listings never count the archive (see
newsroom.pages.ArchivePaginator).
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    TopicFactory,
    add_authors,
    add_topics,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish():
    """Adds n public articles in News, about Boats, by Ida (and by a co-author each)."""
    news = SectionFactory(name="News")
    boats = TopicFactory(name="Boats")
    ida = AuthorFactory(slug="ida")

    def publish(n):
        now = timezone.now()
        for minutes in range(n):
            article = ArticleFactory(
                section=news, published_at=now - timedelta(minutes=minutes + 1)
            )
            add_topics(article, boats, TopicFactory())
            add_authors(article, ida, AuthorFactory())

    return publish


def queries_for(client, url):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# The object named in the address (if any), then the page itself; the front page reads the
# latest and two queries for its section blocks.
EXPECTED = {
    "/": 3,
    "/latest/": 1,
    "/news/": 2,
    "/topics/boats/": 2,
    "/topics/": 1,
    "/authors/": 1,
    "/authors/ida/": 2,
}


@pytest.mark.parametrize(("url", "expected"), EXPECTED.items())
def test_page_queries_do_not_grow_with_the_page(reader, publish, url, expected):
    publish(3)
    assert queries_for(reader, url) == expected
    publish(25)  # more than a full page, with more topics and authors
    assert queries_for(reader, url) == expected


@pytest.mark.parametrize("url", ["/latest/", "/news/", "/topics/boats/", "/authors/ida/"])
def test_a_listing_never_counts_the_archive(reader, publish, url):
    publish(25)
    for page in ("", "?page=2"):
        reader.get(f"{url}{page}")
        with CaptureQueriesContext(connection) as queries:
            assert reader.get(f"{url}{page}").status_code == 200
        assert not any("COUNT(" in query["sql"].upper() for query in queries)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "last", "3", "99999999999999999999"])
def test_pages_that_do_not_exist_are_not_found(reader, publish, page):
    publish(25)  # two pages of twenty
    assert reader.get(f"/latest/?page={page}").status_code == 404


def test_the_last_page_has_no_older_link(reader, publish):
    from tests.conftest import parse

    publish(25)
    first = parse(reader.get("/latest/"))
    older = first.select_one(".pagination a[rel=next]")["href"]
    assert older.startswith("/latest/?before=")
    assert first.select_one(".pagination a[rel=prev]") is None
    second = parse(reader.get(older))
    assert len(second.select(".card")) == 5
    assert second.select_one(".pagination a[rel=prev]")["href"].startswith("/latest/?after=")
    assert second.select_one(".pagination a[rel=next]") is None
