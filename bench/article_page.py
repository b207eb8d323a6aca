"""Render the demo's lead article page many times in process; print the median and the queries.

    make bench                                   # SQLite (the embedded default)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom make bench
    python bench/article_page.py --uncached      # every cache emptied before each request

A throwaway test database is created (in memory for SQLite, `test_<name>` on PostgreSQL), the
demo content is imported into it, the page is requested once to warm the caches, and then it is
requested --runs times through Django's test client: URL routing, middleware, the view, the
template and the response, as a server would run them, minus the network. With --uncached the
cache (page fragments, header and footer, counts) and the in-process memo of body blocks are
emptied before every request, so each one renders the whole page: the cost of a first visit
after a change.
"""

import argparse
import statistics
import subprocess
import sys
import time
from io import StringIO

from harness import ROOT, throwaway_site


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300, help="timed requests (default 300)")
    parser.add_argument(
        "--uncached",
        action="store_true",
        help="empty every cache before each request, so the whole page is rendered each time",
    )
    options = parser.parse_args()

    with throwaway_site() as connection:
        from django.core.cache import cache
        from django.core.management import call_command
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from articles.body import _content_blocks
        from articles.models import Article

        def forget():
            """Empty the caches (--uncached), outside the timed part."""
            if options.uncached:
                cache.clear()
                _content_blocks.cache_clear()

        draw = [sys.executable, str(ROOT / "demo" / "draw_images.py")]
        subprocess.run(draw, check=True, stdout=subprocess.DEVNULL)
        call_command("import_articles", str(ROOT / "demo" / "articles.jsonl"), stdout=StringIO())
        call_command("demo_site", stdout=StringIO())
        url = Article.objects.get(source_system="demo", source_id="demo-001").get_absolute_url()
        client = Client()
        # Warm up: templates compiled, header and footer cached, page fragments cached.
        assert client.get(url).status_code == 200
        forget()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        query_count = len(queries)
        timings = []
        for _ in range(options.runs):
            forget()
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        vendor = connection.vendor

    timings.sort()
    mode = " uncached" if options.uncached else ""
    print(
        f"{vendor}{mode}: {url} x{options.runs}: median {statistics.median(timings):.2f} ms, "
        f"p90 {timings[int(len(timings) * 0.9)]:.2f} ms, min {timings[0]:.2f} ms, "
        f"{query_count} queries, {len(response.content) / 1024:.1f} KiB"
    )


if __name__ == "__main__":
    main()
