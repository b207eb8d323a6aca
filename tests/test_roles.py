"""Roles: what a contributor, an editor and an administrator may do, enforced on the server.

A contributor writes and edits their own drafts and sends them to review; nothing they post,
no action they name and no address they type publishes, schedules or unpublishes an article,
or changes someone else's.
"""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from articles.models import Article

# test_workflow imports member and signed_in from here.
from tests.admin_forms import form_fields
from tests.conftest import member, parse, signed_in, text_of  # noqa: F401
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

Status = Article.Status


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


ADD_URL = "/admin/articles/article/add/"
CHANGELIST_URL = "/admin/articles/article/"


def new_article(client, **changes):
    """POST the add form as the client sees it, with `changes`."""
    data = form_fields(client.get(ADD_URL), "article_form")
    data.update(changes)
    return client.post(ADD_URL, data)


def errors_of(response):
    page = parse(response)
    return " ".join(text_of(node) for node in page.select(".errorlist, .errornote"))


def draft_by(client, **fields):
    return ArticleFactory(
        created_by=client.user,
        status=Status.DRAFT,
        published_at=None,
        **fields,
    )


# The groups ---------------------------------------------------------------------------------


def codenames(role):
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_the_migration_makes_the_three_roles():
    contributor, editor, administrator = (
        codenames(role) for role in ("Contributor", "Editor", "Administrator")
    )
    assert {
        "articles.add_article",
        "articles.change_article",
        "articles.view_topic",
        "authors.view_author",
        "library.add_image",
        "library.change_image",
    } <= contributor
    editors_only = {
        "articles.publish_article",
        "articles.edit_any_article",
        "articles.delete_article",
        "articles.change_topic",
        "authors.change_author",
    }
    assert not editors_only & contributor
    assert {
        "articles.publish_article",
        "articles.edit_any_article",
        "articles.change_topic",
        "authors.change_author",
        "flatpages.change_flatpage",
        "redirects.change_redirect",
        "library.delete_image",
    } <= editor
    assert not {"auth.change_user", "newsroom.change_sitesettings"} & editor
    administrators_only = {
        "auth.add_user",
        "auth.change_group",
        "newsroom.change_sitesettings",
        "sites.change_site",
    }
    assert editor | administrators_only <= administrator


def test_running_the_roles_migration_again_changes_nothing():
    migration = importlib.import_module("articles.migrations.0005_roles")
    before = {role: codenames(role) for role in ("Contributor", "Editor", "Administrator")}
    migration.create_roles(apps, SimpleNamespace(connection=connection))
    assert Group.objects.count() == 3
    assert {role: codenames(role) for role in before} == before


# Contributors --------------------------------------------------------------------------------


def test_a_contributor_starts_a_draft_with_missing_fields_and_owns_it(contributor):
    response = new_article(contributor, headline="Half Written", slug="half-written")
    assert response.status_code == 302, errors_of(response)
    article = Article.objects.get(slug="half-written")
    assert (article.status, article.section, article.created_by) == (
        Status.DRAFT,
        None,
        contributor.user,
    )


def test_a_contributor_is_offered_only_draft_and_in_review(contributor):
    page = parse(contributor.get(ADD_URL))
    options = [option["value"] for option in page.select("select[name=status] option")]
    assert options == ["draft", "in_review"]
    assert page.select_one("[name^=published_at]") is None
    assert page.select_one("[name^=updated_at]") is None


def test_a_contributor_posting_published_is_refused_and_nothing_is_saved(contributor):
    response = new_article(
        contributor,
        headline="Sneaky",
        slug="sneaky",
        section=str(SectionFactory().pk),
        status="published",
        published_at_0="15/03/2022",
        published_at_1="12:08:00",
    )
    assert response.status_code == 200
    assert "Select a valid choice. published is not one of the available choices." in errors_of(
        response
    )
    assert not Article.objects.filter(slug="sneaky").exists()


def test_a_contributor_cannot_publish_their_own_draft_by_a_crafted_change(contributor):
    draft = draft_by(contributor)
    data = form_fields(contributor.get(change_url(draft)), "article_form")
    for status in ("published", "unpublished"):
        response = contributor.post(change_url(draft), {**data, "status": status})
        assert response.status_code == 200
        assert "is not one of the available choices" in errors_of(response)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_contributor_cannot_schedule_by_posting_a_publication_time(contributor):
    draft = draft_by(contributor)
    data = form_fields(contributor.get(change_url(draft)), "article_form")
    data.update(
        headline="Still A Draft",
        published_at_0="15/03/2030",
        published_at_1="12:08:00",
        updated_at_0="15/03/2030",
        updated_at_1="12:08:00",
    )
    assert contributor.post(change_url(draft), data).status_code == 302
    draft.refresh_from_db()
    assert draft.headline == "Still A Draft"
    assert (draft.status, draft.published_at, draft.updated_at) == (Status.DRAFT, None, None)


def test_the_save_refuses_a_publishing_move_that_got_past_the_form(contributor):
    draft = draft_by(contributor)
    model_admin = admin.site._registry[Article]
    request = RequestFactory().post("/")
    request.user = contributor.user
    form = SimpleNamespace(cleaned_data={}, changed_data=[])
    draft.status = Status.PUBLISHED
    with pytest.raises(PermissionDenied):
        model_admin.save_model(request, draft, form, change=True)
    assert Article.objects.get(pk=draft.pk).status == Status.DRAFT


