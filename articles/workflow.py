"""The editorial workflow: who may do what to an article, and each step as one named function.

    draft ⇄ in review → published (now, or scheduled: `published_at` in the future) → unpublished

A scheduled article needs no job to appear: the public queryset compares `published_at` with
now (see `Article.objects.published()`). The admin's forms and bulk actions and any script go
through these functions or `publish_problems`, so the rules live here once:

- Anyone who may change an article may move it between draft and in review. Contributors (no
  `edit_any_article`) may change only the articles they started, and only while those are
  drafts or in review.
- Publishing, scheduling, unpublishing and taking a published article back to draft need the
  `publish_article` permission.
- Publishing runs the full checks (`publish_problems`); a draft may be saved half-written.

A refused step raises `WorkflowError` (the article is not fit for it) or `PermissionDenied`
(the person may not take it), both with a message for the editor.
"""

import html

import reversion
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.html import strip_tags

from articles.models import Article, Correction
from articles.preview_links import revoke_if_taken_down
from articles.revisions import add_to_revision, keep_imported_state

Status = Article.Status

# Statuses a contributor's article may have, and that anyone who may change it may switch.
OPEN_STATUSES = (Status.DRAFT, Status.IN_REVIEW)

# Sent by `manage.py publish_due` once for each article whose publication time passed within
# its window, with `article=`. Deployments connect receivers for their side effects (purge a
# CDN, ping a search engine, post to social media); a window may overlap the previous run's,
# so a receiver must not mind seeing an article twice.
publication_due = Signal()


class ChangeKind(models.TextChoices):
    """What saving an already public article means for its readers."""

    MINOR = "minor", "Minor fix: a typo or a link; readers see no change"
    UPDATE = "update", "Update: the story moved on; readers see “Updated” with the time"
    CORRECTION = "correction", "Correction: something was wrong; readers see your note"


class WorkflowError(Exception):
    """A step the article is not fit for; `reasons` are sentences for the editor."""

    def __init__(self, *reasons):
        super().__init__(" ".join(reasons))
        self.reasons = list(reasons)


def can_publish(user):
    return user.has_perm("articles.publish_article")


def can_edit(user, article):
    """Whether `user` may change `article` (one permission lookup, cached on the user)."""
    if not user.has_perm("articles.change_article"):
        return False
    if user.has_perm("articles.edit_any_article"):
        return True
    if article.pk is None:
        return True
    return article.created_by_id == user.pk and article.status in OPEN_STATUSES


def has_text(body):
    """Whether sanitised body HTML says anything once its tags are gone."""
    return bool(html.unescape(strip_tags(body or "")).strip())


def publish_problems(article, *, byline=True):
    """What stops `article` from being published, as {field name: message}; empty when fit.

    `byline=False` leaves the byline to the caller: the admin checks the byline inline's rows,
    which are not saved yet. Otherwise reads `article.article_authors` (one query unless
    prefetched; none for an unsaved article).
    """
    problems = {}
    if not article.headline.strip():
        problems["headline"] = "Write a headline before publishing."
    if article.section_id is None:
        problems["section"] = "Choose a section before publishing."
    if not has_text(article.body):
        problems["body"] = "Write the story before publishing: the body is empty."
    if article.featured_image:
        if not article.featured_image_alt.strip():
            problems["featured_image_alt"] = (
                "Describe the featured image for readers who cannot see it before publishing."
            )
        if not article.featured_image_credit.strip():
            problems["featured_image_credit"] = (
                "Credit the featured image (who owns it) before publishing."
            )
    if byline and (article.pk is None or not article.article_authors.all()):
        problems["byline"] = "Add at least one author to the byline before publishing."
    return problems


def _save(article, by, comment, *fields):
    """Save the step's fields, moving `version` on so an editor's open copy is seen as stale.

    The step is kept as a revision when django-reversion follows articles.
    """
    def save():
        # Counted in the database, so a save in between is never undone by this one.
        article.version = models.F("version") + 1
        article.save(update_fields=[*fields, "version", "modified"])
        article.refresh_from_db(fields=["version"])
        if reversion.is_active():
            # Recorded again with the counted version: the save's own record holds the
            # expression, which a revision cannot be read back from.
            add_to_revision(article)

    with transaction.atomic():
        if reversion.is_registered(Article):
            keep_imported_state(article.pk)
            with reversion.create_revision():
                reversion.set_user(by)
                reversion.set_comment(comment)
                save()
        else:
            save()


