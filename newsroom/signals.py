"""Cache invalidation for the shared header and footer (see `newsroom.chrome`), and the Site
row kept in step with SITE_URL."""

from django.contrib.flatpages.models import FlatPage
from django.db.models.signals import post_delete, post_save

from newsroom.chrome import forget_chrome
from newsroom.models import FooterLink, NetworkLink, SiteSettings, SocialLink


def sync_site_domain(**kwargs):
    """After migrations, give the Site row (used by feeds and sitemaps) SITE_URL's host.

    Only the placeholder domain Django creates is replaced: a domain set in the admin stays.
    """
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.sites.models import Site

    host = urlsplit(settings.SITE_URL).netloc
    if host:
        Site.objects.filter(pk=settings.SITE_ID, domain="example.com").update(
            domain=host, name=host
        )


def connect():
    from django.db.models.signals import post_migrate

    from articles.models import Topic

    post_migrate.connect(sync_site_domain, dispatch_uid="newsroom-sync-site-domain")

    for model in (SiteSettings, NetworkLink, SocialLink, FooterLink, FlatPage, Topic):
        post_save.connect(forget_chrome, sender=model, dispatch_uid=f"chrome-save-{model.__name__}")
        post_delete.connect(
            forget_chrome, sender=model, dispatch_uid=f"chrome-delete-{model.__name__}"
        )
