"""Every public page costs a fixed number of queries, whatever the page size or the data.

The shared header and footer are cached after the first request (see newsroom.chrome), and so is
a listing's row count (see newsroom.pages.ArchivePaginator), so each count is taken on a repeat
request; the first request of a listing adds one query, the count.
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
def test_a_listing_counts_its_rows_once(reader, publish, url):
    from django.core.cache import cache

    publish(3)
    cache.clear()
    reader.get("/topics/")  # builds the shared header and footer
    with CaptureQueriesContext(connection) as first:
        reader.get(url)
    assert len(first) == EXPECTED[url] + 1
    assert sum("COUNT(" in query["sql"].upper() for query in first) == 1


def test_a_deep_archive_counts_at_most_max_pages(publish):
    from articles.views import card_queryset
    from newsroom.pages import ArchivePaginator

    publish(7)
    capped = ArchivePaginator(card_queryset(), 2, max_pages=2)
    assert (capped.count, capped.num_pages, capped.capped) == (4, 2, True)
    whole = ArchivePaginator(card_queryset(), 2, max_pages=10)
    assert (whole.count, whole.num_pages, whole.capped) == (7, 4, False)
