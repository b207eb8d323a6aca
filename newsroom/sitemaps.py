"""What crawlers read: sitemaps (sitemaps.org 0.9), the Google News sitemap and robots.txt.

Every list of articles goes through `Article.objects.published()`, so a draft or a scheduled
article reaches no crawler before it reaches readers. Addresses are made as Django's sitemap
views make them: the current Site's domain and the scheme of the request.

Queries: the index costs a count per sitemap and the newest change of the two article
sitemaps (seven); a sitemap page costs a count and the page (two), and the news sitemap one
more for the publication's name.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.flatpages.sitemaps import FlatPageSitemap
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sites.shortcuts import get_current_site
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Topic
from articles.views import topic_counts
from authors.models import Author
from newsroom.models import SiteSettings


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


class AuthorSitemap(Sitemap):
    """Authors with at least one public article."""

    def items(self):
        return Author.objects.with_public_articles().order_by("name")


SECTIONS = {
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "authors": AuthorSitemap,
    "pages": FlatPageSitemap,
}
# The index lists the news sitemap too. Its address is what the section pattern gives "news"
# (sitemap-news.xml); the news route, which comes first, serves it with its own template.
INDEX = {**SECTIONS, "news": NewsSitemap}


def news_sitemap(request):
    """The Google News sitemap: each article with the publication, its time and headline."""
    response = sitemap_views.sitemap(
        request, {"news": NewsSitemap}, template_name="sitemaps/news.xml"
    )
    response.context_data.update(
        publication_name=SiteSettings.load().brand_name,
        # Google News wants the ISO 639 language, "en" rather than "en-gb".
        publication_language=settings.LANGUAGE_CODE.split("-")[0],
    )
    return response


def robots_txt(request):
    """Keep crawlers out of the admin and search results; point them at the sitemaps."""
    site = get_current_site(request)

    def absolute(name):
        return f"{request.scheme}://{site.domain}{reverse(name)}"

    # A custom ADMIN_URL is kept off scanners' lists; robots.txt, which anyone reads, names only
    # the usual one.
    admin = [f"Disallow: {reverse('admin:index')}"] if settings.ADMIN_URL == "admin/" else []
    lines = [
        "User-agent: *",
        *admin,
        f"Disallow: {reverse('articles:search')}",
        "",
        f"Sitemap: {absolute('newsroom:sitemap-index')}",
        f"Sitemap: {absolute('newsroom:sitemap-news')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
