"""The pages the article page links to: home, latest, topics, topics A-Z, authors."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.conftest import parse, text_of
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
def world():
    """One public, one draft and one future article, sharing a section, a topic and an author."""
    news = SectionFactory(name="News")
    space = TopicFactory(name="Space")
    writer = AuthorFactory(name="Nia Cole", slug="nia-cole")
    articles = {
        "public": ArticleFactory(headline="Public Story", section=news),
        "draft": ArticleFactory(headline="Draft Story", section=news, status=Article.Status.DRAFT),
        "future": ArticleFactory(
            headline="Future Story", section=news, published_at=timezone.now() + timedelta(days=1)
        ),
    }
    for article in articles.values():
        add_topics(article, space)
        add_authors(article, writer)
    return articles


def headlines(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return [text_of(h) for h in parse(response).select(".card__headline")]


@pytest.mark.parametrize("url", ["/", "/latest/", "/news/", "/topics/space/", "/authors/nia-cole/"])
def test_only_public_articles_are_listed(reader, world, url):
    assert headlines(reader, url) == ["Public Story"]


def test_topics_a_to_z_counts_public_articles_only(reader, world):
    TopicFactory(name="Empty Topic")
    page = parse(reader.get("/topics/"))
    entries = [text_of(li) for li in page.select(".az-list li")]
    assert entries == ["News (1)", "Space (1)"]
    assert [text_of(h) for h in page.select(".az-group h2")] == ["N", "S"]


def test_authors_index_lists_authors_with_public_articles(reader, world):
    AuthorFactory(name="Nobody Yet")
    page = parse(reader.get("/authors/"))
    assert [text_of(a) for a in page.select(".author-list a")] == ["Nia Cole"]


def test_author_profile_shows_role_and_bio(reader, world):
    page = parse(reader.get("/authors/nia-cole/"))
    assert text_of(page.select_one("h1")) == "Nia Cole"
    assert text_of(page.select_one(".profile__role")) == "Senior Journalist"


def test_sections_and_topics_redirect_to_their_own_addresses(reader, world):
    assert (reader.get("/topics/news/").status_code, reader.get("/topics/news/")["Location"]) == (
        301,
        "/news/",
    )
    assert (reader.get("/space/").status_code, reader.get("/space/")["Location"]) == (
        301,
        "/topics/space/",
    )


def test_unknown_topic_and_author_are_not_found(reader):
    assert reader.get("/no-such-section/").status_code == 404
    assert reader.get("/topics/no-such-topic/").status_code == 404
    assert reader.get("/authors/no-such-person/").status_code == 404


def test_latest_paginates_newest_first(reader):
    section = SectionFactory()
    now = timezone.now()
    for n in range(25):
        ArticleFactory(
            headline=f"Story {n:02}", section=section, published_at=now - timedelta(minutes=n + 1)
        )
    first = headlines(reader, "/latest/")
    second = headlines(reader, "/latest/?page=2")
    assert first[0] == "Story 00" and len(first) == 20
    assert second == [f"Story {n:02}" for n in range(20, 25)]
    assert reader.get("/latest/?page=3").status_code == 404
    assert reader.get("/latest/?page=abc").status_code == 404


def test_an_article_tagged_with_its_own_section_counts_once(reader, world):
    news = world["public"].section
    add_topics(ArticleFactory(headline="Tagged Twice", section=news), news)
    entries = [text_of(li) for li in parse(reader.get("/topics/")).select(".az-list li")]
    assert "News (2)" in entries
