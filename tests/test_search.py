"""Search at /search/?q=: PostgreSQL full-text search, or the substring fallback elsewhere.

Every test runs on both databases unless marked. Where they differ by design (ranking, the
stored search vector, snippets), a test marked `postgres` says what PostgreSQL does (skipped
elsewhere) and one marked `FALLBACK_ONLY` what the fallback does (skipped on PostgreSQL).
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import search as articles_search
from articles.models import Article
from articles.search import MAX_QUERY_LENGTH, START, STOP, clean_query, render_marked
from tests.conftest import parse, text_of
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"
FALLBACK_ONLY = pytest.mark.skipif(
    ON_POSTGRESQL, reason="the substring fallback only: PostgreSQL searches its stored vector"
)


def search(client, query, **params):
    response = client.get(reverse("articles:search"), {"q": query, **params})
    assert response.status_code == 200
    return parse(response)


def headlines(page):
    return [text_of(h) for h in page.select(".card__headline")]


def stored_vector(article):
    return Article.objects.filter(pk=article.pk).values_list("search_vector", flat=True).get()


def queries_for(client, url):
    client.get(url)  # the shared header and footer are cached from here on
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "fields",
    [
        {"headline": "Zeppelin lands in Leeds"},
        {"standfirst": "A zeppelin landed in Leeds this morning."},
        {"body": "<p>Witnesses saw a <strong>zeppelin</strong> over Leeds.</p>"},
    ],
    ids=["headline", "standfirst", "body"],
)
def test_it_finds_an_article_by_its_headline_standfirst_or_body(reader, fields):
    found = ArticleFactory(**fields)
    ArticleFactory(headline="Unrelated", body="<p>Nothing to see.</p>")
    assert headlines(search(reader, "zeppelin")) == [found.headline]


def test_every_word_must_match(reader):
    ArticleFactory(headline="Zeppelin over Leeds")
    ArticleFactory(headline="Zeppelin over York")
    assert headlines(search(reader, "zeppelin leeds")) == ["Zeppelin over Leeds"]


def test_a_minus_word_excludes_and_quotes_keep_a_phrase(reader):
    ArticleFactory(headline="Zeppelin over Leeds")
    ArticleFactory(headline="Zeppelin over York", standfirst="Leeds is next.")
    ArticleFactory(headline="Leeds over zeppelin")
    assert headlines(search(reader, "zeppelin -york")) == [
        "Leeds over zeppelin",
        "Zeppelin over Leeds",
    ]
    assert headlines(search(reader, '"zeppelin over leeds"')) == ["Zeppelin over Leeds"]


def test_a_headline_match_ranks_above_a_body_match(reader):
    # The headline match is the older one, so newest-first alone would put it second.
    now = timezone.now()
    ArticleFactory(headline="Zeppelin spotted", published_at=now - timedelta(days=2))
    ArticleFactory(
        headline="Weather report",
        standfirst="Clouds and rain.",
        body="<p>Also a zeppelin.</p>",
        published_at=now - timedelta(hours=1),
    )
    # PostgreSQL ranks by weight (headline A, body C); the fallback puts headline matches first.
    assert headlines(search(reader, "zeppelin")) == ["Zeppelin spotted", "Weather report"]


def test_an_excluded_word_does_not_spoil_the_ranking(reader):
    now = timezone.now()
    ArticleFactory(headline="Zeppelin spotted", published_at=now - timedelta(days=2))
    ArticleFactory(headline="Weather", body="<p>A zeppelin.</p>", published_at=now)
    ArticleFactory(headline="Zeppelin over York", published_at=now)
    assert headlines(search(reader, "zeppelin -york")) == ["Zeppelin spotted", "Weather"]


def test_equal_matches_are_listed_newest_first(reader):
    now = timezone.now()
    for hours in (3, 1, 2):
        ArticleFactory(headline=f"Zeppelin {hours}", published_at=now - timedelta(hours=hours))
    assert headlines(search(reader, "zeppelin")) == ["Zeppelin 1", "Zeppelin 2", "Zeppelin 3"]


def test_matched_words_are_highlighted_in_the_snippet(reader):
    ArticleFactory(headline="Airship", standfirst="A zeppelin landed in Leeds this morning.")
    card = search(reader, "zeppelin").select_one(".card")
    assert [text_of(mark) for mark in card.select(".card__standfirst mark")] == ["zeppelin"]
    assert "zeppelin landed in Leeds this morning" in text_of(card.select_one(".card__standfirst"))


@pytest.fixture
def hostile_snippet(reader):
    """The search result's snippet of an article whose text looks like markup."""
    ArticleFactory(
        headline="Airship",
        standfirst='Zeppelin <script>alert(1)</script> & <b onclick="x()">bold</b> claims.',
        body="<p>The zeppelin &amp; its crew &lt;script&gt; landed.</p>",
    )
    return search(reader, "zeppelin").select_one(".card__standfirst")


