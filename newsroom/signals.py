"""Cache invalidation for the shared header and footer (see `newsroom.chrome`), flat pages
cleaned as they are saved, and the Site row kept in step with SITE_URL."""

from django.contrib.flatpages.models import FlatPage
from django.db.models.signals import post_delete, post_save, pre_save

from newsroom.chrome import forget_chrome
from newsroom.models import FooterLink, NetworkLink, SiteSettings, SocialLink
from newsroom.sanitising import sanitise_body
from newsroom.site_domain import fill_placeholder_domain


def clean_flat_page(sender, instance, **kwargs):
    """Keep only what an article body may hold: a footer page written in the admin, imported or
    made in a shell cannot redirect readers (meta refresh), run script or link to javascript:."""
    instance.content = sanitise_body(instance.content)


def connect():
    from django.db.models.signals import post_migrate

    from articles.models import Topic

    post_migrate.connect(fill_placeholder_domain, dispatch_uid="newsroom-sync-site-domain")

    pre_save.connect(clean_flat_page, sender=FlatPage, dispatch_uid="newsroom-clean-flat-page")

    for model in (SiteSettings, NetworkLink, SocialLink, FooterLink, FlatPage, Topic):
        post_save.connect(forget_chrome, sender=model, dispatch_uid=f"chrome-save-{model.__name__}")
        post_delete.connect(
            forget_chrome, sender=model, dispatch_uid=f"chrome-delete-{model.__name__}"
        )
