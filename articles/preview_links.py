"""Share links to an article's preview: made on purpose, listed, revoked, and stopped by a
takedown.

A link is a `PreviewLink` row named by a random token. It works for `PREVIEW_LINK_DAYS` days
from when it is made, unless it is revoked first: by an editor on the change form
(articles.admin.preview), or by whatever takes a published article down (unpublishing, sending
it back to draft, a save or a re-import that moves its status away from published), all of
which call `revoke_if_taken_down` through `workflow.Publication.finish`. Deleting an article
deletes its links.
"""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, PreviewLink

# What `secrets.token_urlsafe` writes. Anything else is refused before the database sees it (a
# NUL byte, say, which PostgreSQL would refuse with an error).
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,64}")


def link_days():
    return settings.PREVIEW_LINK_DAYS


def create_preview_link(article, *, by):
    """A new share link to `article`, working for `PREVIEW_LINK_DAYS` days from now."""
    now = timezone.now()
    return PreviewLink.objects.create(
        article=article,
        token=secrets.token_urlsafe(32),
        created=now,
        created_by=by,
        expires_at=now + timedelta(days=link_days()),
    )


def preview_path(link):
    """The address of the page the link opens (build an absolute one from a request)."""
    return reverse("articles:preview", kwargs={"token": link.token})


def live_links(article):
    """The article's links that still work, newest first, with who made each (one query)."""
    return list(article.preview_links.live().select_related("created_by"))


def revoke(links, *, by=None):
    """Stop each of `links` (a queryset) that still works; returns how many (one UPDATE)."""
    return links.live().update(revoked_at=timezone.now(), revoked_by=by)


def revoke_preview_links(*articles, by=None):
    """Stop every live share link of `articles`; returns how many (one UPDATE).

    Called by every step that takes a published article down (see `revoke_if_taken_down`),
    whoever takes it: `by` is None for an import.
    """
    return revoke(PreviewLink.objects.filter(article__in=[a.pk for a in articles]), by=by)


def is_takedown(was, now):
    """Whether a status change takes a published (or scheduled) article down."""
    return was == Article.Status.PUBLISHED and now != Article.Status.PUBLISHED


def revoke_if_taken_down(article, *, was, by=None):
    """Revoke the article's links if its status moved away from published (from `was`)."""
    if is_takedown(was, article.status):
        return revoke_preview_links(article, by=by)
    return 0


def open_link(token):
    """The id of the article a live link names, recording that it was opened; None for an
    expired, revoked, unknown or malformed token. Two queries: the look-up and one UPDATE."""
    if not TOKEN_SHAPE.fullmatch(token):
        return None
    found = PreviewLink.objects.live().filter(token=token).values_list("pk", "article_id")[:1]
    if not found:
        return None
    pk, article_id = found[0]
    PreviewLink.objects.filter(pk=pk).update(last_opened_at=timezone.now())
    return article_id