def test_hostile_article_text_is_escaped_in_the_snippet(hostile_snippet):
    assert {element.name for element in hostile_snippet.find_all(True)} == {"mark"}


@pytest.mark.postgres
def test_on_postgresql_the_snippet_leaves_tag_like_text_out(hostile_snippet):
    # ts_headline leaves tag-like text out of snippets; the body's entities are decoded once,
    # not shown as "&amp;".
    text = text_of(hostile_snippet)
    assert "Zeppelin alert(1) & bold claims." in text
    assert "The zeppelin & its crew <script> landed" in text


@FALLBACK_ONLY
def test_the_fallback_snippet_shows_tag_like_text_as_text(hostile_snippet):
    assert '<script>alert(1)</script> & <b onclick="x()">bold</b>' in text_of(hostile_snippet)


def test_snippets_allow_no_markup_but_the_highlight():
    assert render_marked(f"<i>{START}a&b{STOP}</i>") == "&lt;i&gt;<mark>a&amp;b</mark>&lt;/i&gt;"
    # Markers that do not pair up are dropped rather than leaving an open <mark>.
    assert render_marked(f"{STOP}x{START}y{START}z{STOP}") == "xy<mark>z</mark>"
    assert render_marked("Tom &amp; Jerry &lt;3", html_entities=True) == "Tom &amp; Jerry &lt;3"


def test_drafts_and_future_articles_never_appear(reader):
    ArticleFactory(headline="Zeppelin public")
    ArticleFactory(headline="Zeppelin draft", status=Article.Status.DRAFT)
    ArticleFactory(headline="Zeppelin future", published_at=timezone.now() + timedelta(hours=1))
    page = search(reader, "zeppelin")
    assert headlines(page) == ["Zeppelin public"]
    assert text_of(page.select_one(".search-summary")) == "1 result for “zeppelin”"


def test_the_page_shows_the_query_in_the_box_the_summary_and_the_title(reader):
    ArticleFactory(headline="Zeppelin one")
    ArticleFactory(headline="Zeppelin two")
    page = search(reader, "  zeppelin  ")
    assert page.select_one(".search-form input[type=search][name=q]")["value"] == "zeppelin"
    assert text_of(page.select_one(".search-summary")) == "2 results for “zeppelin”"
    assert text_of(page.title).startswith("Search results for “zeppelin” |")


def test_the_search_form_is_labelled(reader):
    form = search(reader, "").select_one("main form[role=search]")
    field = form.select_one("input[type=search][name=q]")
    assert form["action"] == "/search/" and form["method"] == "get"
    assert text_of(form.select_one(f"label[for={field['id']}]")) == "Search articles"
    assert text_of(form.select_one("button[type=submit]")) == "Search"


def test_no_match_says_so(reader):
    ArticleFactory(headline="Zeppelin")
    page = search(reader, "submarine")
    assert text_of(page.select_one(".search-summary")) == "0 results for “submarine”"
    assert headlines(page) == []
    assert page.select_one(".empty") is not None


def test_an_empty_query_shows_the_form_without_searching(reader):
    ArticleFactory(headline="Zeppelin")
    for url in ("/search/", "/search/?q=", "/search/?q=%20%20%00"):
        response = reader.get(url)
        assert response.status_code == 200
        page = parse(response)
        assert page.select_one("input[name=q]")["value"] == ""
        assert page.select_one(".search-summary") is None and headlines(page) == []
        assert text_of(page.title).startswith("Search |")
        assert queries_for(reader, url) == 0


