"""Corrections and preview links: notes and share links attached to an article.

Both hang off an article without changing it: a correction note readers see, and a share link
for someone without an account. They change with the corrections page and the preview, not
with the article's fields.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.articles import Article


class Correction(models.Model):
    """A correction note on a published article, shown on it and on the corrections page."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    note = models.TextField(
        help_text="What was wrong and what is right now, in a sentence or two readers will see."
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"Correction to {self.article}"


class PreviewLinkQuerySet(models.QuerySet):
    def live(self):
        """Links that still open their article: neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class PreviewLink(models.Model):
    """A share link to an article's preview, for someone without an account (articles.preview).

    The token is random, so a link names nothing a reader could change to reach another
    article; it works until `expires_at` unless revoked first (see
    `articles.preview_links.revoke_preview_links`). Deleting the article deletes its links.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    token = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(help_text="The link stops working at this time.")
    last_opened_at = models.DateTimeField(
        null=True, blank=True, help_text="When someone last opened the link; empty if never."
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="When an editor, or a takedown, stopped the link."
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        # Who may make or revoke an article's links is who may change the article
        # (articles.admin.preview); permissions of their own would only mislead.
        default_permissions = ()

    def __str__(self):
        return f"Share link to {self.article}"
