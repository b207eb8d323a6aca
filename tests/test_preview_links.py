"""Share links to previews: an editor makes one on purpose from the change form, sees who made
each live link, when, when it expires and when it was last opened, and revokes one or all;
links expire after PREVIEW_LINK_DAYS; taking a published article down (unpublishing, back to
draft, a status change in the form, deletion) stops every link."""

import io
import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core import signing
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import revisions, workflow
from articles.models import Article, PreviewLink
from articles.preview_links import create_preview_link
from tests.admin_forms import form_fields
from tests.conftest import parse, text_of
from tests.factories import ArticleFactory, AuthorFactory, add_authors
from tests.test_import_wordpress import import_wordpress, post, write, wxr
from tests.test_preview import assert_invalid_link_page
from tests.test_roles import CHANGELIST_URL, change_url
from tests.test_workflow import messages_of, run_action

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture
def draft():
    article = ArticleFactory(
        headline="Harbour Wall Plans Revealed", status=Status.DRAFT, published_at=None
    )
    add_authors(article, AuthorFactory(name="Ada Quill"))
    return article


@pytest.fixture
def live():
    article = ArticleFactory(headline="Ferry Timetable Changes")
    add_authors(article, AuthorFactory(name="Jo March"))
    return article


def panel(client, article):
    """The share links panel of the article's change form, as the client sees it."""
    response = client.get(change_url(article))
    assert response.status_code == 200
    return parse(response).select_one("section#share-links")


def submit(client, form, **changes):
    """POST a form of the panel as a browser would: its hidden inputs to its action."""
    data = {field["name"]: field.get("value", "") for field in form.select("input[name]")}
    data.update(changes)
    return client.post(form["action"], data, follow=True)


def make_link(client, article):
    """Press "Create a share link" on the change form; returns the new link's address."""
    before = {
        row.select_one("input")["value"] for row in panel(client, article).select("tr.share-link")
    }
    response = submit(client, panel(client, article).select_one("form.share-link-create"))
    assert response.status_code == 200
    rows = parse(response).select("section#share-links tr.share-link")
    (new,) = {row.select_one("input")["value"] for row in rows} - before
    return new


def row_of(client, article, url):
    for row in panel(client, article).select("tr.share-link"):
        if row.select_one("input")["value"] == url:
            return row
    return None


def opens(reader, url):
    response = reader.get(url)
    if response.status_code == 200:
        return True
    assert_invalid_link_page(response)
    return False


# Making links --------------------------------------------------------------------------------


def test_the_change_form_makes_no_link_until_an_editor_asks_for_one(editor, draft):
    for _ in range(2):
        section = panel(editor, draft)
        assert section.select("tr.share-link") == []
        assert "No share link to this article works now." in text_of(section)
        assert section.select_one("form.share-link-create button").get_text() == (
            "Create a share link"
        )
    assert not PreviewLink.objects.exists()


def test_an_editor_makes_a_share_link_and_sees_who_made_it_and_when_it_expires(
    editor, reader, draft, settings
):
    settings.PREVIEW_LINK_DAYS = 3
    url = make_link(editor, draft)

    assert url.startswith("http://testserver/preview/")
    link = PreviewLink.objects.get()
    assert link.article == draft and link.created_by == editor.user
    assert link.expires_at - link.created == timedelta(days=3)
    row = row_of(editor, draft, url)
    assert text_of(row.select_one(".share-link-by")) == "eddie"
    assert text_of(row.select_one(".share-link-expires")) == link.expires_at.astimezone(
        timezone.get_current_timezone()
    ).strftime("%-d %b %Y, %H:%M")
    assert text_of(row.select_one(".share-link-opened")) == "Never"
    assert "for 3 days" in text_of(panel(editor, draft).select_one(".help"))

    page = parse(reader.get(url))
    assert text_of(page.select_one("h1.article__headline")) == "Harbour Wall Plans Revealed"


def test_the_expiry_follows_the_setting(editor, draft, settings):
    settings.PREVIEW_LINK_DAYS = 10
    make_link(editor, draft)
    link = PreviewLink.objects.get()
    assert link.expires_at - link.created == timedelta(days=10)


def test_opening_a_link_records_when_it_was_last_opened(editor, reader, draft):
    url = make_link(editor, draft)
    before = timezone.now()
    assert opens(reader, url)
    opened = PreviewLink.objects.get().last_opened_at
    assert opened >= before
    assert text_of(row_of(editor, draft, url).select_one(".share-link-opened")) != "Never"


def test_a_get_makes_no_link(editor, draft):
    create = panel(editor, draft).select_one("form.share-link-create")["action"]
    assert editor.get(create).status_code == 405
    assert not PreviewLink.objects.exists()