HOSTILE_QUERIES = [
    "zeppelin\x00",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '"unbalanced',
    "-",
    "&&&",
    "!!(:*&|<->",
    "'; DROP TABLE articles_article; --",
    "%_\\",
    "zeppelin " * 125,  # 1,125 characters
    "x" * 1000,
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_long_and_hostile_queries_get_an_ordinary_page(reader, query):
    ArticleFactory(headline="Zeppelin", standfirst="Unbalanced & alert.")
    page = search(reader, query)
    shown = page.select_one("input[name=q]")["value"]
    assert shown == clean_query(query)
    assert "\x00" not in shown and len(shown) <= MAX_QUERY_LENGTH
    assert text_of(page.select_one(".search-summary")).endswith(f"for “{shown.strip()}”")
    assert not [s for s in page.select("script") if "alert" in s.get_text()]
    assert Article.objects.count() == 1


def test_a_query_that_is_not_utf8_gets_an_ordinary_page(reader):
    ArticleFactory(headline="Zeppelin")
    response = reader.get("/search/?q=%ff%fe%00zeppelin&page=1")
    assert response.status_code == 200
    assert headlines(parse(response)) == ["Zeppelin"]


def test_a_nul_byte_separates_words_like_a_space(reader):
    ArticleFactory(headline="Zeppelin over Leeds")
    page = search(reader, "zeppelin\x00leeds\x00")
    assert page.select_one("input[name=q]")["value"] == "zeppelin leeds"
    assert headlines(page) == ["Zeppelin over Leeds"]


def test_results_come_twenty_to_a_page_keeping_the_query(reader):
    section = SectionFactory()
    now = timezone.now()
    for n in range(25):
        ArticleFactory(
            headline=f"Zeppelin {n:02}", section=section, published_at=now - timedelta(minutes=n)
        )
    ArticleFactory(headline="Submarine", section=section)
    first = search(reader, "zeppelin")
    assert headlines(first) == [f"Zeppelin {n:02}" for n in range(20)]
    assert text_of(first.select_one(".search-summary")) == "25 results for “zeppelin”"
    assert first.select_one("a[rel=next]")["href"] == "/search/?q=zeppelin&page=2"
    assert first.select_one("link[rel=next]")["href"] == "/search/?q=zeppelin&page=2"
    assert first.select_one("link[rel=canonical]")["href"] == "http://testserver/search/?q=zeppelin"
    second = search(reader, "zeppelin", page=2)
    assert headlines(second) == [f"Zeppelin {n:02}" for n in range(20, 25)]
    assert second.select_one("a[rel=prev]")["href"] == "/search/?q=zeppelin"
    assert (
        second.select_one("link[rel=canonical]")["href"]
        == "http://testserver/search/?q=zeppelin&page=2"
    )
    assert text_of(second.title).startswith("Search results for “zeppelin” (page 2) |")
    assert reader.get("/search/", {"q": "zeppelin", "page": 3}).status_code == 404


def test_search_pages_are_not_indexed(reader):
    for query in ("", "zeppelin"):
        robots = search(reader, query).select('meta[name="robots"]')
        assert [meta["content"] for meta in robots] == ["noindex"]


def test_a_repeat_search_costs_one_query_whatever_the_number_of_results(reader):
    section = SectionFactory()
    ArticleFactory(headline="Zeppelin alone", section=section)
    few = queries_for(reader, "/search/?q=zeppelin")
    for n in range(30):
        ArticleFactory(headline=f"Zeppelin {n}", section=section)
    many = queries_for(reader, "/search/?q=zeppelin")
    assert few == many == 1  # the page; the count is cached from the first request


# The stored search vector -------------------------------------------------------------------
# Each fixture below changes an article in one way; the first test of each says it is found at
# once on every database, a test marked `postgres` what PostgreSQL stored for it.


@pytest.fixture
def edited():
    article = ArticleFactory(headline="Zeppelin over Leeds")
    article.headline = "Submarine under Hull"
    article.save()
    return article


def test_an_edit_is_searchable_at_once(reader, edited):
    assert headlines(search(reader, "zeppelin")) == []
    assert headlines(search(reader, "submarine")) == ["Submarine under Hull"]


@pytest.mark.postgres
def test_on_postgresql_an_edit_rewrites_the_stored_vector(edited):
    # The trigger rewrote the stored vector: headline words carry weight A.
    vector = stored_vector(edited)
    assert "'submarin':1A" in vector and "'hull':3A" in vector
    assert "zeppelin" not in vector


@pytest.fixture
def bulk_updated():
    article = ArticleFactory(headline="Airship", body="<p>A zeppelin.</p>")
    Article.objects.filter(pk=article.pk).update(
        body="<p>A <em>submarine</em> instead.</p>", standfirst="Hull news."
    )
    return article


def test_a_bulk_update_is_searchable_at_once(reader, bulk_updated):
    assert headlines(search(reader, "zeppelin")) == []
    assert headlines(search(reader, "submarine")) == ["Airship"]
    assert headlines(search(reader, "hull")) == ["Airship"]


@pytest.mark.postgres
def test_on_postgresql_a_bulk_update_rewrites_the_stored_vector(bulk_updated):
    vector = stored_vector(bulk_updated)
    assert "'submarin':" in vector and "'hull':" in vector
    # Tags are stripped before indexing: "em" is not a word of the article.
    assert "'em'" not in vector


@pytest.fixture
def stray_write():
    article = ArticleFactory(headline="Zeppelin")
    Article.objects.filter(pk=article.pk).update(search_vector=None)
    return article


def test_a_stray_write_to_the_vector_is_recomputed(reader, stray_write):
    assert headlines(search(reader, "zeppelin")) == ["Zeppelin"]


@pytest.mark.postgres
def test_on_postgresql_a_stray_write_to_the_stored_vector_is_undone(reader, stray_write):
    assert headlines(search(reader, "zeppelin")) == ["Zeppelin"]
    assert "'zeppelin':1A" in stored_vector(stray_write)


@pytest.fixture
def marked_up():
    return ArticleFactory(
        headline="Airship",
        standfirst="",
        body='<p>Seen<br>over <a href="https://example.com/hidden">Leeds</a></p>'
        '<figure><img src="/media/x.jpg" alt="Harbour boats"><figcaption>Dawn</figcaption></figure>',
    )


def test_markup_adds_no_words_and_tags_separate_them(reader, marked_up):
    assert headlines(search(reader, "leeds")) == ["Airship"]


@pytest.mark.postgres
def test_on_postgresql_tags_and_their_attributes_are_not_words(marked_up):
    # PostgreSQL's parser reads the HTML: tags and their attributes are not words.
    lexemes = {part.split(":")[0].strip("'") for part in stored_vector(marked_up).split()}
    assert lexemes == {"airship", "seen", "leed", "dawn"}


@FALLBACK_ONLY
@pytest.mark.parametrize("change", ["edited", "bulk_updated", "stray_write", "marked_up"])
def test_the_fallback_reads_the_text_itself_and_leaves_the_stored_vector_empty(request, change):
    assert stored_vector(request.getfixturevalue(change)) is None


def test_every_result_shows_its_matching_text_on_every_page(reader):
    """Each card's snippet holds the matched word, wherever in the article it was found, on
    the first page and the pages after it."""
    now = timezone.now()
    for number in range(25):
        ArticleFactory(
            headline=f"Story {number}",
            standfirst="A quiet week in the town.",
            body=f"<p>Nothing new.</p><p>Then a zeppelin landed, number {number}.</p>",
            published_at=now - timedelta(hours=number),
        )
    for page_number in (1, 2):
        cards = search(reader, "zeppelin", page=page_number).select(".card")
        assert cards
        for card in cards:
            marks = [text_of(mark).lower() for mark in card.select(".card__standfirst mark")]
            assert marks == ["zeppelin"], text_of(card)


# Relevance within a bounded candidate set ---------------------------------------------------


def test_an_exact_headline_comes_first_however_old(reader):
    now = timezone.now()
    ArticleFactory(headline="Harbour lights", published_at=now - timedelta(days=400))
    ArticleFactory(headline="Harbour lights festival returns", published_at=now - timedelta(days=1))
    ArticleFactory(
        headline="Weather",
        standfirst="Harbour lights dim in the storm.",
        published_at=now - timedelta(hours=1),
    )
    found = headlines(search(reader, "harbour LIGHTS"))
    assert found[0] == "Harbour lights"
    assert set(found) == {"Harbour lights", "Harbour lights festival returns", "Weather"}


def test_only_the_newest_matches_are_ranked_but_an_exact_headline_is_always_found(
    reader, monkeypatch
):
    monkeypatch.setattr(articles_search, "CANDIDATES", 3)
    now = timezone.now()
    ArticleFactory(headline="Zeppelin", published_at=now - timedelta(days=30))
    # The oldest headline match is beyond the three newest matches: not ranked.
    ArticleFactory(headline="Zeppelin zeppelin over Leeds", published_at=now - timedelta(days=20))
    for hours in (3, 1, 2):
        ArticleFactory(
            headline=f"Story {hours}",
            body="<p>A zeppelin.</p>",
            published_at=now - timedelta(hours=hours),
        )
    page = search(reader, "zeppelin")
    assert headlines(page) == ["Zeppelin", "Story 1", "Story 2", "Story 3"]
    assert text_of(page.select_one(".search-summary")).startswith("4 results")


def test_a_search_page_beyond_the_candidates_is_not_found(reader, monkeypatch):
    monkeypatch.setattr(articles_search, "CANDIDATES", 40)
    section = SectionFactory()
    for n in range(45):
        ArticleFactory(headline=f"Zeppelin {n}", section=section)
    first = search(reader, "zeppelin")
    assert text_of(first.select_one(".search-summary")) == "40+ results for “zeppelin”"
    assert reader.get("/search/", {"q": "zeppelin", "page": 2}).status_code == 200
    for page in (3, 999999999999, -1, "abc"):
        assert reader.get("/search/", {"q": "zeppelin", "page": page}).status_code == 404
