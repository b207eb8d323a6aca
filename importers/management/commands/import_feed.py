from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import CommandError

from importers.command import ImportCommand
from importers.download import DownloadError
from importers.feed_import import DEFAULT_SECTION, fetch_feed, load_feed
from importers.feeds import MAX_FEED_BYTES


class Command(ImportCommand):
    help = (
        "Import the entries of an RSS 2.0, Atom 1.0 or JSON Feed (a file or an http(s) "
        "address) as articles. Re-importing is safe: entries are matched on their GUID/id."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="FILE_OR_URL", help="A feed file or address.")
        parser.add_argument(
            "--section",
            default=DEFAULT_SECTION,
            help=f"The section of the imported articles (default: {DEFAULT_SECTION}).",
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
                return fetch_feed(source).data
            except DownloadError as error:
                raise CommandError(str(error)) from None
        path = Path(source)
        if not path.is_file():
            raise CommandError(f"{source}: no such file.")
        if path.stat().st_size > MAX_FEED_BYTES:
            raise CommandError(f"{source}: larger than {MAX_FEED_BYTES:,} bytes; not a feed.")
        return path.read_bytes()

    def load(self, source, options):
        return load_feed(
            self.read(source),
            source=source,
            section=options["section"],
            fetch_media=options["fetch_media"],
            source_system=options["source_system"] or "",
            brand=options.get("brand"),
        )
