"""The sitemaps of articles and topics, registered with the shell's sitemap index
(`newsroom.sitemaps.register`) by `ArticlesConfig.ready`.

Every list of articles goes through `Article.objects.published()`, so a draft or a scheduled
article reaches no crawler before it reaches readers.
"""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import Article, Topic
from articles.views import topic_counts


class ArticleSitemap(Sitemap):
    """Every public article, 5,000 to a page."""

    limit = 5000

    def items(self):
        # Oldest first: a new article lands on the last page, so the earlier pages stay the
        # same (and cached) as the archive grows.
        return (
            Article.objects.published()
            .select_related("section")
            .only("headline", "slug", "published_at", "updated_at", "section__slug")
            .order_by("published_at", "id")
        )

    def lastmod(self, article):
        # The editor's "updated" time rather than `modified`, which every save moves: crawlers
        # trust a lastmod that changes when readers would see a change, and the page and the
        # feeds show this one.
        return article.updated_at or article.published_at

    def get_latest_lastmod(self):
        """The newest `lastmod`, in one query (Django's default would read every item)."""
        latest = Max(Coalesce("updated_at", "published_at"))
        return self.items().aggregate(latest=latest)["latest"]


class NewsSitemap(ArticleSitemap):
    """Public articles of the last two days, newest first, for Google News."""

    limit = 1000  # the most Google News reads from one news sitemap
    window = timedelta(hours=48)  # Google News only takes articles of the last two days

    def items(self):
        return (
            super()
            .items()
            .filter(published_at__gte=timezone.now() - self.window)
            .order_by("-published_at", "-id")
        )


class TopicSitemap(Sitemap):
    """Sections and topics with at least one public article, at their own addresses."""

    def items(self):
        return Topic.objects.filter(pk__in=topic_counts()).order_by("name")
