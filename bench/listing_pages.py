"""Listing pages, search and feeds at 1,000 and at 100,000 articles, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom make bench-listings
    (or: .venv/bin/python bench/listing_pages.py --articles 1000 100000 --runs 30)

A throwaway database `test_<name>` is created and filled with synthetic public articles over
the nine demo sections, 40 topics and 25 authors (one topic, "Everything", is on every article
so that its page 50 exists at 1,000). After each size is reached the tables are analysed and
each URL is requested --runs times through Django's test client; the script prints the median
time and the queries of one request per URL, and at the end the ratio between the sizes. Pages
should stay within 2x of their time at 1,000 articles.
"""

import argparse
import random
import statistics
import time
from datetime import timedelta

from harness import throwaway_site

SECTIONS = [
    "News",
    "Film and TV",
    "Music",
    "Tech",
    "Features",
    "Celebrity",
    "Politics",
    "Weird",
    "Community",
]
WORDS = [
    "harbour",
    "tram",
    "ferry",
    "council",
    "market",
    "festival",
    "river",
    "school",
    "garden",
    "library",
    "station",
    "bridge",
    "museum",
    "theatre",
    "storm",
    "lighthouse",
    "orchard",
    "bakery",
    "choir",
    "stadium",
]


def seed(total, start, sections, topics, authors):
    """Add articles numbered start..total-1, in batches, with their topics and bylines."""
    from django.utils import timezone

    from articles.models import Article, ArticleAuthor, TopicItem

    rng = random.Random(start)
    now = timezone.now()
    batch = 5000
    for first in range(start, total, batch):
        numbers = range(first, min(first + batch, total))
        articles = []
        for n in numbers:
            words = rng.sample(WORDS, 6)
            articles.append(
                Article(
                    headline=f"{words[0].title()} {words[1]} story number {n}",
                    slug=f"story-{n}",
                    standfirst=f"What happened at the {words[2]} and the {words[3]}.",
                    body="".join(
                        f"<p>The {w} was busy today, said residents of the town.</p>" for w in words
                    ),
                    section=sections[n % len(sections)],
                    status=Article.Status.PUBLISHED,
                    published_at=now - timedelta(minutes=n + 1),
                    source_system="bench",
                    source_id=str(n),
                )
            )
        Article.objects.bulk_create(articles)
        TopicItem.objects.bulk_create(
            TopicItem(content_object=a, tag=tag, position=p)
            for a in articles
            for p, tag in enumerate([topics[0], *rng.sample(topics[1:], 2)])
        )
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=a, author=authors[n % len(authors)], position=0)
            for n, a in zip(numbers, articles, strict=True)
        )


def measure(client, urls, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = {}
    for url in urls:
        assert client.get(url).status_code == 200, url
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        count = len(queries)
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        results[url] = (statistics.median(timings), count)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--runs", type=int, default=30)
    options = parser.parse_args()
    if min(options.articles) < 1000:
        parser.error("each size must be at least 1,000 articles (the topic page 50 needs them)")

    table = {}
    with throwaway_site(NEWSROOM_FRAGMENT_SECONDS=0) as connection:
        from django.test import Client

        from articles.models import Topic
        from authors.models import Author

        sections = [
            Topic.objects.create(name=name, in_navigation=True, navigation_order=i)
            for i, name in enumerate(SECTIONS)
        ]
        topics = [Topic.objects.create(name="Everything")]
        topics += [Topic.objects.create(name=f"Topic {n}") for n in range(40)]
        authors = [Author.objects.create(name=f"Writer {n}", slug=f"writer-{n}") for n in range(25)]
        urls = [
            "/",
            "/news/",
            "/topics/everything/?page=50",
            "/authors/writer-3/",
            "/latest/",
            "/search/?q=harbour+lighthouse",
            "/feeds/rss/",
            "/feeds/atom/",
            "/feeds/topics/everything/rss/",
            "/feeds/topics/everything/atom/",
            "/feeds/authors/writer-3/rss/",
            "/feeds/authors/writer-3/atom/",
        ]
        done = 0
        client = Client()
        for size in options.articles:
            started = time.perf_counter()
            seed(size, done, sections, topics, authors)
            done = size
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("ANALYZE")
            print(f"seeded {size} articles in {time.perf_counter() - started:.0f} s", flush=True)
            table[size] = measure(client, urls, options.runs)
            for url, (median, count) in table[size].items():
                print(f"  {size:>7} {url:<36} {median:7.2f} ms {count:3d} queries", flush=True)
        vendor = connection.vendor

    small, large = options.articles[0], options.articles[-1]
    print(f"\n{vendor}: median ms at {small} and {large} articles, ratio, queries")
    for url in table[small]:
        a, qa = table[small][url]
        b, qb = table[large][url]
        flag = "" if b <= 2 * a else "  <-- over 2x"
        print(f"{url:<36} {a:7.2f} {b:8.2f} {b / a:5.2f}x  {qa}/{qb}{flag}")


if __name__ == "__main__":
    main()
