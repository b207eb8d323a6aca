"""The editorial workflow: draft → in review → published (now or scheduled) → unpublished.

Drafts save half-written; publishing runs every check at once and says what is missing; bulk
actions move many articles and say which were refused and why; scheduled articles reach readers
on time with nothing run; `publish_due` runs a deployment's side effects.
"""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles import workflow
from articles.models import Article
from tests.admin_forms import form_fields
from tests.conftest import parse, text_of
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, add_authors, image_file
from tests.test_roles import (
    CHANGELIST_URL,
    change_url,
    errors_of,
    member,
    signed_in,
)

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture
def contributor(django_user_model):
    return signed_in(member(django_user_model, "Contributor", "cora"))


@pytest.fixture
def editor(django_user_model):
    return signed_in(member(django_user_model, "Editor", "eddie"))


def fit_draft(**fields):
    """A draft that passes every publishing check."""
    article = ArticleFactory(status=Status.DRAFT, published_at=None, **fields)
    add_authors(article, AuthorFactory(name="Jo March"))
    return article


def byline_rows(*authors):
    rows = {"article_authors-TOTAL_FORMS": str(len(authors))}
    for index, author in enumerate(authors):
        rows[f"article_authors-{index}-author"] = str(author.pk)
        rows[f"article_authors-{index}-position"] = str(index)
    return rows


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def is_public_page(reader, article):
    return reader.get(article.get_absolute_url()).status_code == 200


# Publishing in the form ----------------------------------------------------------------------


def test_an_editor_publishes_a_draft_now_when_no_time_is_given(editor, reader):
    draft = fit_draft()
    assert not is_public_page(reader, draft)
    before = timezone.now()
    data = form_fields(editor.get(change_url(draft)), "article_form")
    response = editor.post(change_url(draft), {**data, "status": "published"})
    assert response.status_code == 302, errors_of(response)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert before <= draft.published_at <= timezone.now()
    assert is_public_page(reader, draft)


def test_publishing_lists_every_missing_piece_and_saves_nothing(editor):
    draft = ArticleFactory(
        status=Status.DRAFT,
        published_at=None,
        section=None,
        body="<p> </p>",
        featured_image=image_file(),
        featured_image_alt="",
        featured_image_credit="",
        headline="Unfinished",
    )
    data = form_fields(editor.get(change_url(draft)), "article_form")
    response = editor.post(change_url(draft), {**data, "status": "published"})
    assert response.status_code == 200
    errors = errors_of(response)
    for message in (
        "Choose a section before publishing.",
        "Write the story before publishing: the body is empty.",
        "Describe the featured image for readers who cannot see it before publishing.",
        "Credit the featured image (who owns it) before publishing.",
        "Add at least one author to the byline before publishing.",
    ):
        assert message in errors
    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == (Status.DRAFT, None)


def test_the_byline_error_shows_on_the_byline_inline(editor):
    draft = ArticleFactory(status=Status.DRAFT, published_at=None)
    data = form_fields(editor.get(change_url(draft)), "article_form")
    page = parse(editor.post(change_url(draft), {**data, "status": "published"}))
    inline = page.select_one("#article_authors-group")
    assert "Add at least one author to the byline before publishing." in text_of(inline)


def test_removing_the_last_author_of_a_published_article_is_refused(editor):
    article = ArticleFactory()
    add_authors(article, AuthorFactory())
    data = form_fields(editor.get(change_url(article)), "article_form")
    data.update({"article_authors-0-DELETE": "on", "change_kind": "minor"})
    response = editor.post(change_url(article), data)
    assert "Add at least one author to the byline before publishing." in errors_of(response)
    assert article.article_authors.count() == 1


def test_a_featured_image_is_not_required_but_its_alt_text_and_credit_are(editor):
    draft = fit_draft(featured_image="")
    data = form_fields(editor.get(change_url(draft)), "article_form")
    assert editor.post(change_url(draft), {**data, "status": "published"}).status_code == 302


def test_drafts_save_without_the_publishing_checks(editor):
    draft = ArticleFactory(status=Status.DRAFT, published_at=None, section=None, body="")
    data = form_fields(editor.get(change_url(draft)), "article_form")
    response = editor.post(change_url(draft), {**data, "status": "in_review", "headline": "Soon"})
    assert response.status_code == 302, errors_of(response)
    assert Article.objects.get(pk=draft.pk).status == Status.IN_REVIEW


