"""A brand's `latest` page on PostgreSQL when it takes syndicated articles: the public rule's
array of syndicated ids (`AmongIds`) beside the `IN (subquery)` it replaced, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom python bench/brand_listing.py

A throwaway database gets --articles articles (default 200,000) written by the database itself:
brand 1 with about 60%, brand 2 with about 40% and 1,667 of brand 1's syndicated to it, brand 3
with one in 4,000 (50 of 200,000) and 200 others' syndicated to it. For each brand, the first
page of 20 ids of `Article.objects.latest(brand)` is run --runs times each way; it prints the
medians and the rows each plan read and threw away (EXPLAIN ANALYZE).
"""

import argparse
import json
import statistics
import time

from harness import throwaway_site


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=30)
    options = parser.parse_args()
    with throwaway_site() as connection:
        if connection.vendor != "postgresql":
            raise SystemExit("PostgreSQL only: set DATABASE_URL=postgres://…")
        from django.contrib.sites.models import Site
        from django.db import models

        from articles.models import Article

        archive(connection, options.articles)
        print(f"{options.articles:,} articles; latest, first page of 20 ids, median of "
              f"{options.runs}:")
        print(f"{'brand':<34} {'IN (subquery)':>28} {'= ANY(ARRAY(...))':>28}")
        for pk, label in ((1, "1 (60%)"), (2, "2 (40%, 1,667 syndicated)"),
                          (3, "3 (1 in 4,000, 200 syndicated)")):
            site = Site.objects.get(pk=pk)
            site.takes_syndication = True
            now = Article.objects.latest(site).values_list("id", flat=True)[:20]
            syndicated = Article.syndicated_to.through.objects.filter(site=site)
            before = (
                Article.objects.filter(Article.public_condition())
                .filter(models.Q(brand=site) | models.Q(pk__in=syndicated.values("article_id")))
                .order_by("-published_at", "-id")
                .values_list("id", flat=True)[:20]
            )
            assert list(before) == list(now)  # the same page either way
            cells = [measure(connection, query, options.runs) for query in (before, now)]
            print(f"{label:<34} {cells[0]:>28} {cells[1]:>28}")


def archive(connection, total):
    """`total` public articles and the syndication described above, written by SQL."""
    from django.contrib.sites.models import Site

    from articles.models import Article, Topic

    Site.objects.get_or_create(pk=2, defaults={"domain": "big.example", "name": "Big"})
    Site.objects.get_or_create(pk=3, defaults={"domain": "small.example", "name": "Small"})
    section = Topic.objects.create(name="News", in_navigation=True)
    template = Article(headline="", slug="", section=section, brand_id=1)
    values = {}
    for field in Article._meta.concrete_fields:
        if not field.primary_key:
            values[field.column] = field.get_db_prep_save(field.pre_save(template, True),
                                                          connection)
    values.update(status="published", section_id=section.pk)
    fixed = [name for name in values if name not in {"headline", "slug", "published_at",
                                                     "brand_id"}]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO articles_article (headline, slug, published_at, brand_id, "
            f"{', '.join(fixed)}) SELECT 'Story ' || g, 'story-' || g, "
            f"now() - g * interval '1 minute', "
            f"CASE WHEN g %% 4000 = 0 THEN 3 WHEN g %% 5 < 2 THEN 2 ELSE 1 END, "
            f"{', '.join(['%s'] * len(fixed))} FROM generate_series(1, %s) AS g",
            [*[values[name] for name in fixed], total],
        )
        cursor.execute(
            "INSERT INTO articles_article_syndicated_to (article_id, site_id) "
            "SELECT id, 3 FROM articles_article WHERE brand_id <> 3 AND id % 1000 = 7"
        )
        cursor.execute(
            "INSERT INTO articles_article_syndicated_to (article_id, site_id) "
            "SELECT id, 2 FROM articles_article WHERE brand_id = 1 AND id % 120 = 3"
        )
        cursor.execute("ANALYZE articles_article")
        cursor.execute("ANALYZE articles_article_syndicated_to")


def measure(connection, queryset, runs):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            timings.append((time.perf_counter() - start) * 1000)
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    thrown = sum(node.get("Rows Removed by Filter", 0) for node in walk(plan[0]["Plan"]))
    return f"{statistics.median(timings):.2f} ms, {thrown:,} thrown away"


def walk(node):
    yield node
    for child in node.get("Plans", []):
        yield from walk(child)


if __name__ == "__main__":
    main()
