"""Benchmark: what a feed subscription's poll costs, with and without conditional requests.

    .venv/bin/python bench/feed_polling.py                       # SQLite (the embedded default)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom .venv/bin/python bench/feed_polling.py

Serves a generated RSS feed of --items entries (default 500) from 127.0.0.1 with an ETag and a
Last-Modified date, subscribes a throwaway site to it, and times `importers.subscriptions.
polling.poll` in process: the first poll (every entry created), then --runs polls of the
unchanged feed two ways: as a subscription polls (If-None-Match / If-Modified-Since, answered
304), and, the baseline, with the validators forgotten before each poll, so the feed is fetched
and read whole and every entry found unchanged in the database. Prints the medians and the
ratio.
"""

import argparse
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import throwaway_site

ETAG = '"bench-1"'
LAST_MODIFIED = "Tue, 14 Mar 2023 09:30:00 GMT"


def make_feed(items):
    entries = "".join(
        f"<item><title>Story number {n}</title><link>https://wire.example/{n}</link>"
        f"<guid>wire-{n}</guid><pubDate>Tue, 14 Mar 2023 09:30:00 GMT</pubDate>"
        f"<category>Topic {n % 20}</category><dc:creator>Reporter {n % 15}</dc:creator>"
        f"<description>Summary of story {n}.</description><content:encoded><![CDATA["
        + "".join(f"<p>Paragraph {p} of story {n}, with a few more words.</p>" for p in range(8))
        + "]]></content:encoded></item>"
        for n in range(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<title>Wire</title><link>https://wire.example/</link><description>Wire</description>"
        f"{entries}</channel></rss>"
    ).encode()


def serve(body):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):
            pass

        def do_GET(self):
            if self.headers.get("If-None-Match") == ETAG:
                self.send_response(304)
                self.send_header("ETag", ETAG)
                self.send_header("Connection", "close")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", ETAG)
            self.send_header("Last-Modified", LAST_MODIFIED)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=500, help="entries in the feed")
    parser.add_argument("--runs", type=int, default=20, help="timed polls of each kind")
    options = parser.parse_args()
    body = make_feed(options.items)
    server = serve(body)
    url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"

    # Loopback is a private address, which importers refuse unless allowed.
    with throwaway_site(IMPORT_FETCH_ALLOW_PRIVATE=True) as connection:
        from articles.models import Article
        from importers.subscriptions.models import FeedSubscription
        from importers.subscriptions.polling import poll

        subscription = FeedSubscription.objects.create(name="Bench wire", url=url)

        def timed(before=None):
            if before:
                before()
            started = time.perf_counter()
            outcome = poll(subscription.pk)
            return time.perf_counter() - started, outcome

        first, outcome = timed()
        assert outcome == "imported" and Article.objects.count() == options.items

        def forget():
            FeedSubscription.objects.filter(pk=subscription.pk).update(etag="", last_modified="")

        conditional = [timed() for _ in range(options.runs)]
        whole = [timed(forget) for _ in range(options.runs)]
        assert {o for _, o in conditional} == {"not modified"}
        assert {o for _, o in whole} == {"imported"}
        assert Article.objects.count() == options.items

        median_conditional = statistics.median(t for t, _ in conditional)
        median_whole = statistics.median(t for t, _ in whole)
        print(
            f"{connection.vendor}, a feed of {options.items} entries ({len(body) / 1e6:.1f} MB), "
            f"median of {options.runs} polls:"
        )
        rows = [
            (f"first poll, {options.items} created", first),
            ("unchanged, fetched and read whole (baseline)", median_whole),
            ("unchanged, conditional request (304)", median_conditional),
        ]
        for label, seconds in rows:
            print(f"  {label + ':':<48}{seconds * 1000:8.1f} ms")
        print(f"  the 304 poll is {median_whole / median_conditional:.0f}× cheaper")
    server.shutdown()


if __name__ == "__main__":
    main()