def test_a_new_article_can_be_published_from_the_add_form(editor, reader):
    section, author = SectionFactory(), AuthorFactory()
    data = form_fields(editor.get("/admin/articles/article/add/"), "article_form")
    data.update(
        headline="Straight Out",
        slug="straight-out",
        body="<p>Breaking.</p>",
        section=str(section.pk),
        status="published",
        **byline_rows(author),
    )
    response = editor.post("/admin/articles/article/add/", data)
    assert response.status_code == 302, errors_of(response)
    article = Article.objects.get(slug="straight-out")
    assert article.created_by == editor.user
    assert is_public_page(reader, article)


# Scheduling ----------------------------------------------------------------------------------


def test_a_scheduled_article_reaches_readers_on_time_with_nothing_run(editor, reader):
    draft = fit_draft()
    at = (timezone.localtime() + timedelta(hours=2)).replace(second=0, microsecond=0)
    data = form_fields(editor.get(change_url(draft)), "article_form")
    data.update(
        status="published",
        published_at_0=at.strftime("%d/%m/%Y"),
        published_at_1=at.strftime("%H:%M:%S"),
    )
    assert editor.post(change_url(draft), data).status_code == 302
    draft.refresh_from_db()
    assert draft.published_at == at
    assert not is_public_page(reader, draft)
    assert draft.headline not in text_of(parse(reader.get("/latest/")))

    later = timezone.now() + timedelta(hours=2, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert is_public_page(reader, draft)
        assert draft.headline in text_of(parse(reader.get("/latest/")))


def test_the_list_shows_when_a_scheduled_article_goes_out(editor):
    at = timezone.now() + timedelta(days=1)
    ArticleFactory(headline="Tomorrow's Story", published_at=at)
    row = parse(editor.get(CHANGELIST_URL)).select_one("#result_list tbody tr")
    assert "Scheduled for" in text_of(row.select_one(".field-publication_state"))


# Bulk actions --------------------------------------------------------------------------------


def run_action(client, action, *articles):
    return client.post(
        CHANGELIST_URL,
        {"action": action, "_selected_action": [article.pk for article in articles]},
        follow=True,
    )


def test_publish_now_publishes_the_fit_and_says_why_the_others_were_refused(editor, reader):
    fit = fit_draft(headline="Ready")
    unfit = ArticleFactory(headline="No Byline", status=Status.IN_REVIEW, published_at=None)
    live = ArticleFactory(headline="Already Out")
    response = run_action(editor, "publish_now", fit, unfit, live)
    said = messages_of(response)
    assert said[0] == "1 article published."
    assert said[1].startswith("2 articles not published. ")
    assert "“No Byline”: Add at least one author to the byline before publishing." in said[1]
    assert "“Already Out”: It is already published." in said[1]
    fit.refresh_from_db()
    unfit.refresh_from_db()
    assert fit.is_public and is_public_page(reader, fit)
    assert unfit.status == Status.IN_REVIEW


def test_publish_now_brings_a_scheduled_article_forward(editor):
    article = ArticleFactory(published_at=timezone.now() + timedelta(days=3))
    add_authors(article, AuthorFactory())
    run_action(editor, "publish_now", article)
    article.refresh_from_db()
    assert article.is_public


def test_unpublish_hides_articles_from_readers(editor, reader):
    live = ArticleFactory(headline="Withdrawn")
    draft = fit_draft(headline="Never Out")
    assert is_public_page(reader, live)
    response = run_action(editor, "unpublish", live, draft)
    said = messages_of(response)
    assert "1 article unpublished." in said
    assert "1 article not unpublished. “Never Out”: It is not published." in said
    live.refresh_from_db()
    assert live.status == Status.UNPUBLISHED
    assert not is_public_page(reader, live)
    assert "Withdrawn" not in text_of(parse(reader.get("/latest/")))


def test_send_back_to_draft(editor):
    in_review = ArticleFactory(status=Status.IN_REVIEW, published_at=None)
    already = ArticleFactory(status=Status.DRAFT, published_at=None, headline="Drafty")
    said = messages_of(run_action(editor, "send_back_to_draft", in_review, already))
    assert "1 article sent back to draft." in said
    assert "1 article not sent back to draft. “Drafty”: It is already a draft." in said
    assert Article.objects.get(pk=in_review.pk).status == Status.DRAFT


def test_a_contributor_submits_drafts_for_review_in_bulk(contributor):
    mine = ArticleFactory(created_by=contributor.user, status=Status.DRAFT, published_at=None)
    said = messages_of(run_action(contributor, "submit_for_review", mine))
    assert "1 article submitted for review." in said
    assert Article.objects.get(pk=mine.pk).status == Status.IN_REVIEW


# The workflow functions ----------------------------------------------------------------------


def test_only_publishers_publish_schedule_or_unpublish(django_user_model):
    contributor = member(django_user_model, "Contributor", "cora")
    draft = fit_draft(created_by=contributor)
    live = ArticleFactory(created_by=contributor)
    with pytest.raises(PermissionDenied):
        workflow.publish_article(article=draft, by=contributor)
    with pytest.raises(PermissionDenied):
        workflow.publish_article(
            article=draft, by=contributor, at=timezone.now() + timedelta(days=1)
        )
    with pytest.raises(PermissionDenied):
        workflow.unpublish_article(article=live, by=contributor)
    assert Article.objects.get(pk=draft.pk).status == Status.DRAFT
    assert Article.objects.get(pk=live.pk).status == Status.PUBLISHED


def test_publishing_again_keeps_the_original_time_and_moves_the_version_on(django_user_model):
    editor = member(django_user_model, "Editor", "eddie")
    first = timezone.now() - timedelta(days=10)
    article = ArticleFactory(published_at=first)
    add_authors(article, AuthorFactory())
    version = article.version
    workflow.unpublish_article(article=article, by=editor)
    workflow.publish_article(article=article, by=editor)
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Status.PUBLISHED, first)
    assert article.version == version + 2


