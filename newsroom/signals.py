"""Cache invalidation for the shared header and footer (see `newsroom.chrome`)."""

from django.contrib.flatpages.models import FlatPage
from django.db.models.signals import post_delete, post_save

from newsroom.chrome import forget_chrome
from newsroom.models import FooterLink, NetworkLink, SiteSettings, SocialLink


def connect():
    from articles.models import Topic

    for model in (SiteSettings, NetworkLink, SocialLink, FooterLink, FlatPage, Topic):
        post_save.connect(forget_chrome, sender=model, dispatch_uid=f"chrome-save-{model.__name__}")
        post_delete.connect(
            forget_chrome, sender=model, dispatch_uid=f"chrome-delete-{model.__name__}"
        )
