"""What a source reader yields: plain records in Newsroom's terms, written by `importers.run`.

A reader (`wordpress`, `feeds`) turns a source file into these records and never touches the
database; the writer never looks at the source format. Text is already decoded, trimmed and
converted (WordPress paragraphs and shortcodes into HTML), but HTML is not yet sanitised:
the writer sanitises every body on its way in.
"""

import hashlib
import importlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


class SourceRefused(Exception):
    """The whole file is refused (not well-formed, not this kind of file, hostile, truncated).

    The message says what is wrong in words an operator can act on; nothing has been written.
    """


@dataclass
class Person:
    """Someone named as an author in the source."""

    name: str
    slug: str = ""  # derived from the name when empty
    login: str = ""  # the source's own key for the person (WordPress user login), if any
    email: str = ""
    bio: str = ""


@dataclass
class Term:
    """A category or tag defined in the source (becomes a topic)."""

    name: str
    kind: str = "category"  # "category" or "tag"
    slug: str = ""
    description: str = ""
    where: str = ""


@dataclass
class Media:
    """A picture the source names: a WordPress attachment, or a feed entry's lead image."""

    source_id: str  # the attachment's post id; for feeds, the URL itself
    url: str  # absolute URL where the source kept the file
    title: str = ""
    alt: str = ""
    caption: str = ""
    credit: str = ""
    description: str = ""
    mime_type: str = ""  # as the source declares it; the writer checks the bytes anyway
    uploads_path: str = ""  # WordPress: the file's path inside wp-content/uploads, if known
    where: str = ""  # "item 12 (line 340)": where in the file, for messages


@dataclass
class Entry:
    """One article (or, for WordPress, one page) in the source."""

    kind: str  # "post", "page" or "entry" (a feed item)
    source_id: str  # WordPress post id; a feed item's GUID/id
    where: str  # "item 12 (line 340)": where in the file, for messages
    headline: str
    body_html: str  # converted to HTML, not yet sanitised
    slug: str = ""  # derived from the headline when empty
    standfirst: str = ""  # plain text
    status: str = "draft"  # "published" (a future published_at means scheduled) or "draft"
    published_at: datetime | None = None  # aware, UTC
    updated_at: datetime | None = None  # aware, UTC
    section: str = ""  # topic name heading the address; empty: the importer's default
    topics: list[str] = field(default_factory=list)  # names, in order, without the section
    authors: list[Person] = field(default_factory=list)  # byline order
    lead_image: Media | None = None  # a feed's picture, fetched with --fetch-media
    lead_image_ref: str = ""  # WordPress: the attachment post id named by _thumbnail_id
    old_urls: list[str] = field(default_factory=list)  # permalinks to redirect from
    notes: list[str] = field(default_factory=list)  # things left out, reported per item
    # The digest of the source's bytes for this item, when the reader took one (WordPress:
    # `importers.wxr_scan.item_digest`); it names the bytes, not what they say, so it is no
    # part of the entry's fingerprint (`importers.prepare`).
    digest: str = ""


@dataclass
class Unchanged:
    """An item the reader did not read again: its bytes are those its article was last
    imported from, as `digest` (see `importers.digests`) says."""

    kind: str
    source_id: str
    where: str
    old_urls: list[str]
    digest: str


@dataclass
class Skipped:
    """Something in the source with no home in Newsroom, counted and reported."""

    kind: str  # "comment", "menu item", "custom taxonomy term", "nav_menu_item" …
    where: str
    reason: str
    count: int = 1


def code_digest(modules):
    """A digest of the source of `modules` (dotted names): a reader puts it in every item's
    digest (`importers.digests`), so that a change to its code reads every item again."""
    digest = hashlib.sha256()
    for module in modules:
        digest.update(Path(importlib.import_module(module).__file__).read_bytes())
    return digest.hexdigest()
