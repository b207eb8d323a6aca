"""What crawlers read: the sitemap index and its sitemaps, the Google News sitemap, robots.txt."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import xmlschema
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from articles.models import Article
from articles.sitemaps import ArticleSitemap
from newsroom.brands import current_site
from newsroom.models import SiteSettings
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    TopicFactory,
    add_authors,
    add_topics,
)

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
HOME = "http://news.example.org"
SCHEMA = Path(__file__).parent / "fixtures" / "sitemap.xsd"


@pytest.fixture(scope="module")
def schema():
    """The sitemaps.org 0.9 schema with the Google News extension (see tests/fixtures)."""
    return xmlschema.XMLSchema(SCHEMA)


@pytest.fixture(autouse=True)
def site():
    """The site's public address (Django's Site) and its brand, as crawlers see them."""
    Site.objects.update_or_create(pk=1, defaults={"domain": "news.example.org", "name": "Tester"})
    Site.objects.clear_cache()
    SiteSettings(brand_name="Daily Tester").save()


@pytest.fixture
def world():
    """Public stories old and new, a draft and a future one; topics, authors and pages."""
    now = timezone.now()
    news = SectionFactory(name="News")
    music = SectionFactory(name="Music")  # only a draft: not in the sitemap
    space = TopicFactory(name="Space")
    TopicFactory(name="Empty Topic")
    nia = AuthorFactory(name="Nia Cole", slug="nia-cole")
    ghost = AuthorFactory(name="Ghost Writer", slug="ghost-writer")
    articles = {
        "old": ArticleFactory(
            headline="Old Story",
            slug="old-story",
            section=news,
            published_at=datetime(2024, 5, 1, 11, 0, tzinfo=UTC),
            updated_at=datetime(2024, 6, 2, 11, 0, tzinfo=UTC),
        ),
        "new": ArticleFactory(
            headline="New Story & More", slug="new-story", section=news, published_at=now
        ),
        "draft": ArticleFactory(headline="Draft Story", section=music, status=Article.Status.DRAFT),
        "future": ArticleFactory(
            headline="Future Story", section=news, published_at=now + timedelta(hours=1)
        ),
    }
    add_topics(articles["old"], space)
    add_authors(articles["old"], nia)
    for hidden in ("draft", "future"):
        add_topics(articles[hidden], TopicFactory(name=f"Only {hidden}"))
        add_authors(articles[hidden], ghost)
    site = current_site()
    for url, title, private in [("/advertise/", "Advertise", False), ("/desk/", "Desk", True)]:
        page = FlatPage.objects.create(
            url=url, title=title, content="<p>Words.</p>", registration_required=private
        )
        page.sites.add(site)
    return articles


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def get_xml(client, url, schema):
    """The sitemap at `url`, checked against the schema, as an lxml tree."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    body = body_of(response)
    schema.validate(body.decode())
    return etree.fromstring(body)


def locations(tree):
    return tree.xpath("//sm:loc/text()", namespaces=NS)


def path_of(location):
    assert location.startswith(HOME), location
    return location.removeprefix(HOME)


def test_the_index_lists_each_sitemap(reader, world, schema):
    index = get_xml(reader, reverse("newsroom:sitemap-index"), schema)
    assert locations(index) == [
        f"{HOME}/sitemap-articles.xml",
        f"{HOME}/sitemap-topics.xml",
        f"{HOME}/sitemap-authors.xml",
        f"{HOME}/sitemap-pages.xml",
        f"{HOME}/sitemap-news.xml",
    ]
    assert reverse("newsroom:sitemap-section", args=["articles"]) == "/sitemap-articles.xml"


def test_every_sitemap_the_index_names_is_valid(reader, world, schema):
    index = get_xml(reader, reverse("newsroom:sitemap-index"), schema)
    for location in locations(index):
        urlset = get_xml(reader, path_of(location), schema)
        assert urlset.tag == f"{{{NS['sm']}}}urlset"
        assert locations(urlset), location


def test_the_article_sitemap_lists_only_public_articles_with_lastmod(reader, world, schema):
    urlset = get_xml(reader, reverse("newsroom:sitemap-section", args=["articles"]), schema)
    entries = {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in urlset.iterfind("sm:url", namespaces=NS)
    }
    assert entries == {
        f"{HOME}/news/old-story/": "2024-06-02",  # the update, not the publication
        f"{HOME}/news/new-story/": timezone.localdate(world["new"].published_at).isoformat(),
    }


