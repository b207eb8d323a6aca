"""The revision an import keeps of the articles it overwrites: one rule for every reader.

An import that overwrites an article which already has a history (an editor has changed it)
records one revision of the article as the import left it, with its byline and topics, so both
sides can be compared and restored. An article new from the import gets none: at archive scale
that would cost more than the articles themselves. Its imported state joins its history just
before anything first changes it (`articles.revisions.keep_imported_state`). An article updated
by an import that nobody has edited gets none either: what it lost was the source's earlier
state, which the source still has.
"""

import reversion
from django.db.models import prefetch_related_objects
from reversion.models import Version

from articles.models import Article


def keep_overwritten_history(articles, *, comment):
    """Record one revision holding those of `articles` (just written) that have a history.

    Call it once per batch (or per article) after the articles, bylines and topics are saved.
    Updated articles are recognised by their `version` above 1 (moved on by every overwrite);
    two queries whatever the batch's size, and a few more for those that have a history.
    """
    ids = [str(article.pk) for article in articles if article.version > 1]
    if not ids:
        return
    with_history = set(
        Version.objects.get_for_model(Article)
        .filter(object_id__in=ids)
        .values_list("object_id", flat=True)
    )
    articles = [article for article in articles if str(article.pk) in with_history]
    if not articles:
        return
    prefetch_related_objects(
        articles, "article_authors__author", "topic_items__tag", "related_links"
    )
    with reversion.create_revision():
        reversion.set_comment(comment)
        for article in articles:
            for link in article.article_authors.all():
                reversion.add_to_revision(link)
            for topic_item in article.topic_items.all():
                reversion.add_to_revision(topic_item)
            reversion.add_to_revision(article)
