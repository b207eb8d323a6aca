"""The sitemap of authors, registered with the shell's sitemap index
(`newsroom.sitemaps.register`) by `AuthorsConfig.ready`."""

from django.contrib.sitemaps import Sitemap

from authors.models import Author


class AuthorSitemap(Sitemap):
    """Authors with at least one public article."""

    def items(self):
        return Author.objects.with_public_articles().order_by("name")