def test_publish_article_schedules_at_a_future_time(django_user_model):
    editor = member(django_user_model, "Editor", "eddie")
    draft = fit_draft()
    at = timezone.now() + timedelta(hours=5)
    workflow.publish_article(article=draft, by=editor, at=at)
    draft.refresh_from_db()
    assert (draft.status, draft.published_at, draft.is_public) == (Status.PUBLISHED, at, False)


def test_only_drafts_go_to_review(django_user_model):
    contributor = member(django_user_model, "Contributor", "cora")
    article = ArticleFactory(created_by=contributor, status=Status.IN_REVIEW, published_at=None)
    with pytest.raises(workflow.WorkflowError, match="Only drafts go to review"):
        workflow.submit_for_review(article=article, by=contributor)


def test_a_contributor_cannot_take_down_a_published_article(django_user_model):
    contributor = member(django_user_model, "Contributor", "cora")
    article = ArticleFactory(created_by=contributor)
    with pytest.raises(PermissionDenied):
        workflow.send_back_to_draft(article=article, by=contributor)


# publish_due ---------------------------------------------------------------------------------


def test_publish_due_runs_side_effects_for_articles_that_just_came_due():
    now = timezone.now()
    due = ArticleFactory(headline="Just Out", published_at=now - timedelta(minutes=3))
    ArticleFactory(headline="Old News", published_at=now - timedelta(hours=3))
    ArticleFactory(headline="Still Scheduled", published_at=now + timedelta(minutes=3))
    ArticleFactory(
        headline="Pulled", status=Status.UNPUBLISHED, published_at=now - timedelta(minutes=2)
    )
    received = []

    def receiver(sender, article, **kwargs):
        received.append(article.pk)

    workflow.publication_due.connect(receiver)
    try:
        out = io.StringIO()
        with mock.patch("articles.workflow.purge_change") as purge:
            call_command("publish_due", "--since", "10", stdout=out)
        assert purge.call_count == 1
        lines = out.getvalue().splitlines()
        assert len(lines) == 2 and "Just Out" in lines[0]
        assert lines[1] == "Handled 1 article that became public in the last 10 minutes."

        # A second run over the same window finds it handled: nothing is sent twice.
        out = io.StringIO()
        with mock.patch("articles.workflow.purge_change") as purge:
            call_command("publish_due", "--since", "10", stdout=out)
        assert purge.call_count == 0
        assert out.getvalue() == "Handled 0 articles that became public in the last 10 minutes.\n"
    finally:
        workflow.publication_due.disconnect(receiver)
    assert received == [due.pk]


def test_publish_due_with_nothing_due_changes_nothing():
    out = io.StringIO()
    with mock.patch("articles.workflow.purge_change") as purge:
        call_command("publish_due", stdout=out)
    assert purge.call_count == 0
    assert out.getvalue() == "Handled 0 articles that became public in the last 10 minutes.\n"


def test_publish_due_needs_a_window():
    with pytest.raises(CommandError):
        call_command("publish_due", "--since", "0", stdout=io.StringIO())
