"""The shell's signals: flat pages cleaned as they are saved, the cached header and footer
retired and purged (`chrome`) when one of the shell's sources of it changes, the Site row kept
in step with SITE_URL, and requests that failed for want of a database marked for a 503
(`newsroom.faults`).
Connected by `NewsroomConfig.ready`; content apps connect their own in theirs."""

from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.signals import got_request_exception
from django.db.models.signals import post_delete, post_migrate, post_save, pre_save

from newsroom import purging, surrogate
from newsroom.brands import forget_hosts
from newsroom.faults import note_database_error
from newsroom.fragments import retire_on_change
from newsroom.models import FooterLink, SiteSettings, SocialLink
from newsroom.sanitising import sanitise_body
from newsroom.site_domain import PLACEHOLDER, fill_placeholder_domain


def clean_flat_page(sender, instance, **kwargs):
    """Keep only what an article body may hold: a footer page written in the admin, imported or
    made in a shell cannot redirect readers (meta refresh), run script or link to javascript:."""
    instance.content = sanitise_body(instance.content)


CHROME_SOURCES = (SiteSettings, SocialLink, FooterLink, FlatPage)


def purge_chrome(**kwargs):
    """The header and footer changed (a brand's settings, social links, footer and flat pages,
    a brand added or removed): every page of every brand shows them (`chrome`: each brand's
    header lists its sisters), feeds and sitemaps show the brand's name."""
    purging.purge({surrogate.CHROME})


def remember_site_domain(instance, **kwargs):
    """Before a Site row is saved: the domain it had (None for a new row)."""
    instance.stored_domain = (
        Site.objects.filter(pk=instance.pk).values_list("domain", flat=True).first()
        if instance.pk is not None
        else None
    )


def purge_site_addresses(instance, **kwargs):
    """The site's domain changed (Django's Site): feeds, sitemaps and robots.txt write full
    addresses with it, and pages' structured data its name. A new row, or the placeholder
    django.contrib.sites creates (migrating, or a test database flushed), served nothing."""
    # A new Site is listed as a sister brand once its settings are saved (which purges).
    if getattr(instance, "stored_domain", None) in (None, PLACEHOLDER):
        return
    purging.purge({surrogate.CHROME, surrogate.FEEDS, surrogate.SITEMAPS, surrogate.ROBOTS})


def connect():
    post_migrate.connect(fill_placeholder_domain, dispatch_uid="newsroom-sync-site-domain")
    pre_save.connect(clean_flat_page, sender=FlatPage, dispatch_uid="newsroom-clean-flat-page")
    retire_on_change(*CHROME_SOURCES)
    for model in CHROME_SOURCES:
        label = model._meta.label
        post_save.connect(purge_chrome, sender=model, dispatch_uid=f"purge-save-{label}")
        post_delete.connect(purge_chrome, sender=model, dispatch_uid=f"purge-delete-{label}")
    # A brand's extra host names live in its settings: the table of hosts follows them.
    post_save.connect(forget_hosts, sender=SiteSettings, dispatch_uid="brand-hosts-save")
    post_delete.connect(forget_hosts, sender=SiteSettings, dispatch_uid="brand-hosts-delete")
    post_save.connect(forget_hosts, sender=Site, dispatch_uid="brand-hosts-site-save")
    post_delete.connect(forget_hosts, sender=Site, dispatch_uid="brand-hosts-site-delete")
    pre_save.connect(remember_site_domain, sender=Site, dispatch_uid="remember-site-domain")
    post_save.connect(purge_site_addresses, sender=Site, dispatch_uid="purge-save-site")
    # Each brand's header lists the others at their addresses (newsroom.chrome); deleting a
    # brand's Site deletes its settings, which purges.
    retire_on_change(Site)
    got_request_exception.connect(note_database_error, dispatch_uid="newsroom-faults")
