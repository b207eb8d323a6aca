"""A feed's way in, shared by `import_feed` and the feed subscriptions: fetching a feed
address, and reading its bytes into the writer (one engine, whoever starts the import)."""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

from importers.download import fetch
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
DEFAULT_SECTION = "News"


def fetch_feed(url, *, etag="", last_modified=""):
    """Fetch a feed address through `importers.download` (public addresses only, unless
    IMPORT_FETCH_ALLOW_PRIVATE; at most MAX_FEED_BYTES). With a previous answer's `etag` or
    `last_modified` the request is conditional, and an unchanged feed comes back as a
    `Download` whose `not_modified` is true. Raises `DownloadError`."""
    return fetch(
        url,
        max_bytes=MAX_FEED_BYTES,
        accept=FEED_TYPES,
        allow_private=settings.IMPORT_FETCH_ALLOW_PRIVATE,
        if_none_match=etag,
        if_modified_since=last_modified,
    )


def load_feed(
    data, *, source, section=DEFAULT_SECTION, fetch_media=False, source_system="", brand=None
):
    """Read a feed's bytes and return `(label, write)` for an `ImportRun`, as
    `ImportCommand.load` does; raises `SourceRefused` (hostile, not well-formed, not a feed)
    before anything is written.

    `source` is the file or address the bytes came from: relative links resolve against it,
    and its host (or the feed's own home page link) names the source system when
    `source_system` is empty, so the same feed imported by the command or a subscription
    updates the same articles. `brand` is the brand (Site) of the articles (None: the
    default brand).
    """
    feed = read_feed(data, url=source)
    host = urlsplit(feed.link or source).hostname or Path(source).name
    source_system = (source_system or f"feed:{host}")[:50]
    label = Path(urlsplit(source).path).name or source

    def write(run):
        media = MediaImporter(run, source_system=source_system, fetch_media=fetch_media)
        articles = ArticleWriter(
            run,
            source_system=source_system,
            source_label=f"{feed.kind} feed {label}",
            media=media,
            section=section,
            # A feed's links are the publisher's own addresses, not this site's old ones:
            # they go into --redirect-map only.
            redirects=False,
            brand=brand,
        )
        for skipped in feed.skipped:
            run.skip(skipped.kind, skipped.where, skipped.reason, skipped.count)
        for entry in feed.entries:
            articles.add(entry)
        articles.flush()

    return label, write
