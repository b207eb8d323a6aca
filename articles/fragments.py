"""Cached fragments of public pages, and the version number that retires them.

The article page caches its rendered article and its "latest" rail. Each fragment's key holds
`content_version()`, which moves on whenever an article, author, topic or related link is saved
or deleted, so an edit shows on the next request (code that writes with `QuerySet.update()`
or `bulk_create()` alone calls `bump_content_version()` itself). Time alone does not change
the database, so a fragment also expires after `settings.NEWSROOM_FRAGMENT_SECONDS`: a
scheduled article reaches the rail, and "3 minutes ago" moves on, within that time (0 turns
fragment caching off).
"""

import time

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "newsroom:content-version"


def content_version():
    """The current content version (one cache read, no SQL)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, None)
    return version


def bump_content_version(**kwargs):
    """Signal receiver: retire every cached fragment once the change is committed.

    Bumping earlier would let a request that still sees the old rows cache them under the new
    version.
    """
    transaction.on_commit(lambda: cache.set(VERSION_KEY, time.time_ns(), None))


def connect():
    from django.db.models.signals import post_delete, post_save

    from articles.models import Article, ArticleAuthor, RelatedLink, Topic, TopicItem
    from authors.models import Author

    for model in (Article, ArticleAuthor, RelatedLink, Topic, TopicItem, Author):
        uid = model.__name__
        post_save.connect(bump_content_version, sender=model, dispatch_uid=f"fragments-save-{uid}")
        post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"fragments-del-{uid}")
