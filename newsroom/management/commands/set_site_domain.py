"""Point the Site row (feeds, sitemaps, robots.txt) at SITE_URL on an existing database."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from newsroom.site_domain import set_site_domain


class Command(BaseCommand):
    help = (
        "Set the site's domain (and its name, unless it has one of its own) from SITE_URL, "
        "so that feeds, sitemaps and robots.txt name the public address."
    )

    def handle(self, *args, **options):
        try:
            site = set_site_domain()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"The site's domain is now {site.domain}.")
