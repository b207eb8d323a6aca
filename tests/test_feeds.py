"""RSS and Atom feeds of the whole site, of a topic or section, and of an author."""

import calendar
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.contrib.sites.models import Site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_http_date
from lxml import etree

from articles.models import Article, Topic
from authors.models import Author
from newsroom.models import SiteSettings
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

PUBLISHED = datetime(2025, 3, 15, 12, 8, tzinfo=UTC)
UPDATED = datetime(2025, 3, 16, 9, 30, tzinfo=UTC)

SITE_FEEDS = [reverse("articles:site-rss"), reverse("articles:site-atom")]
TOPIC_FEEDS = [
    reverse("articles:topic-rss", args=["space"]),
    reverse("articles:topic-atom", args=["space"]),
]
SECTION_FEEDS = [
    reverse("articles:topic-rss", args=["news"]),
    reverse("articles:topic-atom", args=["news"]),
]
AUTHOR_FEEDS = [
    reverse("authors:author-rss", args=["nia-cole"]),
    reverse("authors:author-atom", args=["nia-cole"]),
]
FEEDS = SITE_FEEDS + TOPIC_FEEDS + SECTION_FEEDS + AUTHOR_FEEDS


@pytest.fixture(autouse=True)
def site():
    """The site's public address (Django's Site) and its brand, as feeds show them."""
    Site.objects.update_or_create(pk=1, defaults={"domain": "news.example.org", "name": "Tester"})
    Site.objects.clear_cache()
    SiteSettings(brand_name="Daily Tester", tagline="News that checks.").save()


@pytest.fixture
def world():
    """A public story with a picture and two authors, and a draft and a future one beside it."""
    news = SectionFactory(name="News")
    space = TopicFactory(name="Space")
    nia = AuthorFactory(name="Nia Cole", slug="nia-cole")
    omar = AuthorFactory(name="Omar Diaz", slug="omar-diaz")
    lead = ArticleFactory(
        headline="Fish & Chips <Tonight>",
        slug="fish-and-chips",
        standfirst="The harbour town queues for its new chip shop.",
        section=news,
        published_at=PUBLISHED,
        updated_at=UPDATED,
        featured_image=image_file("harbour.jpg", size=(1200, 675)),
        featured_image_alt="Boats in the harbour at dusk",
        featured_image_credit="Jane Doe / Newsroom",
    )
    add_topics(lead, space, news)
    add_authors(lead, omar, nia)  # Omar leads the byline
    hidden = {
        "draft": ArticleFactory(headline="Draft Story", section=news, status=Article.Status.DRAFT),
        "future": ArticleFactory(
            headline="Future Story", section=news, published_at=timezone.now() + timedelta(days=1)
        ),
    }
    for article in hidden.values():
        add_topics(article, space)
        add_authors(article, nia)
    return {"lead": lead, **hidden}


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return response, feed


def moment(parsed):
    """A time feedparser read (a UTC struct_time) as an aware datetime."""
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


@pytest.mark.parametrize("url", FEEDS)
def test_every_feed_is_well_formed_rss_or_atom(reader, world, url):
    response, feed = fetch(reader, url)
    if url.endswith("/rss/"):
        assert (feed.version, response["Content-Type"]) == (
            "rss20",
            "application/rss+xml; charset=utf-8",
        )
    else:
        assert (feed.version, response["Content-Type"]) == (
            "atom10",
            "application/atom+xml; charset=utf-8",
        )
    assert feed.feed.links[0].href.startswith("http://news.example.org/")


@pytest.mark.parametrize("url", FEEDS)
def test_an_entry_carries_what_a_feed_reader_shows(reader, world, url):
    _, feed = fetch(reader, url)
    (entry,) = feed.entries
    picture = "http://news.example.org/media/articles/featured/harbour.jpg"
    assert entry.title == "Fish & Chips <Tonight>"
    assert entry.link == "http://news.example.org/news/fish-and-chips/"
    assert entry.id == "tag:news.example.org,2025-03-15:newsroom/fish-and-chips"
    assert moment(entry.published_parsed) == PUBLISHED
    assert moment(entry.updated_parsed) == UPDATED
    assert [author.name for author in entry.authors] == ["Omar Diaz", "Nia Cole"]
    assert [tag.term for tag in entry.tags] == ["News", "Space"]
    assert entry.summary == "The harbour town queues for its new chip shop."
    assert entry.media_content == [
        {"url": picture, "medium": "image", "width": "1200", "height": "675", "type": "image/jpeg"}
    ]
    assert entry.media_credit == [{"content": "Jane Doe / Newsroom"}]
    size = world["lead"].featured_image.size
    assert entry.enclosures == [{"href": picture, "length": str(size), "type": "image/jpeg"}]


