"""A brand with few articles of its own that takes syndicated ones lists them by reading its
own rows, not the archive (docs/brands.md, "Listings stay on the indexes"): PostgreSQL is
asked for the syndicated ids first, as keys its primary index answers (`AmongIds`)."""

import json

import pytest
from django.contrib.sites.models import Site
from django.db import connection

from articles.models import Article
from tests.factories import SectionFactory, make_brand

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ARCHIVE = 20_000


def archive_with_a_small_brand():
    """20,000 public articles of the default brand, 30 of a small brand, and 40 of the
    default brand's, spread over the archive, syndicated to the small one."""
    section = SectionFactory(name="News")
    small = make_brand("small.example.org", "Small")
    default = Site.objects.get(pk=1)
    columns = [field for field in Article._meta.concrete_fields if not field.primary_key]
    # One INSERT … SELECT: the archive written by the database, as the scale bench does.
    template = Article(headline="", slug="", section=section, brand=default)
    values = {field.column: field.get_db_prep_save(field.pre_save(template, True), connection)
              for field in columns}
    values.update(status="published", section_id=section.pk)
    names = [name for name in values if name not in {"headline", "slug", "published_at", "brand_id"}]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO articles_article (headline, slug, published_at, brand_id, "
            f"{', '.join(names)}) "
            f"SELECT 'Story ' || g, 'story-' || g, now() - g * interval '1 minute', "
            f"CASE WHEN g %% 600 = 0 THEN %s ELSE %s END, {', '.join(['%s'] * len(names))} "
            f"FROM generate_series(1, %s) AS g",
            [small.pk, default.pk, *[values[name] for name in names], ARCHIVE],
        )
        cursor.execute(
            "INSERT INTO articles_article_syndicated_to (article_id, site_id) "
            "SELECT id, %s FROM articles_article WHERE brand_id = %s AND id %% 500 = 7",
            [small.pk, default.pk],
        )
        cursor.execute("ANALYZE articles_article")
        cursor.execute("ANALYZE articles_article_syndicated_to")
    return small


def rows_read(queryset):
    """The rows each scan of the plan read and threw away, added up (EXPLAIN ANALYZE)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan

    def walk(node):
        yield node
        for child in node.get("Plans", []):
            yield from walk(child)

    nodes = list(walk(plan[0]["Plan"]))
    return sum(node.get("Rows Removed by Filter", 0) for node in nodes)


def test_a_small_brand_with_syndicated_articles_lists_without_reading_the_archive():
    small = archive_with_a_small_brand()
    small.takes_syndication = True
    page = Article.objects.latest(small)[:20]
    shown = list(page.values_list("brand_id", flat=True))
    assert len(shown) == 20 and small.pk in shown and 1 in shown  # its own and syndicated
    # Walking the archive's listing index and filtering threw away thousands of rows for a
    # page of 20; the brand's own and syndicated rows are 70.
    assert rows_read(page.values_list("id", flat=True)) < 200
