"""Drafts and scheduled articles never leak: only the published one appears, anywhere."""

from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Article
from tests.conftest import content_of, parse, text_of
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    TopicFactory,
    add_authors,
    add_related,
    add_topics,
)

pytestmark = pytest.mark.django_db

HEADLINES = {
    "published": "Quokka Published Story",
    "draft": "Quokka Draft Story",
    "future": "Quokka Future Story",
}


@pytest.fixture
def three(django_capture_on_commit_callbacks):
    """A published, a draft and a future article sharing section, topic and author, each
    recently published (so the news sitemap would list them), and a reader article whose
    related list and rail could show any of them."""
    news = SectionFactory(name="News")
    topic = TopicFactory(name="Quokkas")
    author = AuthorFactory(name="Una Writer", slug="una")
    now = timezone.now()
    made = {
        "published": ArticleFactory(
            headline=HEADLINES["published"],
            slug="quokka-published",
            section=news,
            published_at=now - timedelta(hours=1),
        ),
        "draft": ArticleFactory(
            headline=HEADLINES["draft"],
            slug="quokka-draft",
            section=news,
            status=Article.Status.DRAFT,
            published_at=now - timedelta(hours=1),
        ),
        "future": ArticleFactory(
            headline=HEADLINES["future"],
            slug="quokka-future",
            section=news,
            published_at=now + timedelta(hours=1),
        ),
    }
    for article in made.values():
        add_topics(article, topic)
        add_authors(article, author)
    reader_article = ArticleFactory(
        headline="Reader Article",
        slug="reader-article",
        section=news,
        published_at=now - timedelta(days=3),
    )
    add_related(reader_article, *made.values())
    return made


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return content_of(response).decode()


PAGES = [
    "/",
    "/news/",
    "/topics/quokkas/",
    "/authors/una/",
    "/latest/",
    "/search/?q=quokka",
    "/news/reader-article/",
]
FEEDS = [
    "/feeds/rss/",
    "/feeds/atom/",
    "/feeds/topics/quokkas/rss/",
    "/feeds/topics/quokkas/atom/",
    "/feeds/topics/news/rss/",
    "/feeds/authors/una/rss/",
    "/feeds/authors/una/atom/",
]
SITEMAPS = ["/sitemap.xml", "/sitemap-articles.xml", "/sitemap-news.xml"]


@pytest.mark.parametrize("url", PAGES + FEEDS + SITEMAPS)
def test_only_the_published_article_appears(reader, three, url):
    text = page_text(reader, url)
    if url in SITEMAPS[1:]:
        assert "/news/quokka-published/" in text
    elif url != "/sitemap.xml":
        assert HEADLINES["published"] in text
    assert HEADLINES["draft"] not in text and "quokka-draft" not in text
    assert HEADLINES["future"] not in text and "quokka-future" not in text


def test_feeds_list_exactly_the_published_article(reader, three):
    for url in FEEDS:
        feed = feedparser.parse(page_text(reader, url))
        titles = [entry.title for entry in feed.entries if "Quokka" in entry.title]
        assert titles == [HEADLINES["published"]], url


def test_related_and_rail_show_only_the_published_article(reader, three):
    page = parse(reader.get("/news/reader-article/"))
    assert [text_of(a) for a in page.select(".related a")] == [HEADLINES["published"]]
    rail = [text_of(h) for h in page.select(".rail__headline")]
    assert HEADLINES["published"] in rail
    assert HEADLINES["draft"] not in rail and HEADLINES["future"] not in rail


def test_counts_include_only_the_published_article(reader, three):
    topics = parse(reader.get("/topics/"))
    assert "Quokkas (1)" in [text_of(li) for li in topics.select(".az-list li")]
    authors = parse(reader.get("/authors/"))
    assert "Una Writer Senior Journalist (1)" in [
        text_of(li) for li in authors.select(".author-list li")
    ]


def test_the_hidden_articles_themselves_are_not_found(reader, three):
    for key in ("draft", "future"):
        assert reader.get(three[key].get_absolute_url()).status_code == 404
        assert reader.get(f"/articles/{three[key].slug}/").status_code == 404


def test_a_scheduled_article_appears_once_its_time_comes(reader, three, settings):
    settings.NEWSROOM_FRAGMENT_SECONDS = 0
    Article.objects.filter(pk=three["future"].pk).update(
        published_at=timezone.now() - timedelta(seconds=1)
    )
    assert HEADLINES["future"] in page_text(reader, "/latest/")
    assert reader.get(three["future"].get_absolute_url()).status_code == 200