@pytest.mark.parametrize("url", [u for u in FEEDS if u.endswith("/atom/")])
def test_atom_authors_link_their_profiles(reader, world, url):
    _, feed = fetch(reader, url)
    assert [author.href for author in feed.entries[0].authors] == [
        "http://news.example.org/authors/omar-diaz/",
        "http://news.example.org/authors/nia-cole/",
    ]


@pytest.mark.parametrize("url", [u for u in FEEDS if u.endswith("/rss/")])
def test_rss_items_carry_an_atom_update_time_and_a_guid_that_is_no_permalink(reader, world, url):
    item = etree.fromstring(reader.get(url).content).find("channel/item")
    assert item.findtext("{http://www.w3.org/2005/Atom}updated") == "2025-03-16T09:30:00+00:00"
    assert item.find("guid").get("isPermaLink") == "false"
    assert item.find("enclosure").get("url").startswith("http://news.example.org/media/")


@pytest.mark.parametrize("url", FEEDS)
def test_drafts_and_future_articles_never_appear(reader, world, url):
    _, feed = fetch(reader, url)
    assert [entry.title for entry in feed.entries] == ["Fish & Chips <Tonight>"]


@pytest.mark.parametrize(
    ("url", "title", "link"),
    [
        (SITE_FEEDS[0], "Daily Tester", "http://news.example.org/"),
        (TOPIC_FEEDS[1], "Space | Daily Tester", "http://news.example.org/topics/space/"),
        (SECTION_FEEDS[0], "News | Daily Tester", "http://news.example.org/news/"),
        (AUTHOR_FEEDS[1], "Nia Cole | Daily Tester", "http://news.example.org/authors/nia-cole/"),
    ],
)
def test_a_feed_is_titled_with_its_subject_and_the_brand(reader, world, url, title, link):
    _, feed = fetch(reader, url)
    assert feed.feed.title == title
    assert feed.feed.link == link


def test_a_topic_feed_holds_its_tagged_articles_and_a_section_feed_its_own(reader, world):
    ArticleFactory(headline="Harbour Gala", section=world["lead"].section)
    topic = [e.title for e in fetch(reader, TOPIC_FEEDS[0])[1].entries]
    section = [e.title for e in fetch(reader, SECTION_FEEDS[0])[1].entries]
    assert topic == ["Fish & Chips <Tonight>"]
    assert section == ["Harbour Gala", "Fish & Chips <Tonight>"]


def test_a_feed_holds_the_thirty_newest_articles_newest_first(reader):
    section = SectionFactory(name="News")
    now = timezone.now()
    for n in range(31):
        ArticleFactory(
            headline=f"Story {n:02}", section=section, published_at=now - timedelta(minutes=n + 1)
        )
    _, feed = fetch(reader, SITE_FEEDS[0])
    assert [entry.title for entry in feed.entries] == [f"Story {n:02}" for n in range(30)]


def test_an_entry_keeps_its_id_when_its_address_changes(reader, world):
    before = fetch(reader, SITE_FEEDS[1])[1].entries[0]
    lead = world["lead"]
    lead.slug, lead.section = "fish-and-chips-at-last", SectionFactory(name="Food")
    lead.save()
    after = fetch(reader, SITE_FEEDS[1])[1].entries[0]
    assert after.link == "http://news.example.org/food/fish-and-chips-at-last/"
    assert after.id == before.id


def test_an_imported_article_is_identified_by_its_source(reader, world):
    Article.objects.filter(pk=world["lead"].pk).update(source_system="unilad", source_id="12 345")
    entry = fetch(reader, SITE_FEEDS[0])[1].entries[0]
    assert entry.id == "tag:news.example.org,2025-03-15:unilad/12%20345"


def test_a_missing_picture_file_leaves_out_only_the_enclosure(reader, world):
    lead = world["lead"]
    lead.featured_image.storage.delete(lead.featured_image.name)
    for url in SITE_FEEDS:
        _, feed = fetch(reader, url)
        entry = feed.entries[0]
        assert entry.enclosures == []
        assert entry.media_content[0]["url"].endswith("/media/articles/featured/harbour.jpg")


def test_an_article_without_a_picture_or_byline_is_still_a_valid_entry(reader):
    ArticleFactory(headline="Plain Story", section=SectionFactory(name="News"))
    for url in SITE_FEEDS:
        _, feed = fetch(reader, url)
        entry = feed.entries[0]
        assert (entry.get("media_content"), entry.enclosures) == (None, [])
    # Atom requires an author: the publication stands in for the missing byline.
    assert fetch(reader, SITE_FEEDS[1])[1].feed.author == "Daily Tester"


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/topics/no-such-topic/rss/",
        "/feeds/topics/no-such-topic/atom/",
        "/feeds/authors/no-such-person/rss/",
        "/feeds/authors/no-such-person/atom/",
    ],
)
def test_unknown_slugs_are_not_found(reader, url):
    assert reader.get(url).status_code == 404


