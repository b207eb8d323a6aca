"""Restoring an article to a recorded revision, and writing parts of one state onto an article.

A restore brings back content: every field an editor sets, the byline, topics and related
links. It never brings back the workflow's state (status, first publication, "Updated"): an
old revision of a live article was often recorded while it was a draft, and bringing that
back would take the article down. On a live article the restore is a change like any other,
recorded as a minor fix, an update or a correction through `workflow.note_change`.

`apply_fields` and `replace_rows` are also how a stale save keeps what someone else saved
meanwhile (see `articles.merging`).
"""

from dataclasses import dataclass

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction
from reversion.models import Version

from articles import workflow
from articles.links import is_safe_link_address
from articles.models import Article
from articles.revisions import (
    BOOKKEEPING,
    PUBLICATION,
    RELATIONS,
    ArticleState,
    Names,
    add_to_revision,
)

# Article fields a restore leaves as they are.
NOT_RESTORED = BOOKKEEPING | PUBLICATION


class RestoreError(Exception):
    """A revision that cannot be restored as it is; the message says why, for the editor."""


@dataclass
class RestoreResult:
    article: Article
    number: int  # the revision's place in the article's history, from 1
    created: bool  # True when a deleted article came back
    left_out: list  # sentences naming what could not be brought back


def restore_revision(*, version, by, change_kind=None, correction_note=""):
    """Bring an article's content back to a recorded version, keeping the result as a new
    revision.

    Every field an editor sets comes back, with the byline, topics and related links, and the
    article's version goes up so open change forms notice. The status and the publication and
    "Updated" times stay as they are, whoever restores; a deleted article is created again as
    a draft. On an article that stays public, `change_kind` (and `correction_note` for a
    correction) says what the restore means for readers, as for any save of a public article
    (see `workflow.note_change`). Only `version`'s article is restored, even when its
    revision also recorded other articles (a bulk action's). Authors, topics and linked
    articles deleted since are left out and named in the result. A published article whose
    address changes leaves a redirect from the old one, as a save in the admin does.
    """
    article_id = int(version.object_id)
    number = (
        Version.objects.get_for_object_reference(Article, article_id)
        .filter(pk__lte=version.pk)
        .count()
    )
    state = ArticleState.of_version(version)
    left_out = []
    with transaction.atomic(), reversion.create_revision():
        current = Article.objects.select_for_update().filter(pk=article_id).first()
        created = current is None
        if created:
            current = Article(pk=article_id, created_by_id=state.fields.get("created_by_id"))
        elif not workflow.can_edit(by, current):
            raise PermissionDenied("You may not change this article.")
        # What was stored, for the one publication path (the status itself is not restored).
        publication = workflow.Publication.new() if created else workflow.Publication.of(current)
        reversion.set_user(by)
        reversion.set_comment(f"{'Recovered' if created else 'Restored'} revision {number}.")
        names = Names(state)
        apply_fields(current, state, exclude=NOT_RESTORED)
        try:
            # A revision from before a move to another brand moves it back: both brands'.
            publication.check_brands(current, by=by)
        except PermissionDenied:
            raise RestoreError(
                "This revision places the article in a brand you do not work on, so you "
                "cannot restore it."
            ) from None
        if current.section_id and current.section_id not in names.topics:
            left_out.append("The section has been deleted since; the article has none now.")
            current.section_id = None
        if created and current.created_by_id is not None:
            user_model = Article._meta.get_field("created_by").related_model
            if not user_model._default_manager.filter(pk=current.created_by_id).exists():
                current.created_by_id = None
        _check_unique(current)
        _check_publishable(current, state, names)
        if change_kind and current.is_public:
            try:
                workflow.note_change(
                    article=current, kind=change_kind, note=correction_note, by=by
                )
            except workflow.WorkflowError as error:
                raise RestoreError(str(error)) from None
        left_out += publication.save(current, by=by)
        left_out += replace_rows(current, state, names)
        add_to_revision(current)
    return RestoreResult(current, number, created, left_out)


def apply_fields(article, state, *, exclude=frozenset(), only=None):
    """Set the article's fields to the state's: all but those in `exclude`, or those in
    `only`; never those the state lacks (fields added to the model after it was recorded)."""
    for model_field in Article._meta.concrete_fields:
        if model_field.name in exclude or model_field.attname not in state.fields:
            continue
        if only is not None and model_field.name not in only:
            continue
        value = state.fields[model_field.attname]
        if model_field.name == "featured_image":
            article.featured_image.name = value
        else:
            setattr(article, model_field.attname, value)


def replace_rows(article, state, names, *, only=None):
    """Replace the article's byline, topics and related links (or the RELATIONS keys in
    `only`) with the state's; returns sentences naming rows left out. Deleting first keeps
    unique pairs from colliding."""
    left_out = []
    for key, (_, model, article_field) in RELATIONS.items():
        if only is not None and key not in only:
            continue
        model._default_manager.filter(**{article_field: article.pk}).delete()
        restored = []
        for row in state.rows[key]:
            missing = _missing_reference(key, row, names)
            if missing:
                left_out.append(missing)
            else:
                restored.append(model(**row))
        model._default_manager.bulk_create(restored)
    return left_out


def _check_unique(article):
    """Refuse a restore whose address or source identity another article has taken since."""
    others = Article.objects.exclude(pk=article.pk)
    if others.filter(slug=article.slug).exists():
        raise RestoreError(
            f"Another article now has the address “{article.slug}”, which this revision "
            "used. Change one of the two addresses first."
        )
    if (
        article.source_id
        and others.filter(source_system=article.source_system, source_id=article.source_id).exists()
    ):
        raise RestoreError(
            "Another article now has this revision's import source identity "
            f"({article.source_system} {article.source_id})."
        )


def _check_publishable(article, state, names):
    """Refuse to put content that could not be published (an early draft's empty body, no
    byline) onto an article that stays published."""
    if article.status != Article.Status.PUBLISHED:
        return
    problems = list(workflow.publish_problems(article, byline=False).values())
    if not any(row["author_id"] in names.authors for row in state.rows["byline"]):
        problems.append("Add at least one author to the byline before publishing.")
    if problems:
        raise RestoreError(
            "This revision cannot be restored while the article is published: "
            + " ".join(problems)
            + " Restore a later revision, or take the article off the site first."
        )


def _missing_reference(key, row, names):
    """A sentence if the row points at something deleted since (or, for a link recorded before
    addresses were checked, somewhere no link may lead), else None."""
    if key == "related_links" and row.get("url") and not is_safe_link_address(row["url"]):
        if not row["target_id"]:
            return "A related link to an address that is not http(s) or a site path was left out."
        row["url"] = ""
    if key == "byline" and row["author_id"] not in names.authors:
        return f"An author of the byline (number {row['author_id']}) has been deleted since."
    if key == "topics" and row["tag_id"] not in names.topics:
        return f"A topic (number {row['tag_id']}) has been deleted since."
    if key == "related_links" and row["target_id"] and row["target_id"] not in names.articles:
        if not row["url"]:
            return "A related link to an article deleted since was left out."
        row["target_id"] = None
    return None
