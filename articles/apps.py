from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    """Articles and topics: the newsroom's content, its workflow, body and public rule."""

    name = "articles"

    def ready(self):
        """Register what the articles app adds to the site: its revisions, sitemaps, the purges
        its models' changes make, the header's sections, and its use of library pictures."""
        # Inside ready(): models may be imported only once the app registry is ready (Django's
        # loading order, not an import cycle).
        from django.db.models import Exists, OuterRef
        from django.db.models.signals import m2m_changed

        from articles import changes, revisions
        from articles.models import Article, Topic
        from articles.picture_replacements import PICTURE_USE
        from articles.sitemaps import ArticleSitemap, NewsSitemap, TopicSitemap
        from library import uses
        from newsroom import brands, chrome, fragments, sitemaps

        revisions.register_models()
        sitemaps.register("articles", ArticleSitemap, order=10)
        sitemaps.register("topics", TopicSitemap, order=20)
        sitemaps.register(sitemaps.NEWS, NewsSitemap, order=90)
        # Each change purges what shows it, at the edge and in the cached fragments.
        changes.connect()
        # Topics in the navigation are the header's sections.
        fragments.retire_on_change(Topic)
        m2m_changed.connect(
            changes.brand_menu_changed,
            sender=Topic.menu_brands.through,
            dispatch_uid="topic-menu-brands",
        )
        chrome.set_navigation(Topic.objects.navigation)
        # Whether any article is syndicated to a brand, known with the brand (articles.models).
        syndicated = Article.syndicated_to.through.objects.filter(site=OuterRef("pk"))
        brands.annotate_brands(takes_syndication=Exists(syndicated))
        uses.register(PICTURE_USE)
