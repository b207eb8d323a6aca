"""Render the demo's lead article page many times in process; print the median and the queries.

    make bench                                   # SQLite (the embedded default)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom make bench
    python bench/article_page.py --uncached      # every cache emptied before each request
    python bench/article_page.py --baseline 107f6da   # beside another revision, in turns

A throwaway test database is created (in memory for SQLite, `test_<name>` on PostgreSQL), the
demo content is imported into it, the page is requested once to warm the caches, and then it is
requested --runs times through Django's test client: URL routing, middleware, the view, the
template and the response, as a server would run them, minus the network. With --uncached the
cache (page fragments, header and footer, counts) and the in-process memo of body blocks are
emptied before every request, so each one renders the whole page: the cost of a first visit
after a change.

With --baseline REV the same measurement runs on that revision's code too (a temporary
worktree), in alternating turns (--rounds, default 3), each turn a process of its own, so a
busy machine weighs on both sides alike; it prints each turn and the median of the turns'
medians for both, and their ratio.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

from harness import ROOT, throwaway_site


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300, help="timed requests (default 300)")
    parser.add_argument(
        "--uncached",
        action="store_true",
        help="empty every cache before each request, so the whole page is rendered each time",
    )
    parser.add_argument("--baseline", metavar="REV", help="measure REV's code too, in turns")
    parser.add_argument("--rounds", type=int, default=3, help="turns each with --baseline")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.baseline:
        compare(options)
        return
    result = measure(options)
    if options.json:
        print(json.dumps(result))
        return
    timings = result["timings"]
    mode = " uncached" if options.uncached else ""
    print(
        f"{result['vendor']}{mode}: {result['url']} x{options.runs}: "
        f"median {statistics.median(timings):.2f} ms, "
        f"p90 {timings[int(len(timings) * 0.9)]:.2f} ms, min {timings[0]:.2f} ms, "
        f"{result['queries']} queries, {result['kib']:.1f} KiB"
    )


def compare(options):
    """This checkout against --baseline, in alternating turns of one process each."""
    from import_wordpress import baseline_tree  # beside this file, not a package

    command = [sys.executable, str(Path(__file__).resolve()), "--json", "--runs",
               str(options.runs)] + (["--uncached"] if options.uncached else [])
    medians = {"now": [], "before": []}
    with baseline_tree(options.baseline) as before:
        for turn in range(options.rounds):
            for side, code in (("before", before), ("now", ROOT)):
                environment = {**os.environ, "NEWSROOM_BENCH_CODE": str(code)}
                output = subprocess.run(command, env=environment, cwd=code, check=True,
                                        capture_output=True, text=True).stdout
                result = json.loads(output.strip().splitlines()[-1])
                medians[side].append(statistics.median(result["timings"]))
                print(f"turn {turn + 1} {side:>6}: median {medians[side][-1]:.2f} ms, "
                      f"min {result['timings'][0]:.2f} ms, {result['queries']} queries, "
                      f"{result['kib']:.1f} KiB", flush=True)
    now, old = statistics.median(medians["now"]), statistics.median(medians["before"])
    mode = " uncached" if options.uncached else ""
    print(f"article page{mode}, median of {options.rounds} turns' medians: "
          f"now {now:.2f} ms, before ({options.baseline}) {old:.2f} ms, ratio {now / old:.2f}x")


def measure(options):
    """Time --runs requests of the demo's lead article; the sorted timings and the page's facts."""
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

    return {"vendor": vendor, "url": url, "timings": sorted(timings), "queries": query_count,
            "kib": len(response.content) / 1024}


if __name__ == "__main__":
    main()
