"""The sitemaps of articles and topics, registered with the shell's sitemap index
(`newsroom.sitemaps.register`) by `ArticlesConfig.ready`.

Every list of articles goes through `Article.objects.published(site)` for the brand in hand
(newsroom.brands), so a draft or a scheduled
article reaches no crawler before it reaches readers.
"""

import math
from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Count, Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from articles.models import Article, Topic, TopicItem, public_condition
from newsroom.brands import current_site
from newsroom.sitemaps import StreamedSitemap


class PublicArticles(Sitemap):
    """Every public article, as sitemaps list them."""

    def items(self):
        return (
            Article.objects.published(current_site())
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
        """The newest `lastmod`, in one query served by indexes (the newest publication and
        the newest update, each the first row of an index)."""
        newest = self.items().aggregate(published=Max("published_at"), updated=Max("updated_at"))
        return max(filter(None, newest.values()), default=None)


class IdRangePage:
    def __init__(self, number, object_list):
        self.number, self.object_list = number, object_list


class IdRangePaginator:
    """A sitemap's pages by ranges of ids: page n holds the public articles whose ids are in
    ((n - 1) * limit, n * limit], in id order. Reading page 15 of a million articles is one
    range scan of the primary key, not an OFFSET over 700,000 rows; how many pages there are
    is the newest public id (one index read), not a count; and a page changes only when one
    of its own articles does. A page may hold fewer than `limit` (drafts, deleted articles),
    even none."""

    def __init__(self, items, limit):
        self.items, self.limit = items, limit

    @cached_property
    def num_pages(self):
        top = self.items.order_by().aggregate(top=Max("pk"))["top"] or 0
        return max(1, math.ceil(top / self.limit))

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not a whole number.") from None
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("There is no such page.")
        return number

    def page(self, number):
        number = self.validate_number(number)
        bounds = {"pk__gt": (number - 1) * self.limit, "pk__lte": number * self.limit}
        return IdRangePage(number, self.items.filter(**bounds).order_by("pk"))


class ArticleSitemap(StreamedSitemap, PublicArticles):
    """Every public article, 50,000 to a page (the most a sitemap may hold), by ranges of ids
    (`IdRangePaginator`), streamed (`newsroom.sitemaps.StreamedSitemap`)."""

    limit = 50_000

    @property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)

    def entries(self, page):
        """(address, lastmod) of the page's articles, read as plain rows: building 50,000
        articles and reversing 50,000 addresses would take seconds."""
        address = article_addresses()
        rows = page.object_list.values_list("section__slug", "slug", "updated_at", "published_at")
        for section, slug, updated_at, published_at in rows.iterator(chunk_size=5000):
            yield address(section, slug), updated_at or published_at

    def page_version(self, page):
        """What the page's content depends on besides the site's address, in two small
        queries: how many articles it lists and their newest save (a changed slug, section,
        publication or update is a save), and the sections' slugs (their articles'
        addresses start with them: all topics, a few hundred short rows)."""
        summary = page.object_list.order_by().aggregate(listed=Count("pk"), saved=Max("modified"))
        sections = list(Topic.objects.order_by("pk").values_list("pk", "slug"))
        return [summary["listed"], summary["saved"], sections]


def article_addresses():
    """A function (section slug, article slug) → the article's address, as
    `Article.get_absolute_url` gives it, made from one `reverse()` for a whole list: slugs
    hold only characters an address keeps as they are, so putting them in place of two
    markers gives what reversing each would."""
    markers = {"section": "section-0marker0", "slug": "article-0marker0"}
    made = reverse("articles:article-detail", kwargs=markers)
    head, rest = made.split(markers["section"])
    middle, tail = rest.split(markers["slug"])
    return lambda section, slug: f"{head}{section}{middle}{slug}{tail}"


class NewsSitemap(PublicArticles):
    """Public articles of the last two days, newest first, for Google News."""

    limit = 1000  # the most Google News reads from one news sitemap
    window = timedelta(hours=48)  # Google News only takes articles of the last two days

    def items(self):
        return (
            super()
            .items()
            # The brand's own articles: a syndicated copy is the first brand's news.
            .filter(brand=current_site(), published_at__gte=timezone.now() - self.window)
            .order_by("-published_at", "-id")
        )


class TopicSitemap(Sitemap):
    """Sections and topics with at least one public article, at their own addresses.

    Asked of each topic with two index probes (an article in the section, an article tagged
    with it), so its cost follows the number of topics, not of articles."""

    def items(self):
        site = current_site()
        in_section = Article.objects.published(site).filter(section=OuterRef("pk"))
        tagged = TopicItem.objects.filter(
            public_condition("content_object__", site=site), tag=OuterRef("pk")
        )
        return Topic.objects.filter(Exists(in_section) | Exists(tagged)).order_by("name")
