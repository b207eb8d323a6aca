"""What search engines, feed readers and social networks read about each page."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tests.conftest import parse, text_of
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    TopicFactory,
    add_authors,
    add_topics,
    image_file,
)

pytestmark = pytest.mark.django_db


def meta(page, key):
    tag = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def meta_all(page, key):
    return [tag["content"] for tag in page.find_all("meta", attrs={"property": key})]


def json_ld(page):
    """Every schema.org item on the page, by type."""
    items = {}
    for script in page.select('script[type="application/ld+json"]'):
        for item in json.loads(script.string)["@graph"]:
            items[item["@type"]] = item
    return items


@pytest.fixture
def article():
    news = SectionFactory(name="News")
    article = ArticleFactory(
        headline="Ferry Returns <Home>",
        slug="ferry-returns",
        standfirst="The old ferry is back & busy.",
        section=news,
        published_at=datetime(2024, 7, 1, 9, 0, tzinfo=UTC),
        updated_at=datetime(2024, 7, 1, 15, 30, tzinfo=UTC),
        featured_image=image_file("ferry.jpg"),
        featured_image_alt="A ferry at the quay",
    )
    add_topics(article, TopicFactory(name="Boats"), TopicFactory(name="Coast"))
    add_authors(article, AuthorFactory(name="Ida Wells", slug="ida-wells", role="Reporter"))
    return article


def test_the_article_page_describes_itself(reader, article):
    page = parse(reader.get("/news/ferry-returns/"))
    assert text_of(page.title) == "Ferry Returns <Home> | Newsroom"
    assert meta(page, "description") == "The old ferry is back & busy."
    assert page.find("link", rel="canonical")["href"] == "http://testserver/news/ferry-returns/"
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:title") == "Ferry Returns <Home>"
    assert meta(page, "og:url") == "http://testserver/news/ferry-returns/"
    assert meta(page, "og:image").startswith("http://testserver/media/articles/featured/ferry")
    assert meta(page, "og:image:alt") == "A ferry at the quay"
    assert meta(page, "article:published_time") == "2024-07-01T10:00:00+01:00"
    assert meta(page, "article:modified_time") == "2024-07-01T16:30:00+01:00"
    assert meta(page, "article:section") == "News"
    assert meta_all(page, "article:tag") == ["Boats", "Coast"]
    assert meta_all(page, "article:author") == ["http://testserver/authors/ida-wells/"]
    assert meta(page, "twitter:card") == "summary_large_image"
    assert meta(page, "twitter:image") == meta(page, "og:image")


def test_the_article_carries_news_article_and_breadcrumb_structured_data(reader, article):
    items = json_ld(parse(reader.get("/news/ferry-returns/")))
    news = items["NewsArticle"]
    assert news["headline"] == "Ferry Returns <Home>"
    assert news["datePublished"] == "2024-07-01T10:00:00+01:00"
    assert news["dateModified"] == "2024-07-01T16:30:00+01:00"
    assert news["image"]["url"].startswith("http://testserver/media/articles/featured/ferry")
    assert news["author"] == [
        {
            "@type": "Person",
            "name": "Ida Wells",
            "url": "http://testserver/authors/ida-wells/",
            "jobTitle": "Reporter",
            "description": "Ida Wells writes about everything that matters.",
        }
    ]
    assert news["publisher"]["name"] == "Newsroom"
    assert news["publisher"]["logo"]["url"] == "http://testserver/static/img/logo.png"
    assert news["mainEntityOfPage"]["@id"] == "http://testserver/news/ferry-returns/"
    crumbs = items["BreadcrumbList"]["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "Home", "http://testserver/"),
        (2, "News", "http://testserver/news/"),
    ]


def test_structured_data_cannot_close_its_script_element(reader):
    article = ArticleFactory(headline="</script><script>alert(1)</script>", slug="tricky")
    html = reader.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "\\u003C/script\\u003E" in html


def test_an_author_page_is_a_person(reader, article):
    page = parse(reader.get("/authors/ida-wells/"))
    person = json_ld(page)["Person"]
    assert (person["name"], person["url"], person["jobTitle"]) == (
        "Ida Wells",
        "http://testserver/authors/ida-wells/",
        "Reporter",
    )
    assert meta(page, "og:type") == "profile"
    assert text_of(page.title) == "Ida Wells | Newsroom"


def test_a_topic_page_is_a_collection_page(reader, article):
    page = parse(reader.get("/topics/boats/"))
    collection = json_ld(page)["CollectionPage"]
    assert collection["name"] == "Boats"
    assert collection["url"] == "http://testserver/topics/boats/"
    assert [item["url"] for item in collection["mainEntity"]["itemListElement"]] == [
        "http://testserver/news/ferry-returns/"
    ]


def test_pages_beyond_the_first_link_their_neighbours_and_are_their_own_canonical(reader):
    section = SectionFactory(name="News")
    now = timezone.now()
    for n in range(45):
        ArticleFactory(section=section, published_at=now - timedelta(minutes=n + 1))
    first = parse(reader.get("/news/"))
    assert first.find("link", rel="canonical")["href"] == "http://testserver/news/"
    assert first.find("link", rel="prev") is None
    older = first.find("link", rel="next")["href"]
    assert older.startswith("/news/?before=")
    second = parse(reader.get(older))
    assert second.find("link", rel="canonical")["href"] == f"http://testserver{older}"
    assert second.find("link", rel="prev")["href"].startswith("/news/?after=")
    third = parse(reader.get(second.find("link", rel="next")["href"]))
    assert third.find("link", rel="next") is None
    assert re.fullmatch(r"News \(from \d{1,2} \w+ \d{4}\) \| Newsroom", text_of(second.title))
    # An old numbered address is still its own canonical, and links on by cursor.
    numbered = parse(reader.get("/news/?page=2"))
    assert numbered.find("link", rel="canonical")["href"] == "http://testserver/news/?page=2"
    assert numbered.find("link", rel="prev")["href"] == "/news/"
    assert numbered.find("link", rel="next")["href"].startswith("/news/?before=")
    assert text_of(numbered.title) == "News (page 2) | Newsroom"


def test_every_page_has_its_own_title_and_description(reader, article):
    urls = [
        "/",
        "/latest/",
        "/news/",
        "/topics/boats/",
        "/topics/",
        "/authors/",
        "/authors/ida-wells/",
        "/news/ferry-returns/",
    ]
    titles, descriptions = set(), set()
    for url in urls:
        page = parse(reader.get(url))
        titles.add(text_of(page.title))
        descriptions.add(meta(page, "description"))
    assert len(titles) == len(urls)
    assert None not in descriptions


def test_a_missing_page_is_not_indexed(reader):
    page = parse(reader.get("/no/such-page/"))
    assert meta(page, "robots") == "noindex"