def test_each_link_is_its_own_and_unguessable(editor, draft):
    first, second = make_link(editor, draft), make_link(editor, draft)
    assert first != second
    assert len(panel(editor, draft).select("tr.share-link")) == 2
    token = first.removeprefix("http://testserver/preview/").removesuffix("/")
    assert str(draft.pk) not in token.split("-") and len(token) >= 40


# Expiry and bad links ------------------------------------------------------------------------


def test_a_link_works_until_it_expires_and_then_says_so(editor, reader, draft):
    url = make_link(editor, draft)
    PreviewLink.objects.update(expires_at=timezone.now() + timedelta(minutes=1))
    assert opens(reader, url)

    PreviewLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert not opens(reader, url)
    assert row_of(editor, draft, url) is None, "an expired link is still listed as live"


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "A" * 43,  # the right shape, but no such link
        "%00" * 43,  # a NUL byte, which PostgreSQL refuses to compare
        "x" * 5000,
        "W1s5OTksMF0:1tQ:abc",
    ],
)
def test_an_unknown_or_tampered_link_says_it_no_longer_works(reader, draft, token):
    assert_invalid_link_page(reader.get(f"/preview/{token}/"))


def test_a_link_with_one_character_changed_is_refused(editor, reader, draft):
    url = make_link(editor, draft)
    tampered = url[:-2] + ("A" if url[-2] != "A" else "B") + "/"
    assert_invalid_link_page(reader.get(tampered))


def test_links_made_before_links_were_rows_no_longer_work(reader, draft):
    """The signed links of earlier versions named the article and its creation time."""
    old = signing.dumps([draft.pk, int(draft.created.timestamp())], salt="newsroom.preview")
    assert_invalid_link_page(reader.get(reverse("articles:preview", args=[old])))


# Revoking ------------------------------------------------------------------------------------


def test_revoking_one_link_stops_it_and_leaves_the_others(editor, reader, draft):
    first, second = make_link(editor, draft), make_link(editor, draft)

    response = submit(editor, row_of(editor, draft, first).select_one("form.share-link-revoke"))

    assert "The share link was revoked." in messages_of(response)
    assert not opens(reader, first)
    assert opens(reader, second)
    assert row_of(editor, draft, first) is None
    assert row_of(editor, draft, second) is not None
    revoked = PreviewLink.objects.get(revoked_at__isnull=False)
    assert revoked.revoked_by == editor.user


def test_revoke_all_stops_every_link_of_the_article_only(editor, reader, draft, live):
    mine = [make_link(editor, draft), make_link(editor, draft)]
    other = make_link(editor, live)

    response = submit(editor, panel(editor, draft).select_one("form.share-link-revoke-all"))

    assert "2 share links were revoked." in messages_of(response)
    assert not any(opens(reader, url) for url in mine)
    assert opens(reader, other)
    assert panel(editor, draft).select("tr.share-link") == []
    assert panel(editor, draft).select_one("form.share-link-revoke-all") is None


def test_revoking_a_link_twice_or_another_articles_link_changes_nothing(
    editor, reader, draft, live
):
    url = make_link(editor, draft)
    other = make_link(editor, live)
    form = row_of(editor, draft, url).select_one("form.share-link-revoke")
    submit(editor, form)

    again = submit(editor, form)
    assert "That share link had already stopped working." in messages_of(again)
    other_id = PreviewLink.objects.get(article=live).pk
    wrong = submit(editor, form, link=str(other_id))
    assert "That share link had already stopped working." in messages_of(wrong)
    assert opens(reader, other)


@pytest.mark.parametrize("value", ["", "abc", "-1", "1.5", "٣"])
def test_a_nonsense_revoke_gets_a_message_not_an_error(editor, reader, draft, value):
    url = make_link(editor, draft)
    form = row_of(editor, draft, url).select_one("form.share-link-revoke")
    response = submit(editor, form, link=value)
    assert response.status_code == 200
    assert "Choose a share link to revoke." in messages_of(response)
    assert opens(reader, url)


def test_the_buttons_post_with_the_csrf_token_and_refuse_a_post_without_it(draft, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor.user)
    create = panel(client, draft).select_one("form.share-link-create")

    assert client.post(create["action"]).status_code == 403
    assert not PreviewLink.objects.exists()
    assert submit(client, create).status_code == 200
    assert PreviewLink.objects.count() == 1


