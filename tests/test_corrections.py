"""Updates and corrections: saving a public article says what kind of change it is.

A minor fix changes nothing readers see; an update shows "Updated <time>" and moves
dateModified; a correction also puts a note on the article, on the corrections page and in its
feed. Only corrections to articles readers can see are listed.
"""

import json
from datetime import timedelta

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from newsroom.templatetags.newsroom import dateline
from tests.admin_forms import form_fields
from tests.conftest import parse, text_of
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, add_authors
from tests.test_roles import change_url, errors_of

pytestmark = pytest.mark.django_db

CORRECTIONS_URL = "/corrections/"
FEED_URL = "/corrections/rss/"


@pytest.fixture
def story():
    article = ArticleFactory(headline="Harbour Reopens", slug="harbour-reopens")
    add_authors(article, AuthorFactory())
    return article


def save(editor, article, **changes):
    data = form_fields(editor.get(change_url(article)), "article_form")
    data.update(changes)
    return editor.post(change_url(article), data)


def correct(article, note, *, ago=timedelta(0)):
    """A correction as `record_change` writes it, `ago` in the past."""
    correction = Correction.objects.create(article=article, note=note)
    Correction.objects.filter(pk=correction.pk).update(created=timezone.now() - ago)
    return correction


def news_article_data(page):
    data = json.loads(page.select_one("script[type='application/ld+json']").string)
    return next(item for item in data["@graph"] if item["@type"] == "NewsArticle")


# Saving a public article --------------------------------------------------------------------


def test_a_public_article_asks_what_kind_of_change_a_save_is(editor, story):
    page = parse(editor.get(change_url(story)))
    kinds = [radio["value"] for radio in page.select("input[name=change_kind]")]
    assert kinds == ["minor", "update", "correction"]
    assert page.select_one("textarea[name=correction_note]") is not None


def test_drafts_and_scheduled_articles_are_not_asked(editor):
    for article in (
        ArticleFactory(status=Article.Status.DRAFT, published_at=None),
        ArticleFactory(published_at=timezone.now() + timedelta(days=1)),
    ):
        assert parse(editor.get(change_url(article))).select_one("[name=change_kind]") is None


def test_a_save_without_a_kind_is_refused_and_nothing_changes(editor, story):
    response = save(editor, story, headline="Harbour Reopens Today")
    assert response.status_code == 200
    assert "Say what kind of change this is." in errors_of(response)
    assert Article.objects.get(pk=story.pk).headline == "Harbour Reopens"


def test_taking_an_article_down_needs_no_kind(editor, story):
    assert save(editor, story, status="unpublished").status_code == 302
    assert Article.objects.get(pk=story.pk).status == Article.Status.UNPUBLISHED


def test_a_minor_fix_changes_nothing_readers_see(editor, story, reader):
    response = save(editor, story, headline="Harbour Re-opens", change_kind="minor")
    assert response.status_code == 302, errors_of(response)
    story.refresh_from_db()
    assert story.headline == "Harbour Re-opens"
    assert story.updated_at is None
    assert not story.corrections.exists()
    page = parse(reader.get(story.get_absolute_url()))
    assert page.select_one(".article__updated") is None
    assert page.select_one(".corrections") is None


def test_an_update_shows_the_time_and_moves_date_modified(editor, story, reader):
    before = timezone.now()
    assert save(editor, story, change_kind="update").status_code == 302
    story.refresh_from_db()
    assert before <= story.updated_at <= timezone.now()
    assert not story.corrections.exists()
    page = parse(reader.get(story.get_absolute_url()))
    assert text_of(page.select_one(".article__updated")) == f"Updated {dateline(story.updated_at)}"
    modified = timezone.localtime(story.updated_at).isoformat()
    assert news_article_data(page)["dateModified"] == modified


def test_a_correction_needs_a_note(editor, story):
    response = save(editor, story, change_kind="correction", correction_note="  ")
    assert "Write the correction note readers will see." in errors_of(response)
    assert not Correction.objects.exists()


def test_a_correction_is_shown_on_the_article(editor, story, reader):
    note = "An earlier version of this story gave the wrong date for the reopening."
    response = save(editor, story, change_kind="correction", correction_note=note)
    assert response.status_code == 302, errors_of(response)
    correction = Correction.objects.get()
    story.refresh_from_db()
    assert (correction.article, correction.note, correction.created_by) == (
        story,
        note,
        editor.user,
    )
    assert story.updated_at == correction.created
    page = parse(reader.get(story.get_absolute_url()))
    box = page.select_one("section.corrections")
    heading = box.select_one("#" + box["aria-labelledby"])
    assert text_of(heading) == "Correction"
    assert text_of(box.select_one(f"#correction-{correction.pk} .correction__note")) == note
    assert box.select_one("time")["datetime"] == timezone.localtime(correction.created).isoformat()
    assert text_of(page.select_one(".article__updated")) == f"Updated {dateline(story.updated_at)}"


