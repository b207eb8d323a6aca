"""URL names live in the namespace of the app that owns the page; the addresses never moved.

Feeds and search are the articles app's (`articles:`), an author's feeds the authors app's
(`authors:`), robots.txt and the sitemaps the site shell's (`newsroom:`).
"""

import pytest
from django.urls import resolve, reverse

from tests.factories import ArticleFactory, AuthorFactory, TopicFactory, add_authors, add_topics

pytestmark = pytest.mark.django_db

ADDRESSES = [
    ("articles:site-rss", [], "/feeds/rss/"),
    ("articles:site-atom", [], "/feeds/atom/"),
    ("articles:topic-rss", ["space"], "/feeds/topics/space/rss/"),
    ("articles:topic-atom", ["space"], "/feeds/topics/space/atom/"),
    ("authors:author-rss", ["nia-cole"], "/feeds/authors/nia-cole/rss/"),
    ("authors:author-atom", ["nia-cole"], "/feeds/authors/nia-cole/atom/"),
    ("authors:author-list", [], "/authors/"),
    ("authors:author-detail", ["nia-cole"], "/authors/nia-cole/"),
    ("articles:search", [], "/search/"),
    ("newsroom:robots", [], "/robots.txt"),
    ("newsroom:sitemap-index", [], "/sitemap.xml"),
    ("newsroom:sitemap-news", [], "/sitemap-news.xml"),
    ("newsroom:sitemap-section", ["articles"], "/sitemap-articles.xml"),
]


@pytest.mark.parametrize(("name", "args", "path"), ADDRESSES, ids=[a[0] for a in ADDRESSES])
def test_each_name_gives_the_address_it_always_had_and_the_page_answers(
    reader, name, args, path
):
    article = ArticleFactory()
    add_topics(article, TopicFactory(name="Space", slug="space"))
    add_authors(article, AuthorFactory(name="Nia Cole", slug="nia-cole"))

    assert reverse(name, args=args) == path
    assert resolve(path).namespace == name.split(":")[0]
    assert reader.get(path).status_code == 200