def test_staff_who_cannot_change_the_article_neither_see_nor_manage_its_links(
    editor, onlooker, reader, draft
):
    url = make_link(editor, draft)
    create = panel(editor, draft).select_one("form.share-link-create")
    revoke_all = panel(editor, draft).select_one("form.share-link-revoke-all")

    page = parse(onlooker.get(change_url(draft)))
    assert page.select_one("section#share-links") is None
    assert url not in page.decode()
    assert submit(onlooker, create).status_code == 403
    assert submit(onlooker, revoke_all).status_code == 403
    assert PreviewLink.objects.count() == 1
    assert opens(reader, url)


def test_a_contributor_manages_the_links_of_their_own_draft_only(
    contributor, editor, reader, django_user_model
):
    mine = ArticleFactory(created_by=contributor.user, status=Status.DRAFT, published_at=None)
    theirs = ArticleFactory(created_by=editor.user, status=Status.DRAFT, published_at=None)
    url = make_link(contributor, mine)
    assert opens(reader, url)
    submit(contributor, panel(contributor, mine).select_one("form.share-link-revoke-all"))
    assert not opens(reader, url)

    create = reverse("admin:articles_article_share_link_create", args=[theirs.pk])
    assert contributor.post(create).status_code == 403
    assert not PreviewLink.objects.filter(article=theirs).exists()


def test_signed_out_visitors_are_sent_to_sign_in(reader, draft):
    create = reverse("admin:articles_article_share_link_create", args=[draft.pk])
    response = reader.post(create)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not PreviewLink.objects.exists()


def test_links_of_a_missing_article_are_not_found(editor):
    create = reverse("admin:articles_article_share_link_create", args=[987654])
    assert editor.post(create).status_code == 404


# Cost ----------------------------------------------------------------------------------------


def queries_for(client, url):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_opening_a_link_costs_a_fixed_number_of_queries(editor, reader, live):
    url = make_link(editor, live)
    # The link's look-up, the UPDATE of when it was opened, then the article page with nothing
    # taken from the fragment cache: the article, its topics, byline, corrections, related
    # links and the rail.
    assert queries_for(reader, url) == 8
    for _ in range(5):
        create_preview_link(live, by=editor.user)
    assert queries_for(reader, url) == 8


# Takedowns -----------------------------------------------------------------------------------


def links_of(client, article, count=2):
    return [make_link(client, article) for _ in range(count)]


def all_revoked_by(article, user):
    links = PreviewLink.objects.filter(article=article)
    return links.exists() and all(
        link.revoked_at is not None and link.revoked_by == user for link in links
    )


@pytest.mark.parametrize("action", ["unpublish", "send_back_to_draft"])
def test_taking_articles_down_in_bulk_revokes_their_links(editor, reader, live, action):
    urls = links_of(editor, live)
    response = run_action(editor, action, live)
    assert response.status_code == 200
    assert not any(opens(reader, url) for url in urls)
    assert all_revoked_by(live, editor.user)


def test_unpublishing_a_scheduled_article_revokes_its_links(editor, reader):
    scheduled = ArticleFactory(published_at=timezone.now() + timedelta(days=1))
    urls = links_of(editor, scheduled)
    run_action(editor, "unpublish", scheduled)
    assert not any(opens(reader, url) for url in urls)


@pytest.mark.parametrize("status", [Status.UNPUBLISHED, Status.DRAFT, Status.IN_REVIEW])
def test_moving_the_status_away_from_published_in_the_form_revokes_the_links(
    editor, reader, live, status
):
    urls = links_of(editor, live)
    data = form_fields(editor.get(change_url(live)), "article_form")
    data.update(status=status, _save="Save")
    response = editor.post(change_url(live), data, follow=True)

    assert response.status_code == 200
    live.refresh_from_db()
    assert live.status == status
    assert not any(opens(reader, url) for url in urls)
    assert all_revoked_by(live, editor.user)


def test_a_takedown_in_the_form_revokes_a_link_another_editor_made_meanwhile(
    editor, other_editor, reader, live
):
    colleague = other_editor
    # Opened before the colleague's link.
    data = form_fields(editor.get(change_url(live)), "article_form")
    url = make_link(colleague, live)

    data.update(status=Status.UNPUBLISHED, _save="Save")
    editor.post(change_url(live), data, follow=True)

    assert Article.objects.get(pk=live.pk).status == Status.UNPUBLISHED
    assert not opens(reader, url)
    assert PreviewLink.objects.get().revoked_by == editor.user


def test_saving_a_published_article_that_stays_published_keeps_its_links(editor, reader, live):
    urls = links_of(editor, live)
    data = form_fields(editor.get(change_url(live)), "article_form")
    data.update(headline="Ferry Timetable Changes Again", change_kind="minor", _save="Save")
    editor.post(change_url(live), data, follow=True)
    live.refresh_from_db()
    assert live.headline == "Ferry Timetable Changes Again"
    assert all(opens(reader, url) for url in urls)


