from django.apps import AppConfig


class AuthorsConfig(AppConfig):
    """Authors: the people in bylines, their pages and feeds."""

    name = "authors"

    def ready(self):
        """Register the authors' sitemap and what an author's change purges."""
        # Inside ready(): models may be imported only once the app registry is ready (Django's
        # loading order, not an import cycle).
        from authors import changes
        from authors.sitemaps import AuthorSitemap
        from newsroom import sitemaps

        sitemaps.register("authors", AuthorSitemap, order=30)
        changes.connect()
