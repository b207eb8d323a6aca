"""What the background-work bookkeeping costs, at 100,000 articles, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom make bench-background
    (or: .venv/bin/python bench/background_work.py --articles 100000 --runs 50)

- The scheduler's run every minute (`articles.tasks.handle_due`: select what came due and is
  not handled yet, lock it, record it) with nothing due, against the window query that
  `manage.py publish_due` ran before (its baseline).
- One `/metrics` scrape with the background-work figures (outbox, failed tasks; no broker),
  against the process's own figures alone (its baseline), with 1,000 outbox messages pending
  and 200 failed tasks recorded.

Each is run --runs times; the median is printed, baseline first.
"""

import argparse
import statistics
import time
from datetime import timedelta

from harness import throwaway_site


def median_ms(action, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def seed(articles):
    from django.utils import timezone

    from articles.models import Article, HandledPublication, Topic
    from jobs.models import FailedTask, OutboxMessage

    section = Topic.objects.create(name="News", in_navigation=True, navigation_order=0)
    now = timezone.now()
    batch = []
    for number in range(articles):
        batch.append(
            Article(
                headline=f"Story {number}", slug=f"story-{number}", section=section,
                status=Article.Status.PUBLISHED, body="<p>Text.</p>",
                # One a minute back from now: the last day holds 1,440 of them.
                published_at=now - timedelta(minutes=number + 1),
            )
        )
        if len(batch) == 5000:
            Article.objects.bulk_create(batch)
            batch = []
    Article.objects.bulk_create(batch)
    # Each was handled when it came due: a row each, as on a site that has run for years.
    HandledPublication.objects.bulk_create(
        (
            HandledPublication(article_id=pk, published_at=at)
            for pk, at in Article.objects.values_list("pk", "published_at")
        ),
        batch_size=5000,
    )
    OutboxMessage.objects.bulk_create(
        OutboxMessage(task_name="library.make_renditions", args=[n]) for n in range(1000)
    )
    FailedTask.objects.bulk_create(
        FailedTask(task_id=f"t{n}", task_name=f"app.task_{n % 7}", error="E", attempts=6)
        for n in range(200)
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    options = parser.parse_args()

    with throwaway_site(METRICS_ALLOWED_IPS=["127.0.0.1"]) as connection:
        if connection.vendor != "postgresql":
            raise SystemExit("Run on PostgreSQL: set DATABASE_URL.")
        from django.db.models import Exists, OuterRef
        from django.test import Client
        from django.utils import timezone

        from articles.models import Article, HandledPublication
        from articles.tasks import handle_due
        from newsroom import metrics

        seed(options.articles)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        def old_window_query():
            now = timezone.now()
            list(
                Article.objects.published(now=now)
                .filter(published_at__gt=now - timedelta(minutes=10))
                .select_related("section")
                .defer("body", "search_vector")
            )

        assert handle_due() == []
        runs = options.runs
        print(f"{options.articles:,} articles, {runs} runs each; median ms")
        old = median_ms(old_window_query, runs)
        print(f"  publish_due, old window query (baseline):   {old:7.2f}")
        print(f"  handle_due, nothing due (every minute):      {median_ms(handle_due, runs):7.2f}")

        now = timezone.now()
        handled = HandledPublication.objects.filter(
            article=OuterRef("pk"),
            published_at=OuterRef("published_at"),
            published_at__gt=now - timedelta(hours=24),
        )
        query = (
            Article.objects.published(now=now)
            .filter(published_at__gt=now - timedelta(hours=24))
            .exclude(Exists(handled))
            .only("pk")
        )
        plan = [line.strip() for line in query.explain().splitlines()]
        print("  its plan:", " / ".join(p for p in plan if "Scan" in p or "Join" in p))

        client = Client()
        collectors = metrics.AT_SCRAPE

        def scrape():
            assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200

        metrics.AT_SCRAPE = type(collectors)()  # the process's own figures only
        baseline = median_ms(scrape, runs)
        metrics.AT_SCRAPE = collectors
        with_work = median_ms(scrape, runs)
        print(f"  /metrics, process figures only (baseline):   {baseline:7.2f}")
        print(f"  /metrics, with background-work figures:      {with_work:7.2f}")


if __name__ == "__main__":
    main()