def test_the_article_sitemap_is_paged_by_ranges_of_ids(reader, schema, monkeypatch):
    """Page n lists the public articles with ids in ((n - 1) * limit, n * limit], in id order:
    every public article once, drafts nowhere, and a page only changes with its own articles."""
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    section = SectionFactory(name="News")
    start = timezone.now() - timedelta(days=1)
    stories = [
        ArticleFactory(slug=f"story-{n}", section=section, published_at=start - timedelta(hours=n))
        for n in range(5)
    ]
    hidden = ArticleFactory(slug="draft", section=section, status=Article.Status.DRAFT)
    top = max(story.pk for story in stories)
    last_page = -(-top // 2)
    index = get_xml(reader, reverse("newsroom:sitemap-index"), schema)
    pages = [loc for loc in locations(index) if "/sitemap-articles.xml" in loc]
    assert pages == [f"{HOME}/sitemap-articles.xml"] + [
        f"{HOME}/sitemap-articles.xml?p={n}" for n in range(2, last_page + 1)
    ]
    listed = [locations(get_xml(reader, path_of(page), schema)) for page in pages]
    expected = [[] for _ in pages]
    for story in sorted(stories, key=lambda story: story.pk):
        expected[(story.pk - 1) // 2].append(f"{HOME}/news/{story.slug}/")
    assert listed == expected
    assert not any(hidden.slug in location for page in listed for location in page)
    assert reader.get(f"/sitemap-articles.xml?p={last_page + 1}").status_code == 404
    assert reader.get("/sitemap-articles.xml?p=0").status_code == 404
    assert reader.get("/sitemap-articles.xml?p=two").status_code == 404
    assert reader.get("/sitemap-articles.xml?p=99999999999999999999").status_code == 404


def test_the_article_sitemap_is_streamed_and_has_validators(reader, world):
    response = reader.get("/sitemap-articles.xml")
    assert response.streaming
    etag = response["ETag"]
    assert etag.startswith('W/"')
    assert reader.get("/sitemap-articles.xml", headers={"if-none-match": etag}).status_code == 304
    assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"
    # A change to a listed article (its slug) changes the validator.
    world["old"].slug = "old-story-renamed"
    world["old"].save()
    assert reader.get("/sitemap-articles.xml")["ETag"] != etag


def test_topics_with_public_articles_are_listed_at_their_own_addresses(reader, world, schema):
    urlset = get_xml(reader, reverse("newsroom:sitemap-section", args=["topics"]), schema)
    assert locations(urlset) == [f"{HOME}/news/", f"{HOME}/topics/space/"]


def test_authors_with_public_articles_are_listed(reader, world, schema):
    urlset = get_xml(reader, reverse("newsroom:sitemap-section", args=["authors"]), schema)
    assert locations(urlset) == [f"{HOME}/authors/nia-cole/"]


def test_pages_open_to_everyone_are_listed(reader, world, schema):
    urlset = get_xml(reader, reverse("newsroom:sitemap-section", args=["pages"]), schema)
    assert locations(urlset) == [f"{HOME}/pages/advertise/"]


def test_an_unknown_sitemap_is_not_found(reader):
    assert reader.get("/sitemap-nothing.xml").status_code == 404


def test_the_news_sitemap_holds_public_articles_of_the_last_two_days(reader, world, schema):
    ArticleFactory(
        slug="two-days-ago",
        section=world["new"].section,
        published_at=timezone.now() - timedelta(hours=49),
    )
    urlset = get_xml(reader, reverse("newsroom:sitemap-news"), schema)
    (url,) = urlset.iterfind("sm:url", namespaces=NS)
    news = url.find("news:news", namespaces=NS)
    assert url.findtext("sm:loc", namespaces=NS) == f"{HOME}/news/new-story/"
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Daily Tester"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == "New Story & More"
    published = datetime.fromisoformat(news.findtext("news:publication_date", namespaces=NS))
    assert published == world["new"].published_at


def test_robots_txt_keeps_crawlers_out_of_admin_and_search_and_names_the_sitemaps(reader):
    response = reader.get(reverse("newsroom:robots"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "",
        f"Sitemap: {HOME}/sitemap.xml",
        f"Sitemap: {HOME}/sitemap-news.xml",
    ]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        body_of(response)  # a streamed page reads its rows as it is sent
    return len(queries)


# The index: a count per sitemap (five; the newest id for the articles) and the newest change
# of the two article sitemaps. A sitemap: a count and the page; the streamed articles' sitemap
# its newest id, its summary (two) and the page; the news sitemap also reads the publication's
# name.
EXPECTED = {
    "/sitemap.xml": 7,
    "/sitemap-articles.xml": 4,
    "/sitemap-topics.xml": 2,
    "/sitemap-authors.xml": 2,
    "/sitemap-pages.xml": 2,
    "/sitemap-news.xml": 3,
}


@pytest.mark.parametrize(("url", "expected"), EXPECTED.items())
def test_sitemap_queries_do_not_grow_with_the_content(reader, world, url, expected):
    reader.get(url)  # Django caches the current Site after the first request
    assert queries_for(reader, url) == expected
    for n in range(10):
        article = ArticleFactory(slug=f"more-{n}", section=SectionFactory())
        add_topics(article, TopicFactory())
        add_authors(article, AuthorFactory())
        FlatPage.objects.create(url=f"/more-{n}/", title="More").sites.add(current_site())
    assert queries_for(reader, url) == expected
