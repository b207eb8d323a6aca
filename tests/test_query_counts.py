"""Every public page costs a fixed number of queries, whatever the page size or the data.

The shared header and footer are cached after the first request (see newsroom.chrome), so each
count is taken on a repeat request.
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


# The object named in the address (if any), the count for pagination, then the page itself.
EXPECTED = {
    "/": 3,
    "/latest/": 2,
    "/news/": 3,
    "/topics/boats/": 3,
    "/topics/": 1,
    "/authors/": 1,
    "/authors/ida/": 3,
}


@pytest.mark.parametrize(("url", "expected"), EXPECTED.items())
def test_page_queries_do_not_grow_with_the_page(reader, publish, url, expected):
    publish(3)
    assert queries_for(reader, url) == expected
    publish(25)  # more than a full page, with more topics and authors
    assert queries_for(reader, url) == expected