def test_moving_a_draft_between_draft_and_review_keeps_its_links(editor, reader, draft):
    urls = links_of(editor, draft)
    run_action(editor, "submit_for_review", draft)
    run_action(editor, "send_back_to_draft", draft)
    assert Article.objects.get(pk=draft.pk).status == Status.DRAFT
    assert all(opens(reader, url) for url in urls)


def test_deleting_an_article_in_the_form_deletes_its_links(editor, reader, live):
    urls = links_of(editor, live)
    delete = reverse("admin:articles_article_delete", args=[live.pk])
    assert "Share link to Ferry Timetable Changes" in text_of(parse(editor.get(delete)))
    editor.post(delete, {"post": "yes"}, follow=True)
    assert not Article.objects.filter(pk=live.pk).exists()
    assert not PreviewLink.objects.exists()
    assert not any(opens(reader, url) for url in urls)


def test_deleting_articles_in_bulk_deletes_their_links(editor, reader, live, draft):
    urls = links_of(editor, live) + links_of(editor, draft)
    editor.post(
        CHANGELIST_URL,
        {"action": "delete_selected", "_selected_action": [live.pk, draft.pk], "post": "yes"},
        follow=True,
    )
    assert not Article.objects.exists()
    assert not any(opens(reader, url) for url in urls)


def test_the_workflow_steps_revoke_links_whoever_calls_them(editor, reader, live):
    urls = links_of(editor, live)
    workflow.unpublish_article(article=live, by=editor.user)
    assert not any(opens(reader, url) for url in urls)
    assert all_revoked_by(live, editor.user)


def test_restoring_a_draft_revision_of_a_published_article_keeps_it_live_and_its_links(
    editor, reader, live
):
    # A restore brings back content only, never status, so it is never a takedown.
    Article.objects.filter(pk=live.pk).update(status=Status.DRAFT)
    revisions.record_revision(Article.objects.get(pk=live.pk), comment="A draft.")
    Article.objects.filter(pk=live.pk).update(status=Status.PUBLISHED)
    urls = links_of(editor, live)
    (drafted,) = revisions.article_versions(live)
    restore = reverse("admin:articles_article_revision", args=[live.pk, drafted.pk])
    form = parse(editor.get(restore)).select_one("#content form[method=post]")
    form["action"] = restore  # the page posts to itself
    form.select_one("input[name=change_kind][value=minor]")["checked"] = "checked"

    submit(editor, form)

    assert Article.objects.get(pk=live.pk).status == Status.PUBLISHED
    assert all(opens(reader, url) for url in urls)


def test_a_reimport_that_unpublishes_an_article_revokes_its_links(editor, reader, tmp_path):
    line = {
        "source": {"system": "wire", "id": "77"},
        "headline": "Pier Reopens",
        "body_html": "<p>The pier is open again.</p>",
        "section": "News",
        "authors": [{"name": "Jo March"}],
        "status": "published",
        "published_at": "2024-03-15T12:08:00+00:00",
    }
    path = tmp_path / "articles.jsonl"
    path.write_text(json.dumps(line))
    call_command("import_articles", str(path), stdout=io.StringIO())
    article = Article.objects.get(source_id="77")
    urls = links_of(editor, article)

    path.write_text(json.dumps({**line, "status": "unpublished"}))
    call_command("import_articles", str(path), stdout=io.StringIO())

    assert Article.objects.get(pk=article.pk).status == Status.UNPUBLISHED
    assert not any(opens(reader, url) for url in urls)


def test_a_wordpress_reimport_that_makes_a_post_a_draft_revokes_its_links(editor, reader, tmp_path):
    import_wordpress(write(tmp_path, wxr(post(1))))
    article = Article.objects.get()
    urls = links_of(editor, article)
    other = ArticleFactory()
    kept = links_of(editor, other, count=1)

    import_wordpress(write(tmp_path, wxr(post(1, status="draft"))))

    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    assert not any(opens(reader, url) for url in urls)
    assert opens(reader, kept[0])


# The setting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "message"), [("three", "whole number"), ("0", "1 or more")])
def test_a_bad_preview_link_days_stops_start_up(tmp_path, value, message):
    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.DEBUG"],
        env={
            **os.environ,
            "SECRET_KEY": "x",
            "PREVIEW_LINK_DAYS": value,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "ENV_FILE": str(tmp_path / "none"),
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "PREVIEW_LINK_DAYS" in result.stderr and message in result.stderr
