"""Every publication change goes through one path (`workflow.Publication`): whoever makes it,
the change form, a bulk action, a restore, the scheduler or an import, its side effects are the
same. Share links stop when a published article is taken down, a published article's old
address redirects to its new one, and `version` moves on so open change forms see the change.
"""

import io
import json
from datetime import timedelta

import pytest
from django.contrib.redirects.models import Redirect
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import restoring, workflow
from articles.models import Article
from articles.preview_links import create_preview_link, live_links
from newsroom import fragments
from tests.brand_keys import on_brand
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, add_authors
from tests.test_revisions import change_url, restore_url, save_in_admin, versions_of

pytestmark = pytest.mark.django_db

Status = Article.Status


def published(**kwargs):
    article = ArticleFactory(
        headline="Harbour Wall Repaired",
        slug="harbour-wall-repaired",
        section=SectionFactory(name="News", slug="news"),
        status=Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1),
        **kwargs,
    )
    add_authors(article, AuthorFactory(name="Jo March"))
    return article


def run_action(client, action, *articles):
    return client.post(
        reverse("admin:articles_article_changelist"),
        {"action": action, "_selected_action": [article.pk for article in articles]},
    )


def test_a_bulk_unpublish_revokes_share_links_and_moves_the_version_on(editor):
    article = published()
    create_preview_link(article, by=editor.user)

    assert run_action(editor, "unpublish", article).status_code == 302

    stored = Article.objects.get(pk=article.pk)
    assert stored.status == Status.UNPUBLISHED
    assert stored.version == article.version + 1
    assert live_links(stored) == []
    assert versions_of(article)[-1].revision.comment == "Unpublished."


def test_a_bulk_send_back_to_draft_revokes_share_links_too(editor):
    article = published()
    create_preview_link(article, by=editor.user)

    assert run_action(editor, "send_back_to_draft", article).status_code == 302

    stored = Article.objects.get(pk=article.pk)
    assert (stored.status, stored.version) == (Status.DRAFT, article.version + 1)
    assert live_links(stored) == []


def test_a_bulk_publish_keeps_an_earlier_publication_time_and_moves_the_version_on(editor):
    first_published = timezone.now() - timedelta(days=3)
    article = published()
    Article.objects.filter(pk=article.pk).update(
        status=Status.UNPUBLISHED, published_at=first_published
    )

    assert run_action(editor, "publish_now", article).status_code == 302

    stored = Article.objects.get(pk=article.pk)
    assert (stored.status, stored.published_at) == (Status.PUBLISHED, first_published)
    assert stored.version == article.version + 1
    assert versions_of(article)[-1].revision.comment == "Published."


def test_a_change_form_takedown_revokes_share_links(editor):
    article = published()
    create_preview_link(article, by=editor.user)

    response = save_in_admin(editor, article, status="unpublished")

    assert response.status_code == 302
    assert live_links(article) == []


def test_a_restore_that_moves_a_published_address_leaves_a_redirect(editor):
    article = published()
    assert save_in_admin(editor, article, change_kind="minor").status_code == 302
    old_revision = versions_of(article)[-1]
    response = save_in_admin(editor, article, slug="harbour-wall-rebuilt", change_kind="minor")
    assert response.status_code == 302
    version_before = Article.objects.get(pk=article.pk).version

    response = editor.post(restore_url(article, old_revision), {"change_kind": "minor"})

    assert response.status_code == 302
    assert response["Location"] == change_url(article)
    stored = Article.objects.get(pk=article.pk)
    assert stored.slug == "harbour-wall-repaired"
    assert stored.version == version_before + 1
    assert Redirect.objects.filter(
        old_path="/news/harbour-wall-rebuilt/", new_path="/news/harbour-wall-repaired/"
    ).exists()
    # The address live again no longer redirects (no loop).
    assert not Redirect.objects.filter(old_path="/news/harbour-wall-repaired/").exists()
    assert stored.is_public  # a restore never changes the status


def test_a_restore_by_someone_who_may_not_change_the_article_is_refused(
    editor, django_user_model
):
    article = published()
    save_in_admin(editor, article, change_kind="minor")
    version = Version.objects.get_for_object(article).first()
    stranger = django_user_model.objects.create_user("stranger", password="a-long-pw-1")

    with pytest.raises(PermissionDenied):
        restoring.restore_revision(version=version, by=stranger)


def test_the_scheduler_announces_articles_that_came_due_and_retires_cached_fragments(
    django_capture_on_commit_callbacks,
):
    due = published()
    Article.objects.filter(pk=due.pk).update(published_at=timezone.now() - timedelta(minutes=2))
    received = []

    def receiver(sender, article, **kwargs):
        received.append(article.pk)

    before = fragments.versions([on_brand("latest")])
    workflow.publication_due.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("publish_due", "--since", "10", stdout=io.StringIO())
    finally:
        workflow.publication_due.disconnect(receiver)

    assert received == [due.pk]
    assert fragments.versions([on_brand("latest")]) != before


def test_an_import_that_takes_an_article_down_revokes_its_links_and_moves_the_version_on(
    editor, tmp_path
):
    article = published(source_system="wire", source_id="17")
    create_preview_link(article, by=editor.user)
    line = {
        "source": {"system": "wire", "id": "17"},
        "headline": "Harbour Wall Repaired",
        "slug": "harbour-wall-moved",
        "body_html": "<p>Withdrawn for checks.</p>",
        "section": "News",
        "status": "draft",
        "authors": [{"name": "Jo March"}],
    }
    path = tmp_path / "articles.jsonl"
    path.write_text(json.dumps(line) + "\n")

    call_command("import_articles", str(path), stdout=io.StringIO())

    stored = Article.objects.get(pk=article.pk)
    assert stored.status == Status.DRAFT
    assert stored.version > article.version
    assert live_links(stored) == []