def test_a_second_correction_shows_beside_the_first_despite_the_page_cache(editor, story, reader):
    save(editor, story, change_kind="correction", correction_note="First note.")
    reader.get(story.get_absolute_url())  # cached now
    save(editor, story, change_kind="correction", correction_note="Second note.")
    box = parse(reader.get(story.get_absolute_url())).select_one("section.corrections")
    assert text_of(box.select_one("h2")) == "Corrections"
    assert [text_of(note) for note in box.select(".correction__note")] == [
        "Second note.",
        "First note.",
    ]


def test_corrections_cost_one_query_however_many(reader, settings):
    settings.NEWSROOM_FRAGMENT_SECONDS = 0
    settings.NEWSROOM_RAIL_SIZE = 3
    section = SectionFactory()
    counts = []
    for notes in (0, 4):
        article = ArticleFactory(section=section)
        for n in range(notes):
            correct(article, f"Note {n}.")
        reader.get(article.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            reader.get(article.get_absolute_url())
        counts.append(len(queries))
    assert counts[0] == counts[1]


# The corrections page ----------------------------------------------------------------------


def test_the_corrections_page_lists_public_corrections_newest_first(reader, story):
    hidden = ArticleFactory(headline="Pulled Story", status=Article.Status.UNPUBLISHED)
    scheduled = ArticleFactory(
        headline="Tomorrow's Story", published_at=timezone.now() + timedelta(days=1)
    )
    older = correct(story, "The harbour master is Ann, not Anne.", ago=timedelta(days=2))
    newer = correct(story, "The harbour opened at noon.", ago=timedelta(hours=1))
    correct(hidden, "Should not be listed.")
    correct(scheduled, "Should not be listed either.")
    response = reader.get(CORRECTIONS_URL)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    page = parse(response)
    assert text_of(page.select_one("h1")) == "Corrections"
    items = page.select(".correction-list > li")
    assert [item["id"] for item in items] == [f"correction-{newer.pk}", f"correction-{older.pk}"]
    first = items[0]
    assert first.select_one("a")["href"] == f"{story.get_absolute_url()}#correction-{newer.pk}"
    assert text_of(first.select_one("a")) == "Harbour Reopens"
    assert text_of(first.select_one(".correction__note")) == "The harbour opened at noon."
    assert page.select_one(
        "link[rel=alternate][type='application/rss+xml'][href='/corrections/rss/']"
    )


def test_the_corrections_page_is_paginated_without_counting(reader, story):
    for n in range(25):
        correct(story, f"Note {n}.", ago=timedelta(minutes=n))
    reader.get(CORRECTIONS_URL)
    with CaptureQueriesContext(connection) as queries:
        first = parse(reader.get(CORRECTIONS_URL))
    assert len(queries) == 1
    assert not any("COUNT(" in query["sql"].upper() for query in queries)
    assert len(first.select(".correction-list > li")) == 20
    assert first.select_one(".pagination a[rel=next]")["href"] == "/corrections/?page=2"
    second = parse(reader.get("/corrections/?page=2"))
    assert [text_of(n) for n in second.select(".correction__note")] == [
        f"Note {n}." for n in range(20, 25)
    ]
    assert reader.get("/corrections/?page=3").status_code == 404


def test_the_corrections_page_says_when_there_are_none(reader):
    assert text_of(parse(reader.get(CORRECTIONS_URL)).select_one(".empty")) == "No corrections yet."


def test_the_article_box_links_to_the_corrections_page(reader, story):
    correct(story, "A note.")
    box = parse(reader.get(story.get_absolute_url())).select_one("section.corrections")
    assert box.select_one(".corrections__more a")["href"] == reverse("articles:corrections")


# The feed ------------------------------------------------------------------------------------


def test_the_corrections_feed_lists_public_corrections(reader, story):
    hidden = ArticleFactory(headline="Pulled Story", status=Article.Status.UNPUBLISHED)
    correct(hidden, "Should not be listed.")
    older = correct(story, "First note.", ago=timedelta(days=1))
    newer = correct(story, "Second note.")
    response = reader.get(FEED_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    assert "public" in response["Cache-Control"]
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.link.endswith("/corrections/")
    assert [entry.summary for entry in feed.entries] == ["Second note.", "First note."]
    entry = feed.entries[0]
    assert entry.title == "Correction: Harbour Reopens"
    assert entry.link.endswith(f"{story.get_absolute_url()}#correction-{newer.pk}")
    assert entry.id.startswith("tag:") and entry.id.endswith(f":correction/{newer.pk}")
    assert feed.entries[1].id.endswith(f":correction/{older.pk}")


def test_the_corrections_feed_is_empty_but_valid_with_none(reader):
    feed = feedparser.parse(reader.get(FEED_URL).content)
    assert not feed.bozo and feed.entries == []
