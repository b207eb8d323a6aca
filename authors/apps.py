from django.apps import AppConfig


class AuthorsConfig(AppConfig):
    """Authors: the people in bylines, their pages and feeds."""

    name = "authors"

    def ready(self):
        """Register the authors' sitemap and the cached fragments an author's change retires."""
        # Inside ready(): models may be imported only once the app registry is ready (Django's
        # loading order, not an import cycle).
        from authors.models import Author
        from authors.sitemaps import AuthorSitemap
        from newsroom import fragments, sitemaps

        sitemaps.register("authors", AuthorSitemap, order=30)
        fragments.retire_on_change(Author, content=True)