@pytest.fixture
def publish():
    """Adds n public articles in News, about Space, by Nia (and a co-author), with pictures."""
    news = SectionFactory(name="News")
    space = TopicFactory(name="Space")
    nia = AuthorFactory(slug="nia-cole")

    def publish(n):
        now = timezone.now()
        for minutes in range(n):
            article = ArticleFactory(
                section=news,
                published_at=now - timedelta(minutes=minutes + 1),
                featured_image=image_file(),
            )
            add_topics(article, space, TopicFactory())
            add_authors(article, nia, AuthorFactory())

    return publish


def queries_for(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response.status_code, len(queries)


# The subject named in the address (topic and author feeds), the site settings, the articles,
# their bylines and their topics.
@pytest.mark.parametrize(
    ("urls", "expected"), [(SITE_FEEDS, 4), (SECTION_FEEDS + TOPIC_FEEDS + AUTHOR_FEEDS, 5)]
)
def test_feed_queries_do_not_grow_with_the_entries(reader, publish, urls, expected):
    publish(1)
    reader.get(urls[0])  # Django caches the current Site after the first request
    for url in urls:
        assert queries_for(reader, url) == (200, expected)
    publish(9)
    for url in urls:
        assert queries_for(reader, url) == (200, expected)


@pytest.mark.parametrize("url", FEEDS)
def test_a_repeat_request_gets_not_modified(reader, world, url):
    first = reader.get(url)
    assert parse_http_date(first["Last-Modified"]) == int(world["lead"].modified.timestamp())
    again = reader.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert (again["ETag"], again["Cache-Control"]) == (first["ETag"], first["Cache-Control"])
    since = reader.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304


# The ETag is of the feed's content: a 304 is built as a full answer is, then sent empty.
@pytest.mark.parametrize(("url", "expected"), [(SITE_FEEDS[0], 4), (TOPIC_FEEDS[1], 5)])
def test_a_not_modified_answer_costs_what_a_full_one_does(reader, world, url, expected):
    etag = reader.get(url)["ETag"]
    assert queries_for(reader, url, **{"If-None-Match": etag}) == (304, expected)


def test_rss_and_atom_have_their_own_etags(reader, world):
    assert reader.get(SITE_FEEDS[0])["ETag"] != reader.get(SITE_FEEDS[1])["ETag"]


@pytest.mark.parametrize("change", ["author", "topic", "brand"])
def test_a_renamed_author_topic_or_brand_is_sent_again(reader, world, change):
    first = reader.get(TOPIC_FEEDS[0])
    if change == "author":
        Author.objects.filter(slug="nia-cole").update(name="Nia Cole-Barr")
    elif change == "topic":
        Topic.objects.filter(slug="space").update(name="Outer Space")
    else:
        SiteSettings(brand_name="Weekly Tester", tagline="News that checks.").save()
    again = reader.get(TOPIC_FEEDS[0], headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]


@pytest.mark.parametrize("url", [*SITE_FEEDS, "/corrections/rss/"])
def test_an_empty_feed_has_a_steady_date(reader, url):
    """Not the time of the request, which would make every answer, and its ETag, new."""
    response, feed = fetch(reader, url)
    assert feed.entries == []
    date = feed.feed.get("updated_parsed") or feed.feed.get("published_parsed")
    assert moment(date) == datetime(1970, 1, 1, tzinfo=UTC)
    assert "Last-Modified" not in response  # no entry, no date of a change


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_suit_a_cdn(reader, world, url):
    directives = {part.strip() for part in reader.get(url)["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=300", "s-maxage=600", "stale-while-revalidate=600"}


def test_a_saved_article_is_sent_again(reader, world):
    first = reader.get(SITE_FEEDS[0])
    world["lead"].headline = "Fish and Chips, Tonight"
    world["lead"].save()
    again = reader.get(SITE_FEEDS[0], headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert feedparser.parse(again.content).entries[0].title == "Fish and Chips, Tonight"


def test_a_scheduled_article_coming_due_is_sent_again(reader, world):
    first = reader.get(SITE_FEEDS[0])
    # Time passing, as the database sees it: no save, so `modified` stays behind.
    Article.objects.filter(pk=world["future"].pk).update(
        published_at=timezone.now() - timedelta(seconds=1)
    )
    headers = {"If-None-Match": first["ETag"], "If-Modified-Since": first["Last-Modified"]}
    again = reader.get(SITE_FEEDS[0], headers=headers)
    assert again.status_code == 200
    assert feedparser.parse(again.content).entries[0].title == "Future Story"


def test_an_unpublished_article_leaves_the_feed_at_once(reader, world):
    first = reader.get(SITE_FEEDS[0])
    Article.objects.filter(pk=world["lead"].pk).update(status=Article.Status.DRAFT)
    again = reader.get(SITE_FEEDS[0], headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert feedparser.parse(again.content).entries == []