def _require_publisher(user):
    if not can_publish(user):
        raise PermissionDenied("You may not publish, schedule or unpublish articles.")


def _require_editor_of(user, article):
    if not can_edit(user, article):
        raise PermissionDenied("You may not change this article.")


def submit_for_review(*, article, by):
    """Draft → in review: the writer hands the article to the editors."""
    _require_editor_of(by, article)
    if article.status != Status.DRAFT:
        status = article.get_status_display().lower()
        raise WorkflowError(f"Only drafts go to review; this one is {status}.")
    article.status = Status.IN_REVIEW
    _save(article, by, "Submitted for review.", "status")


def send_back_to_draft(*, article, by):
    """In review, published or unpublished → draft. Taking down a published article needs
    the right to unpublish, and revokes its share links."""
    _require_editor_of(by, article)
    if article.status == Status.DRAFT:
        raise WorkflowError("It is already a draft.")
    if article.status not in OPEN_STATUSES:
        _require_publisher(by)
    was, article.status = article.status, Status.DRAFT
    with transaction.atomic():
        _save(article, by, "Sent back to draft.", "status")
        revoke_if_taken_down(article, was=was, by=by)


def publish_article(*, article, by, at=None):
    """Publish `article` at `at`: now when None, or a future time to schedule it.

    With no `at`, an article that was public before (since unpublished) keeps its original
    publication time; anything else, a scheduled one included, is published now. Raises
    `WorkflowError` listing every failed check (see `publish_problems`).
    """
    _require_publisher(by)
    _require_editor_of(by, article)
    if article.is_public:
        raise WorkflowError("It is already published.")
    problems = publish_problems(article)
    if problems:
        raise WorkflowError(*problems.values())
    now = timezone.now()
    if at is None:
        at = article.published_at if article.published_at and article.published_at <= now else now
    article.status = Status.PUBLISHED
    article.published_at = at
    comment = "Published." if at <= now else f"Scheduled for {at.isoformat()}."
    _save(article, by, comment, "status", "published_at")


def unpublish_article(*, article, by):
    """Published (or scheduled) → unpublished: hidden from readers again, and its share links
    revoked. `published_at` is kept, so publishing it again restores its place in the archive."""
    _require_publisher(by)
    _require_editor_of(by, article)
    if article.status != Status.PUBLISHED:
        raise WorkflowError("It is not published.")
    was, article.status = article.status, Status.UNPUBLISHED
    with transaction.atomic():
        _save(article, by, "Unpublished.", "status")
        revoke_if_taken_down(article, was=was, by=by)


def record_change(*, article, kind, note="", by):
    """Record what a save of a public article meant for readers; returns the Correction, if any.

    A minor fix records nothing. An update moves `updated_at` on to now ("Updated …" on the
    page, dateModified in its metadata, the feeds and the sitemap). A correction does the same
    and keeps `note` as a Correction, shown on the article and on the corrections page.
    Saves `updated_at` itself (the article's own save has already happened), which also moves
    `modified` on and so retires the article's cached fragments.
    """
    kind = ChangeKind(kind)
    _require_editor_of(by, article)
    if not article.is_public:
        raise WorkflowError("Only changes to a published article are recorded.")
    if kind == ChangeKind.MINOR:
        return None
    if kind == ChangeKind.CORRECTION and not note.strip():
        raise WorkflowError("Write the correction note readers will see.")
    correction = None
    with transaction.atomic():
        now = timezone.now()
        if kind == ChangeKind.CORRECTION:
            correction = Correction.objects.create(
                article=article, note=note.strip(), created_by=by
            )
            now = correction.created
        article.updated_at = now
        article.save(update_fields=["updated_at", "modified"])
    return correction
