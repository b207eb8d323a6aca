"""Listings page by keyset: "Older" and "Newer" links carry the place where a page ends
(`?before=` and `?after=`, see newsroom.pages.KeysetPaginator), so a page deep in a large
archive costs what the first does, and an address that names no page is a 404 found cheaply."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from newsroom.pages import Cursor
from tests.brand_keys import on_brand
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

LISTINGS = ["/latest/", "/news/", "/topics/boats/", "/authors/ida/"]
# The queries of any page of each listing: the object the address names (if any), the page.
QUERIES = {"/latest/": 1, "/news/": 2, "/topics/boats/": 2, "/authors/ida/": 2}


@pytest.fixture
def archive():
    """45 public articles in News, about Boats, by Ida, one a minute; two share a minute, and
    a draft and a scheduled article sit among them. Returns the public headlines, newest
    first."""
    news = SectionFactory(name="News")
    boats = TopicFactory(name="Boats")
    ida = AuthorFactory(slug="ida")
    now = timezone.now().replace(microsecond=0)
    moments = [now - timedelta(minutes=n + 1) for n in range(45)]
    moments[11] = moments[10]  # a tie: the id decides
    hidden = [
        ArticleFactory(section=news, headline="Draft", status=Article.Status.DRAFT),
        ArticleFactory(section=news, headline="Scheduled", published_at=now + timedelta(hours=1)),
    ]
    articles = [
        ArticleFactory(section=news, headline=f"Story {n:02}", published_at=moment)
        for n, moment in enumerate(moments)
    ]
    for article in [*articles, *hidden]:
        add_topics(article, boats)
        add_authors(article, ida)
    return sorted(articles, key=lambda a: (a.published_at, a.pk), reverse=True)


def headlines(page):
    return [text_of(h) for h in page.select(".card__headline")]


def link(page, rel):
    found = page.select_one(f".pagination a[rel={rel}]")
    return found["href"] if found else None


@pytest.mark.parametrize("url", LISTINGS)
def test_older_links_walk_the_whole_listing_once_and_newer_links_walk_back(reader, archive, url):
    expected = [article.headline for article in archive]
    seen, pages, address = [], [], url
    while address:
        response = reader.get(address)
        assert response.status_code == 200, address
        page = parse(response)
        pages.append((address, page))
        seen += headlines(page)
        address = link(page, "next")
    assert seen == expected
    assert [len(headlines(page)) for _, page in pages] == [20, 20, 5]
    assert link(pages[0][1], "prev") is None
    # Back from the last page, by the "Newer" links, to a page with nothing newer.
    back, address = [], link(pages[-1][1], "prev")
    while address:
        page = parse(reader.get(address))
        back = headlines(page) + back
        address = link(page, "prev")
    assert back == expected[:40]


@pytest.mark.parametrize("url", LISTINGS)
def test_a_deep_page_costs_the_queries_of_the_first(reader, archive, url):
    page_two = link(parse(reader.get(url)), "next")
    page_three = link(parse(reader.get(page_two)), "next")
    for address in (url, page_two, page_three):
        reader.get(address)
        with CaptureQueriesContext(connection) as queries:
            assert reader.get(address).status_code == 200
        assert len(queries) == QUERIES[url], address
        assert not any("OFFSET" in query["sql"].upper() for query in queries)


def test_a_keyset_page_is_its_own_canonical_address_and_says_where_it_starts(reader, archive):
    older = link(parse(reader.get("/latest/")), "next")
    assert older == f"/latest/?before={Cursor.of(archive[19])}"
    page = parse(reader.get(older))
    assert page.select_one("link[rel=canonical]")["href"] == f"http://testserver{older}"
    assert page.select_one("link[rel=next]")["href"] == link(page, "next")
    start = timezone.localtime(archive[20].published_at)
    assert text_of(page.title).startswith(f"Latest news (from {start.day} {start:%B %Y}) |")
    assert page.select_one(".pagination span") is None  # no page number to show


def test_a_keyset_page_names_what_it_shows_and_has_validators(reader, archive):
    older = link(parse(reader.get("/latest/")), "next")
    response = reader.get(older)
    keys = set(response["Surrogate-Key"].split())
    assert on_brand("latest") in keys
    assert {f"article-{article.pk}" for article in archive[20:40]} <= keys
    assert f"article-{archive[0].pk}" not in keys
    etag = response["ETag"]
    assert reader.get(older, headers={"if-none-match": etag}).status_code == 304
    assert response["Last-Modified"]


def test_old_numbered_links_keep_working_up_to_page_fifty(reader, archive):
    page = parse(reader.get("/latest/?page=2"))
    assert headlines(page) == [article.headline for article in archive[20:40]]
    assert link(page, "prev") == "/latest/"
    assert link(page, "next") == f"/latest/?before={Cursor.of(archive[39])}"
    assert reader.get("/latest/?page=3").status_code == 200
    assert reader.get("/latest/?page=4").status_code == 404  # beyond the last page


NOT_PAGES = [
    "page=51",
    "page=999999999999",
    "page=-1",
    "page=0",
    "page=abc",
    "before=abc",
    "before=",
    "before=1.2.3",
    "before=-5.3",
    "before=12",
    "before=1714561200123456.0",
    "before=1714561200123456.99999999999999999999",
    "before=9999999999999999999999.1",
    "before=999999999999999999.1",  # beyond the year 9999
    "after=%00",
    "before=１２.３",  # digits that are not ASCII
]


@pytest.mark.parametrize("query", NOT_PAGES)
@pytest.mark.parametrize("url", LISTINGS)
def test_an_address_that_names_no_page_is_not_found_without_reading_the_listing(
    reader, archive, url, query
):
    reader.get(url)  # the shared header and footer are cached from here on
    with CaptureQueriesContext(connection) as queries:
        assert reader.get(f"{url}?{query}").status_code == 404
    # The object the address names (a section, topic or author), and what any 404 asks (the
    # site's old addresses): no article is read.
    read = [query["sql"] for query in queries]
    assert not [sql for sql in read if 'FROM "articles_article"' in sql]
    assert len(read) <= QUERIES[url] - 1 + 2


@pytest.mark.parametrize("url", LISTINGS)
def test_a_place_beyond_either_end_is_not_found_after_one_read(reader, archive, url):
    oldest, newest = archive[-1], archive[0]
    for query in (f"before={Cursor.of(oldest)}", f"after={Cursor.of(newest)}"):
        reader.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert reader.get(f"{url}?{query}").status_code == 404
        read = [query["sql"] for query in queries]
        assert len([sql for sql in read if 'FROM "articles_article"' in sql]) == 1


def test_a_place_between_articles_is_a_good_place(reader, archive):
    """A cursor need not name an article: a link stays good when its article goes."""
    place = Cursor(archive[4].published_at - timedelta(seconds=1), 1)
    page = parse(reader.get(f"/latest/?before={place}"))
    assert headlines(page)[0] == archive[5].headline


@pytest.mark.postgres
def test_on_postgresql_the_articles_table_is_read_without_parallel_workers():
    """Starting workers costs a listing more than they save (migration 0017)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'articles_article'")
        (options,) = cursor.fetchone()
    assert "parallel_workers=0" in options
