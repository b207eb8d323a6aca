"""Article querysets: what the public may see, and the listings every public page is built from.

`published()` is the only filter for "the public may see this"; it applies
`Article.public_condition`, looked up on the model at call time. Every listing below starts from
it, so a page, feed, sitemap or search that lists articles never states the rule itself.

Listings are named for the page that shows them: `latest()` (the latest page, the site feeds,
the article rail and the front page's lead), `for_topic()` (a topic's or section's page and
feeds), `by_author()` (an author's page and feeds) and `section_fronts()` (the front page's
section blocks). `cards()` is the one shape a listing card reads.
"""

from django.db import connection, models
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from articles.models.topics import TopicItem

# What a listing card, a rail item and a search result read of an article, and nothing more.
CARD_FIELDS = (
    "headline",
    "slug",
    "standfirst",
    "published_at",
    "modified",
    "featured_image",
    "featured_image_alt",
    "featured_image_width",
    "featured_image_height",
    "featured_image_renditions",
    "section__name",
    "section__slug",
)


def tagged_with(topic):
    """The condition "tagged with `topic`", as a subquery on the topic's items."""
    return Q(pk__in=TopicItem.objects.filter(tag=topic).values("content_object_id"))


class ArticleQuerySet(models.QuerySet):
    def published(self, site=None, now=None):
        """Articles the public of brand `site` may see (see `Article.public_condition`), as of
        `now`; `site=None` for every brand's (the newsroom's own work, never a page)."""
        return self.filter(self.model.public_condition(now=now, site=site))

    def with_public_status(self):
        """Articles that are public or scheduled to be: a public status, whatever the time."""
        return self.filter(status__in=self.model.PUBLIC_STATUSES)

    def newest_first(self):
        return self.order_by("-published_at", "-id")

    def cards(self):
        """The shape of a listing card: the section joined, only the fields a card shows."""
        return self.select_related("section").only(*CARD_FIELDS)

    def latest(self, site):
        """Brand `site`'s public articles as cards, newest first: every listing starts here."""
        return self.published(site).cards().newest_first()

    def rows_with_ids(self, ids):
        """The public cards whose ids the subquery `ids` gives, newest first (as `latest()`).

        For reading a page of a listing in two steps in one query (newsroom.pages.
        KeysetPaginator, the feeds): `ids` is the listing's page as ids alone, which its
        indexes give without reading the table, and only the rows shown are then read whole.
        """
        # The ids came from a brand's listing; the public rule is applied again, brand aside.
        return self.model.objects.latest(None).filter(pk__in=ids)

    def tagged(self, topic):
        """Those tagged with `topic`.

        A subquery rather than a join, so no DISTINCT is needed and the listing index serves
        the ordering.
        """
        return self.filter(tagged_with(topic))

    def in_section(self, topic):
        """Those in the section `topic` or tagged with it: a section page's articles.

        Only sections add `OR section = …`: on a topic tagged on much of the archive the OR
        keeps PostgreSQL from walking the listing index (37 ms against 2 ms at 100,000
        articles), which is why a plain topic uses `tagged` alone.
        """
        return self.filter(Q(section=topic) | tagged_with(topic))

    def for_topic(self, topic):
        """A topic's listing: `in_section` for a section (a topic in the navigation), else
        `tagged`."""
        return self.in_section(topic) if topic.in_navigation else self.tagged(topic)

    def by_author(self, author):
        """Those with `author` in the byline."""
        return self.filter(article_authors__author=author)

    def section_fronts(self, sections, per_section, exclude=None, *, site):
        """The front page's section blocks: the newest `per_section` public cards of each
        section id in `sections` on brand `site`, as {section id: [cards]}, leaving out the
        article `exclude`.

        Two queries whatever the number of sections: the ids, then the cards. Where the
        database can order and limit inside a UNION (PostgreSQL), each section's ids come from
        its own index scan; elsewhere (SQLite, the small embedded default) a window function
        ranks them.
        """
        if not sections:
            return {}
        public = self.published(site).exclude(pk=exclude).newest_first()
        if connection.features.supports_slicing_ordering_in_compound:
            parts = [
                public.filter(section_id=section_id).values_list("pk", flat=True)[:per_section]
                for section_id in sections
            ]
            ids = list(parts[0].union(*parts[1:], all=True))
        else:
            ranked = public.filter(section_id__in=sections).annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("section_id"),
                    order_by=[F("published_at").desc(), F("id").desc()],
                )
            )
            ids = list(ranked.filter(rank__lte=per_section).values_list("pk", flat=True))
        fronts = {section_id: [] for section_id in sections}
        for card in self.latest(None).filter(pk__in=ids):
            fronts[card.section_id].append(card)
        return fronts
