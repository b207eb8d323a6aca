from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """The site shell: settings, site-wide pieces, caching helpers and the registries (sitemaps,
    navigation, cached fragments) that content apps fill in their own `ready()`."""

    name = "newsroom"
    verbose_name = "Site"

    def ready(self):
        # Inside ready(): models may be imported only once the app registry is ready (Django's
        # loading order, not an import cycle).
        from newsroom import db_routing, signals, sitemaps

        signals.connect()
        db_routing.tasks_read_from_primary()
        sitemaps.register("pages", sitemaps.PageSitemap, order=40)
