"""Revisions of articles: registering them with django-reversion (`register_models`, from
`ArticlesConfig.ready`), and recording them.

django-reversion stores the revisions. An article's revision holds the article's own fields and
its related rows (byline, topics, related links), so a restore brings all of them back; the
featured image and its alt text, caption and credit are fields of the article itself.

What a revision captures is `articles.revision_state`; comparing two states is
`articles.revision_diff`; restoring is `articles.restoring`. The names of those first two are
re-exported here, where callers have always found them.
"""

import reversion
from reversion.models import Version

from articles.models import Article, ArticleAuthor, RelatedLink, TopicItem
from articles.revision_diff import (
    CONTEXT,
    Change,
    Names,
    Segment,
    changed_since,
    compare,
    fingerprint,
    word_diff,
)
from articles.revision_state import (
    BOOKKEEPING,
    LABELLED_BY,
    PUBLICATION,
    RELATIONS,
    ArticleState,
    Entry,
    entries,
    field_values,
)

__all__ = [
    "BOOKKEEPING",
    "CONTEXT",
    "LABELLED_BY",
    "PUBLICATION",
    "RELATIONS",
    "ArticleState",
    "Change",
    "Entry",
    "Names",
    "Segment",
    "add_to_revision",
    "article_versions",
    "changed_since",
    "compare",
    "entries",
    "field_values",
    "fingerprint",
    "keep_imported_state",
    "record_revision",
    "register_models",
    "word_diff",
]


def register_models():
    """Have django-reversion keep the article with its byline, topics and related links.

    Called once, by `ArticlesConfig.ready`. The admin's `VersionAdmin` registers the models it
    shows, with defaults of its own, when the admin is built (django.contrib.admin's `ready`
    runs before this app's); these registrations replace those.
    """
    # The search vector is written by a database trigger from the text it indexes, and the
    # rendered body by `save()` from the body, so neither is worth keeping; restoring one would
    # only be overwritten.
    follow = tuple(relation for relation, _, _ in RELATIONS.values())
    for model, options in (
        (ArticleAuthor, {}),
        (TopicItem, {}),
        (RelatedLink, {}),
        (
            Article,
            {"exclude": ("search_vector", "body_rendered", "body_rendered_key"), "follow": follow},
        ),
    ):
        if reversion.is_registered(model):
            reversion.unregister(model)
        reversion.register(model, **options)


# History and restoring ---------------------------------------------------------------------


def article_versions(article):
    """The article's recorded versions in the order they were kept, with revision and user.

    A version's place in this list is its revision number on the history page.
    """
    return Version.objects.get_for_object(article).select_related("revision__user").order_by("pk")


def add_to_revision(article):
    """Record the article and its related rows as they now stand in the active revision.

    For use at the end of a save: rows written without signals (bulk creates, taggit's
    `set`) and rows changed after the article was saved are recorded as they finally are.
    """
    # Fresh queries, not the related managers: the admin's queryset prefetches the byline. The
    # rows go first, so that following them from the article finds them recorded already; each
    # comes with what its str() (the version's label) reads.
    for key, (_, model, article_field) in RELATIONS.items():
        rows = model._default_manager.filter(**{article_field: article.pk})
        for row in rows.select_related(*LABELLED_BY[key]):
            if key == "topics":
                row.content_object = article
            reversion.add_to_revision(row)
    reversion.add_to_revision(article)


def record_revision(article, *, comment, user=None):
    """Keep a revision of the article as it now stands (for saves outside the admin).

    Inside an active revision (a wider block already recording) the article joins it.
    """
    if reversion.is_active():
        add_to_revision(article)
        return
    with reversion.create_revision():
        reversion.set_comment(comment)
        reversion.set_user(user)
        add_to_revision(article)


def keep_imported_state(article_id):
    """Record an imported article as it was imported, just before it first changes.

    Importers keep a revision only for articles that already have a history: at archive scale
    a revision per new article costs more than the article itself, and the imported state
    is still in the database until someone changes it. Whatever is about to change an article
    (the admin's save, a workflow step) calls this first; an article with any revision, or
    one never imported, is left alone. Two queries.
    """
    try:
        article = (
            # Born here: keyed "newsroom" by its own save, with no import's fingerprint (a
            # JSONL line without a `source` is keyed "newsroom" too, but has one).
            Article.objects.exclude(source_system="newsroom", source_fingerprint="")
            .defer("search_vector")
            .get(pk=article_id)
        )
    except (Article.DoesNotExist, ValueError, TypeError):
        return
    if Version.objects.get_for_object(article).exists():
        return
    with reversion.create_revision():
        reversion.set_comment(f"As imported (from {article.source_system}).")
        add_to_revision(article)
