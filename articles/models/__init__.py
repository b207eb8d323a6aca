"""The articles app's models, by what changes together.

Topics (`articles.models.topics`), articles and bylines (`articles.models.articles`, with the
public rule in `articles.models.public` and the rendered body in `articles.models.rendering`),
related links (`articles.models.links`), corrections and preview links
(`articles.models.notes`), and what the scheduler has done (`articles.models.scheduling`). All
are defined inside this package, so they keep the app label "articles" and their migrations;
every name is re-exported here, where callers import them from.
"""

from articles.models.articles import Article, ArticleAuthor, ArticleQuerySet
from articles.models.links import RelatedLink
from articles.models.notes import Correction, PreviewLink, PreviewLinkQuerySet
from articles.models.public import public_condition
from articles.models.scheduling import HandledPublication
from articles.models.topics import (
    RESERVED_SLUGS,
    Topic,
    TopicItem,
    TopicQuerySet,
    TopicsManager,
)

__all__ = [
    "RESERVED_SLUGS",
    "Article",
    "ArticleAuthor",
    "ArticleQuerySet",
    "Correction",
    "HandledPublication",
    "PreviewLink",
    "PreviewLinkQuerySet",
    "RelatedLink",
    "Topic",
    "TopicItem",
    "TopicQuerySet",
    "TopicsManager",
    "public_condition",
]
