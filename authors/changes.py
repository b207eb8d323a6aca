"""What an author's change touches: their page and feeds and every page showing their name
(bylines, author boxes, feed entries) all carry `author-<pk>`; the sitemaps list their address.
(A byline change is the article's: articles.changes.)"""

from django.db.models.signals import post_delete, post_save, pre_save

from authors.models import Author
from newsroom import purging, surrogate


def _before(sender, instance, **kwargs):
    instance._stored_slug = Author.objects.filter(pk=instance.pk).values_list(
        "slug", flat=True
    ).first()


def _after(sender, instance, **kwargs):
    keys = {surrogate.key_for(instance)}
    if getattr(instance, "_stored_slug", None) != instance.slug:
        keys.add(surrogate.SITEMAPS)
    purging.purge(keys)


def connect():
    pre_save.connect(_before, sender=Author, dispatch_uid="purge-before-save-author")
    post_save.connect(_after, sender=Author, dispatch_uid="purge-after-save-author")
    post_delete.connect(_after, sender=Author, dispatch_uid="purge-after-delete-author")
