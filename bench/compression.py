"""The demo's article and front pages uncompressed, gzipped, brotli- and zstd-compressed: bytes
sent and time per request, beside the same pages without the compression middleware.

    make bench-compression                       # SQLite (the embedded default)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom make bench-compression

A throwaway database gets the demo content; each page is requested once per way to warm the
caches, then --runs times per way, the ways taken in turn so that any drift of the machine
falls on all of them alike, through Django's test client (routing, middleware, view, templates,
compression). The baseline is the site with the compression middleware taken out of MIDDLEWARE;
"identity" is the site as shipped, asked by a client that accepts no encoding. On a busy
machine the request times wander by more than compression costs, so the time to compress the
page's body alone, as the middleware does, is printed too ("compress").
"""

import argparse
import statistics
import subprocess
import sys
import time
from io import StringIO

from harness import ROOT, throwaway_site

COMPRESSION = "django_http_compression.middleware.HttpCompressionMiddleware"
# (name, Accept-Encoding, compression middleware in place)
WAYS = [
    ("no middleware", "gzip, deflate, br, zstd", False),
    ("identity", "", True),
    ("gzip", "gzip", True),
    ("br", "br, gzip", True),
    ("zstd", "zstd, br, gzip", True),
]


def coders():
    """The middleware's own compressors, at its settings: what one compressed answer costs."""
    from django_http_compression import middleware

    return {
        "gzip": lambda data: middleware.gzip_compress(data, max_random_bytes=0),
        "br": lambda data: middleware.brotli_compress(data, quality=middleware.BROTLI_QUALITY),
        "zstd": middleware.zstd_compress,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed requests per page and way")
    options = parser.parse_args()

    with throwaway_site() as connection:
        from django.conf import settings
        from django.core.management import call_command
        from django.test import Client, override_settings

        from articles.models import Article

        draw = [sys.executable, str(ROOT / "demo" / "draw_images.py")]
        subprocess.run(draw, check=True, stdout=subprocess.DEVNULL)
        call_command("import_articles", str(ROOT / "demo" / "articles.jsonl"), stdout=StringIO())
        call_command("demo_site", stdout=StringIO())
        article = Article.objects.get(source_system="demo", source_id="demo-001")
        pages = {"article": article.get_absolute_url(), "home": "/"}

        # A client's handler reads MIDDLEWARE when it is made: one client per setting.
        clients = {True: Client()}
        without = [name for name in settings.MIDDLEWARE if name != COMPRESSION]
        with override_settings(MIDDLEWARE=without):
            clients[False] = Client()
            clients[False].get("/")  # loads its middleware while the override holds

        results = {}
        for page, url in pages.items():
            sizes, timings = {}, {name: [] for name, _, _ in WAYS}
            for name, accept, compressed in WAYS:
                response = clients[compressed].get(url, headers={"Accept-Encoding": accept})
                assert response.status_code == 200, (page, name)
                assert response.get("Content-Encoding") == (
                    name if compressed and name != "identity" else None
                ), (page, name, response.get("Content-Encoding"))
                sizes[name] = len(response.content)
            for _ in range(options.runs):
                for name, accept, compressed in WAYS:
                    start = time.perf_counter()
                    clients[compressed].get(url, headers={"Accept-Encoding": accept})
                    timings[name].append((time.perf_counter() - start) * 1000)
            plain = clients[False].get(url).content
            alone = {name: [] for name in coders()}
            for _ in range(options.runs):
                for name, compress in coders().items():
                    start = time.perf_counter()
                    compress(plain)
                    alone[name].append((time.perf_counter() - start) * 1000)
            results[page] = (url, sizes, timings, alone)
        vendor = connection.vendor

    print(f"{vendor}, {options.runs} requests per page and way (medians; time added vs baseline)")
    for page, (url, sizes, timings, alone) in results.items():
        baseline = statistics.median(timings["no middleware"])
        print(f"\n{page} {url}")
        print(
            f"  {'way':<14}{'bytes':>9}{'of plain':>10}{'median':>11}{'p90':>10}{'added':>10}"
            f"{'compress':>11}"
        )
        for name, _, _ in WAYS:
            ordered = sorted(timings[name])
            median = statistics.median(ordered)
            compress = f"{statistics.median(alone[name]):>8.2f} ms" if name in alone else ""
            print(
                f"  {name:<14}{sizes[name]:>9,}{sizes[name] / sizes['no middleware']:>9.0%}"
                f"{median:>9.2f} ms{ordered[int(len(ordered) * 0.9)]:>7.2f} ms"
                f"{median - baseline:>+7.2f} ms{compress}"
            )


if __name__ == "__main__":
    main()
