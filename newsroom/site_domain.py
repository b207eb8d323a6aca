"""The default brand's Site domain, which feeds, sitemaps and robots.txt name, taken from SITE_URL.

`migrate` fills it in on a new database (only over Django's placeholder, so a domain set in the
admin survives later migrations); `manage.py set_site_domain` and `demo_site` set it on an
existing one, so that a database made under another address follows the new SITE_URL.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.exceptions import ImproperlyConfigured

PLACEHOLDER = "example.com"  # what django.contrib.sites creates


def site_url_host():
    """SITE_URL's host (with its port, if it names one): `news.example.org`."""
    host = urlsplit(settings.SITE_URL).netloc
    if not host:
        raise ImproperlyConfigured(
            f"SITE_URL must be an address such as https://news.example.org; got "
            f"{settings.SITE_URL!r}."
        )
    return host


def set_site_domain(*, name=None):
    """Give the default brand's Site row SITE_URL's host, creating the row if it is missing.

    Its name follows too unless it was given (`name`) or set to something of its own.
    """
    host = site_url_host()
    site = Site.objects.filter(pk=settings.DEFAULT_SITE_ID).first() or Site(
        pk=settings.DEFAULT_SITE_ID
    )
    if name is not None:
        site.name = name
    elif not site.name or site.name in {PLACEHOLDER, site.domain}:
        site.name = host
    site.domain = host
    site.save()  # through save(), which empties Django's cache of the current site
    return site


def fill_placeholder_domain(**kwargs):
    """After migrations: replace the placeholder domain only, never one an editor set."""
    if Site.objects.filter(pk=settings.DEFAULT_SITE_ID, domain=PLACEHOLDER).exists():
        set_site_domain()
