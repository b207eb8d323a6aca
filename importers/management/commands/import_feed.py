from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import CommandError

from importers.command import ImportCommand
from importers.download import DownloadError, fetch
from importers.feeds import MAX_FEED_BYTES, read_feed
from importers.media import MediaImporter
from importers.write import ArticleWriter

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/json",
    "application/xml",
    "text/xml",
)


class Command(ImportCommand):
    help = (
        "Import the entries of an RSS 2.0, Atom 1.0 or JSON Feed (a file or an http(s) "
        "address) as articles. Re-importing is safe: entries are matched on their GUID/id."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="FILE_OR_URL", help="A feed file or address.")
        parser.add_argument(
            "--section",
            default="News",
            help="The section of the imported articles (default: News).",
        )
        parser.add_argument(
            "--fetch-media",
            action="store_true",
            help="Download each entry's lead image into the media library "
            "(public addresses only, with time and size limits).",
        )
        super().add_arguments(parser)

    def read(self, source):
        if urlsplit(source).scheme in {"http", "https"}:
            try:
                return fetch(
                    source,
                    max_bytes=MAX_FEED_BYTES,
                    accept=FEED_TYPES,
                    allow_private=settings.IMPORT_FETCH_ALLOW_PRIVATE,
                ).data
            except DownloadError as error:
                raise CommandError(str(error)) from None
        path = Path(source)
        if not path.is_file():
            raise CommandError(f"{source}: no such file.")
        if path.stat().st_size > MAX_FEED_BYTES:
            raise CommandError(f"{source}: larger than {MAX_FEED_BYTES:,} bytes; not a feed.")
        return path.read_bytes()

    def load(self, source, options):
        feed = read_feed(self.read(source), url=source)
        host = urlsplit(feed.link or source).hostname or Path(source).name
        source_system = (options["source_system"] or f"feed:{host}")[:50]
        label = Path(urlsplit(source).path).name or source

        def write(run):
            media = MediaImporter(
                run, source_system=source_system, fetch_media=options["fetch_media"]
            )
            articles = ArticleWriter(
                run,
                source_system=source_system,
                source_label=f"{feed.kind} feed {label}",
                media=media,
                section=options["section"],
                # A feed's links are the publisher's own addresses, not this site's old ones:
                # they go into --redirect-map only.
                redirects=False,
            )
            for skipped in feed.skipped:
                run.skip(skipped.kind, skipped.where, skipped.reason, skipped.count)
            for entry in feed.entries:
                articles.add(entry)
            articles.flush()

        return label, write
