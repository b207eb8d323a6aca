"""One save in the article admin writes the article's row once and sanitises its body once,
whatever the save means: a plain edit, publishing, a correction to a public article, a new
featured picture. Related rows (byline, topics, links, revisions, corrections) take their own
statements; the article's row takes one UPDATE."""

import nh3
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import body
from articles.models import Article, Correction
from jobs import outbox
from tests.admin_forms import form_fields
from tests.conftest import parse
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, add_authors, image_file
from tests.test_revisions import change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def sanitising(monkeypatch):
    """How many times the sanitiser (nh3, which `articles.body.sanitise_body` runs) cleans HTML:
    the real one, counted."""
    calls = []
    real_clean = nh3.clean

    def counted(html, **options):
        calls.append(html)
        return real_clean(html, **options)

    monkeypatch.setattr(nh3, "clean", counted)
    return calls


def article_updates(queries):
    return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "articles_article"')]


def save(client, article, sanitising, **changes):
    """Open the change form as the page presents it, change `changes`, post it; returns the
    response, the UPDATEs of the article's row and the sanitiser's runs during the POST."""
    data = form_fields(client.get(change_url(article)), "article_form")
    data.update(changes)
    sanitising.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(change_url(article), data)
    assert response.status_code == 302, parse(response).select(".errorlist")
    return response, article_updates(queries.captured_queries), list(sanitising)


def draft():
    article = ArticleFactory(
        headline="Harbour Wall Repaired",
        body="<p>The wall was repaired on Monday.</p>",
        section=SectionFactory(name="News"),
        status=Article.Status.DRAFT,
        published_at=None,
    )
    add_authors(article, AuthorFactory(name="Jo March"))
    return article


def test_a_plain_save_writes_the_row_once_and_sanitises_once(editor, sanitising):
    article = draft()
    _, updates, sanitised = save(
        editor, article, sanitising, headline="Harbour Wall Rebuilt",
        body="<p>The wall was rebuilt.<script>alert(1)</script></p>",
    )
    assert len(updates) == 1
    assert len(sanitised) == 1
    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == "Harbour Wall Rebuilt"
    assert stored.body == "<p>The wall was rebuilt.</p>"
    assert stored.version == 2


def test_publishing_writes_the_row_once_and_sanitises_once(editor, sanitising):
    article = draft()
    _, updates, sanitised = save(
        editor, article, sanitising, status="published", published_at_0="", published_at_1=""
    )
    assert len(updates) == 1
    assert len(sanitised) == 1
    stored = Article.objects.get(pk=article.pk)
    assert stored.is_public
    assert stored.version == 2


def test_a_correction_writes_the_row_once_and_sanitises_once(editor, sanitising):
    article = draft()
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now()
    )
    _, updates, sanitised = save(
        editor,
        article,
        sanitising,
        body="<p>The wall was repaired on Tuesday.</p>",
        change_kind="correction",
        correction_note="We said Monday; it was Tuesday.",
    )
    assert len(updates) == 1
    assert len(sanitised) == 1
    stored = Article.objects.get(pk=article.pk)
    correction = Correction.objects.get(article=article)
    assert correction.note == "We said Monday; it was Tuesday."
    assert stored.updated_at == correction.created
    assert stored.body == "<p>The wall was repaired on Tuesday.</p>"


def test_a_new_featured_picture_is_part_of_the_one_write(editor, sanitising):
    article = draft()
    _, updates, sanitised = save(
        editor,
        article,
        sanitising,
        featured_image=image_file("wall.jpg", size=(1000, 600)),
        featured_image_alt="The rebuilt wall",
        featured_image_credit="Ann Roe",
    )
    assert len(updates) == 1
    assert len(sanitised) == 1
    stored = Article.objects.get(pk=article.pk)
    assert stored.featured_image_renditions == []  # made after the commit, by a task
    assert stored.featured_library_image.file.name == stored.featured_image.name
    assert (stored.featured_image_width, stored.featured_image_height) == (1000, 600)
    outbox.flush()  # what a worker does after the commit
    assert Article.objects.get(pk=article.pk).featured_image_renditions == [480, 800]


def test_sanitising_again_what_the_sanitiser_returned_changes_nothing(sanitising):
    once = body.sanitise_body('<p onclick="x()">Hi<script>1</script></p>')
    assert body.sanitise_body(once) == once == "<p>Hi</p>"
    assert len(sanitising) == 1
    assert body.sanitise_body(str(once)) == once  # a plain string is sanitised again
    assert len(sanitising) == 2


def test_a_form_claiming_more_byline_rows_than_allowed_is_refused_with_a_message(editor):
    """A tampered row count gets the form back with a message, fast: no 500, nothing saved."""
    article = draft()
    data = form_fields(editor.get(change_url(article)), "article_form")
    data.update(headline="Tampered", **{"article_authors-TOTAL_FORMS": "99999999"})

    response = editor.post(change_url(article), data)

    assert response.status_code == 200
    errors = " ".join(e.get_text(" ", strip=True) for e in parse(response).select(".errorlist"))
    assert "at most 100" in errors
    assert Article.objects.get(pk=article.pk).headline == "Harbour Wall Repaired"
