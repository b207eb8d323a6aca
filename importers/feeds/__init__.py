"""Read an RSS 2.0 (or 0.9x, 1.0), Atom 1.0 or JSON Feed 1.x file into importer records.

Safety comes first: XML bytes go through defusedxml before feedparser sees them, so a file
that declares entities, or is not well-formed, is refused whole and nothing partial is read.
That strict pass also notes, per item, what feedparser blurs together (its line, its raw id,
whether it has a real title, which descriptions belong to media rather than to the story).
feedparser then does the rest: character encodings, dates, authors, relative links.

Nothing here fetches anything: feedparser gets a byte stream, never a URL, and the strict
pass neither resolves external entities nor reads an external DTD.

- `read_feed` (here): tells a JSON Feed from an XML one and hands it to its reader.
- `xml_safety`: the hardened XML pass (defusedxml), root detection and per-item notes.
- `rss_atom`: RSS and Atom entries as feedparser reads them, corrected by those notes.
- `jsonfeed`: JSON Feed 1.x.
- `entries`: what every format shares: the `Feed`, ids, people, lead images, standfirsts.
"""

from importers.records import SourceRefused

from .entries import Feed
from .jsonfeed import _read_json_feed
from .rss_atom import _read_xml_feed

__all__ = ["MAX_FEED_BYTES", "Feed", "read_feed"]


MAX_FEED_BYTES = 20 * 1024 * 1024


def read_feed(data: bytes, *, url: str = "") -> Feed:
    """Read a feed file; raise SourceRefused when the whole file cannot be trusted or read.

    `url`, when known, is where the feed was found: relative links in bodies resolve against it
    when it is an http(s) address (and always against the feed's own xml:base).
    """
    if len(data) > MAX_FEED_BYTES:
        raise SourceRefused(
            f"The file is {len(data):,} bytes; feeds larger than "
            f"{MAX_FEED_BYTES // (1024 * 1024)} MB are refused."
        )
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not head:
        raise SourceRefused("The file is empty.")
    if head.startswith(b"{"):
        return _read_json_feed(data.removeprefix(b"\xef\xbb\xbf"))
    return _read_xml_feed(data, url=url)
