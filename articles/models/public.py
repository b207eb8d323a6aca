"""The one rule of what the public may see, for the database and for one article in hand.

`PublicRule` is mixed into `Article` (articles.models.articles): `Article.public_condition` says
the rule to the database, `Article.is_public` of one article in hand, `Article.shown_on` which
brand shows it. `ArticleQuerySet.published` (articles.models.listings) applies the condition to
a listing, and `public_condition(prefix)` below across a relation, for other models' querysets.
Nothing else states the rule: tests/test_public_rule.py changes it here and watches every public
surface follow.
"""

from django.apps import apps
from django.db import models
from django.utils import timezone


class AmongIds(models.Func):
    """`expression IN (subquery of ids)`, as a condition; to PostgreSQL as `= ANY(ARRAY(…))`.

    Either way the ids are the same. PostgreSQL plans `IN (subquery)` beside another condition
    joined by OR as a "hashed SubPlan" it can only test row by row (and guesses half the
    table matches), so a listing of "its own or syndicated to it" walked the listing index
    newest first, row after row, however few articles the brand had. An array computed first
    is a list of keys the primary key's index answers, so the planner may join both sides
    with a BitmapOr and sort the few rows they give, and still walks the listing index where
    matches are dense (docs/brands.md, "Listings stay on the indexes").
    """

    output_field = models.BooleanField()
    conditional = True
    template = "%(expressions)s"
    arg_joiner = " IN "  # the subquery brings its own parentheses

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, arg_joiner=" = ANY(ARRAY", template="%(expressions)s)",
            **extra_context,
        )


def public_condition(prefix="", *, site=None):
    """`Article.public_condition` across a relation, for querysets of other models (e.g.
    "article__" for corrections): the same rule, looked up when called."""
    # Looked up on the model at call time, so a change of the rule (or a test's) holds here too.
    return apps.get_model("articles", "Article").public_condition(prefix, site=site)


class PublicRule:
    """What the public may see of an article. The model gives `PUBLIC_STATUSES`, `status`,
    `published_at`, `brand` and `syndicated_to`."""

    @classmethod
    def public_condition(cls, prefix="", now=None, *, site=None):
        """The one definition of what the public may see, as a condition: a public status,
        a publication time that has come (`now`, or the present), and, on brand `site`'s
        pages, an article of that brand or syndicated to it. `site=None` is every brand's
        articles (the newsroom's own work: tasks, purges), never a page's.

        `prefix` applies it across a relation (e.g. "target__" for a related link's article),
        so lists of links filter on a join rather than a subquery.
        """
        condition = models.Q(
            **{
                f"{prefix}status__in": cls.PUBLIC_STATUSES,
                f"{prefix}published_at__lte": timezone.now() if now is None else now,
            }
        )
        if site is not None:
            # A brand that takes no syndicated article (known with it: newsroom.brands) lists
            # its own alone, which its listing index serves as one range scan.
            condition &= cls.on_brands(
                [site.pk], prefix, syndicated=getattr(site, "takes_syndication", True))
        return condition

    @classmethod
    def on_brands(cls, ids, prefix="", *, syndicated=True):
        """The articles brands `ids` show, as a condition: of one of them, or (`syndicated`)
        syndicated to one of them. The second is said as `AmongIds`, so a brand with few
        articles is answered by its rows rather than by walking the archive. The public rule
        and the newsdesk's reach (`articles.rights.in_reach`) both say it here."""
        condition = models.Q(**{f"{prefix}brand__in": ids})
        if syndicated:
            rows = cls.syndicated_to.through.objects.filter(site__in=ids)
            among = AmongIds(models.F(f"{prefix}pk"), models.Subquery(rows.values("article_id")))
            condition |= models.Q(among)
        return condition

    def shown_on(self, site):
        """Whether brand `site` shows this article: its own, or syndicated to it (a query for
        the second)."""
        return self.brand_id == site.pk or self.syndicated_to.filter(pk=site.pk).exists()

    @property
    def is_public(self):
        """`public_condition` for this article, without a query."""
        return (
            self.has_public_status
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def has_public_status(self):
        """Whether the article is public or scheduled to be (its time aside)."""
        return self.status in self.PUBLIC_STATUSES