def test_a_contributor_submits_a_draft_for_review_and_may_still_edit_it(contributor):
    draft = draft_by(contributor)
    data = form_fields(contributor.get(change_url(draft)), "article_form")
    assert contributor.post(change_url(draft), {**data, "status": "in_review"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    data = form_fields(contributor.get(change_url(draft)), "article_form")
    response = contributor.post(change_url(draft), {**data, "headline": "Polished"})
    assert response.status_code == 302
    assert Article.objects.get(pk=draft.pk).headline == "Polished"


def test_a_contributor_cannot_open_or_change_another_contributors_draft(
    contributor, other_contributor
):
    theirs = draft_by(other_contributor, headline="Theirs")
    assert contributor.get(change_url(theirs)).status_code == 403
    data = form_fields(other_contributor.get(change_url(theirs)), "article_form")
    response = contributor.post(change_url(theirs), {**data, "headline": "Mine Now"})
    assert response.status_code == 403
    assert Article.objects.get(pk=theirs.pk).headline == "Theirs"


def test_a_contributor_cannot_change_their_article_once_published(contributor, editor):
    article = ArticleFactory(created_by=contributor.user, headline="Out There")
    page = parse(contributor.get(change_url(article)))
    assert page.select_one("input[name=headline]") is None  # a read-only view
    data = form_fields(editor.get(change_url(article)), "article_form")
    response = contributor.post(change_url(article), {**data, "headline": "Quietly Changed"})
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).headline == "Out There"


def test_a_contributor_lists_their_own_articles_and_public_ones(contributor, other_contributor):
    mine = draft_by(contributor, headline="My Draft")
    public = ArticleFactory(headline="Everyone Sees This")
    draft_by(other_contributor, headline="Their Secret Draft")
    ArticleFactory(
        headline="Their Scheduled Story", published_at=public.published_at.replace(year=2999)
    )
    page = parse(contributor.get(CHANGELIST_URL))
    listed = {text_of(link) for link in page.select("#result_list tbody th a")}
    assert listed == {mine.headline, public.headline}


def test_a_contributor_has_no_publishing_actions_and_cannot_name_one(contributor):
    draft = draft_by(contributor)
    page = parse(contributor.get(CHANGELIST_URL))
    actions = {option["value"] for option in page.select("select[name=action] option")}
    assert {"submit_for_review", "send_back_to_draft"} <= actions
    assert not {"publish_now", "unpublish", "delete_selected"} & actions
    for action in ("publish_now", "unpublish"):
        contributor.post(CHANGELIST_URL, {"action": action, "_selected_action": [draft.pk]})
    assert Article.objects.get(pk=draft.pk).status == Status.DRAFT


def test_a_contributor_cannot_delete_articles(contributor):
    draft = draft_by(contributor)
    url = reverse("admin:articles_article_delete", args=[draft.pk])
    assert contributor.post(url, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("articles_topic_changelist", 200),  # to choose them: a read-only list
        ("articles_topic_add", 403),
        ("authors_author_add", 403),
        ("flatpages_flatpage_changelist", 403),
        ("redirects_redirect_changelist", 403),
        ("auth_user_changelist", 403),
        ("newsroom_sitesettings_changelist", 403),
    ],
)
def test_what_a_contributor_may_open_elsewhere(contributor, name, status):
    assert contributor.get(reverse(f"admin:{name}")).status_code == status


def test_a_contributor_may_add_pictures_to_the_library(contributor):
    assert contributor.user.has_perm("library.add_image")
    assert not contributor.user.has_perm("library.delete_image")


# Editors and administrators ----------------------------------------------------------------


def test_an_editor_changes_a_contributors_draft_and_publishes_it(contributor, editor):
    draft = draft_by(contributor, headline="Raw")
    data = form_fields(editor.get(change_url(draft)), "article_form")
    data.update(
        headline="Edited",
        status="published",
        **{
            "article_authors-TOTAL_FORMS": "1",
            "article_authors-0-author": str(AuthorFactory().pk),
            "article_authors-0-position": "0",
        },
    )
    response = editor.post(change_url(draft), data)
    assert response.status_code == 302, errors_of(response)
    draft.refresh_from_db()
    assert (draft.headline, draft.status, draft.is_public) == ("Edited", Status.PUBLISHED, True)
    assert draft.created_by == contributor.user  # the author of the draft stays its owner


def test_an_editor_has_the_publishing_actions(editor):
    ArticleFactory()
    page = parse(editor.get(CHANGELIST_URL))
    actions = {option["value"] for option in page.select("select[name=action] option")}
    assert {"publish_now", "unpublish", "send_back_to_draft", "delete_selected"} <= actions


@pytest.mark.parametrize(
    "name",
    [
        "articles_topic_add",
        "authors_author_add",
        "flatpages_flatpage_add",
        "redirects_redirect_add",
    ],
)
def test_an_editor_manages_topics_authors_pages_and_redirects(editor, name):
    assert editor.get(reverse(f"admin:{name}")).status_code == 200


@pytest.mark.parametrize(
    "name", ["auth_user_changelist", "auth_group_changelist", "newsroom_sitesettings_changelist"]
)
def test_accounts_and_site_settings_are_for_administrators(editor, administrator, name):
    assert editor.get(reverse(f"admin:{name}")).status_code == 403
    assert administrator.get(reverse(f"admin:{name}")).status_code == 200


def test_an_administrator_is_also_an_editor(administrator):
    assert administrator.user.has_perms(["articles.publish_article", "articles.edit_any_article"])
