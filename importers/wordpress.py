"""Read a WordPress export (WXR 1.0, 1.1 or 1.2) as a stream of import records.

    export = open_wxr("site.xml", timezone="Europe/Paris")  # the channel header only
    export.check()                                          # the whole file, no records
    for record in export.records("library"): ...            # people, topics, pictures
    for record in export.records("content"): ...            # posts and pages

The reader touches no database. It walks the file; what each element says as a record is
`importers.wp_items` (with `wp_fields` and `wp_body`), and where the content records go,
`importers.wp_dispatch.write_content` (`importers.write.ArticleWriter`,
`importers.pages.PageWriter`).

Each pass streams the file with expat (through defusedxml) and drops every `<item>` once it is
read, so memory stays flat however large the export. A DOCTYPE is allowed and never fetched;
entity declarations are refused outright, since they are the only way an XML file can blow up
(billion laughs, quadratic expansion) or read local files.

Decisions an operator may ask about:

- A post with an empty title gets the headline "(untitled)" and a note saying so.
- WordPress files every post without a category under its default "Uncategorized". That says
  nothing, so a category of that name (any case) is dropped from posts and not offered as a
  topic; a post whose only category it was takes the importer's default section.
- `wp:post_date_gmt` is UTC. Drafts carry "0000-00-00 00:00:00" there, so `wp:post_date` is
  read instead, in the site's time zone as given to `open_wxr` (the file does not say it).
- A password-protected post is imported as a draft: publishing it would show it to everyone.
- Postmeta values are PHP-serialised strings and stay strings: nothing is ever unserialised.
- Comments, menu items, revisions, trashed posts, other post types and custom taxonomies come
  out as `Skipped` records, so the summary can count what was left behind.
- Where: "item 12 (post 345)" is the 12th `<item>` in the file, WordPress post id 345.
"""

import io
import re
from contextlib import contextmanager, nullcontext
from pathlib import Path
from xml.etree.ElementTree import XMLPullParser
from xml.parsers.expat import ErrorString
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from defusedxml import EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError, iterparse

from .records import Entry, Skipped, SourceRefused, Unchanged
from .wp_fields import _old_urls, _plain_text, _where
from .wp_items import content_records, header_records, item_of, library_records
from .wxr_scan import CLOSING, ascii_compatible, item_digest, scan

WXR_VERSIONS = ("1.0", "1.1", "1.2")
PHASES = ("library", "content")
# Items read (and looked up by digest) at a time when an export is read by ranges.
READ_BATCH = 500
# Bytes fed to the C reader at a time.
READ_CHUNK = 1 << 16

_WXR_NAMESPACE = re.compile(r"https?://wordpress\.org/export/1\.[012]/(excerpt/)?")
_NAMESPACE_PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "https://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "https://purl.org/dc/elements/1.1/": "dc",
}


def open_wxr(path, timezone="UTC", *, first_item=1):
    """Open a WXR file and read its channel header; raise SourceRefused if it is not one.

    `timezone` is the WordPress site's zone, used only for posts without a UTC date.
    `first_item` is the number of the file's first `<item>`: a part of a larger export
    (`importers.wxr_scan.part_bytes`) numbers its items as the whole file does, so messages
    say where.
    """
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"Unknown time zone {timezone!r}.") from None
    export = WxrExport(path, zone, first_item=first_item)
    export._read_header()
    return export


class WxrExport:
    """One WXR file; each `check()` or `records()` call reads it again from the start."""

    def __init__(self, path, zone, first_item=1):
        self.path = Path(path)
        self.zone = zone
        self.first_item = first_item
        # The number of the `<item>` whose records `records()` is yielding (for progress).
        self.item_number = 0
        self.version = ""
        self.site_url = ""
        self.blog_url = ""
        self.title = ""
        self._names = {}
        # Where the items are (`check` notes it), and the same when the passes can read by
        # ranges.
        self.items = None
        self.map = None

    # Reading the file

    def _open(self):
        try:
            return self.path.open("rb")
        except OSError as error:
            raise SourceRefused(f"{self.path} cannot be read: {error.strerror}.") from None

    @contextmanager
    def _refusals(self):
        """Turn the parser's complaints into SourceRefused, in words an operator can act on."""
        name = self.path.name
        try:
            yield
        except EntitiesForbidden:
            raise SourceRefused(
                f"{name} declares XML entities; entity declarations are refused for safety"
                " (they can expand without limit or read files on this server). WordPress"
                " never writes them: export the site again."
            ) from None
        except ExternalReferenceForbidden:
            raise SourceRefused(
                f"{name} refers to an external XML entity; external references are refused for"
                " safety. WordPress never writes them: export the site again."
            ) from None
        except ParseError as error:
            line, column = error.position
            raise SourceRefused(
                f"{name} is not well-formed XML: {ErrorString(error.code)}"
                f" at line {line}, column {column + 1}. If the export was cut short, export"
                " the site again."
            ) from None

    def _events(self, source, *, vetted=False):
        """(event, element) pairs of `source`, parsed by defusedxml's reader; or, for a
        document whose prolog is bytes already read through it in this pass (`vetted`), by
        ElementTree's C reader, several times faster. Entities can be declared only in the
        prolog, so such a document cannot declare one: a reference to any entity but XML's
        own five is an error either way."""
        with self._refusals():
            if not vetted:
                yield from iterparse(
                    source,
                    events=("start", "end"),
                    forbid_dtd=False,
                    forbid_entities=True,
                    forbid_external=True,
                )
                return
            parser = XMLPullParser(events=("start", "end"))
            while chunk := source.read(READ_CHUNK):
                parser.feed(chunk)
                yield from parser.read_events()
            parser.close()
            yield from parser.read_events()

    def _name(self, tag):
        """`{http://wordpress.org/export/1.2/}post_id` → `wp:post_id`, whatever the version."""
        name = self._names.get(tag)
        if name is None:
            name = tag
            if tag.startswith("{"):
                uri, local = tag[1:].split("}", 1)
                prefix = _NAMESPACE_PREFIXES.get(uri)
                wxr = _WXR_NAMESPACE.fullmatch(uri)
                if wxr:
                    prefix = "excerpt" if wxr.group(1) else "wp"
                name = f"{prefix}:{local}" if prefix else tag
            if len(self._names) < 1000:  # a hostile file could invent endless tags
                self._names[tag] = name
        return name

    def _read_header(self):
        header, channel, saw_channel, depth = {}, None, False, 0
        with self._open() as source:
            for event, element in self._events(source):
                if event == "start":
                    depth += 1
                    if depth == 1 and element.tag != "rss":
                        raise SourceRefused(
                            f"{self.path.name} is not a WordPress export (WXR) file: its root"
                            f" element is <{element.tag.rpartition('}')[2]}>, not <rss>."
                        )
                    if depth == 2 and element.tag == "channel":
                        channel, saw_channel = element, True
                    elif depth == 3 and channel is not None and element.tag == "item":
                        break
                    continue
                depth -= 1
                if depth == 2 and channel is not None:
                    header.setdefault(self._name(element.tag), (element.text or "").strip())
                    element.clear()  # thousands of terms may come before the first item
                    channel.remove(element)
                elif depth == 1 and element.tag == "channel":
                    break
        if not saw_channel:
            raise SourceRefused(
                f"{self.path.name} is not a WordPress export (WXR) file: it has no <channel>."
            )
        self.version = header.get("wp:wxr_version", "")
        if self.version not in WXR_VERSIONS:
            raise SourceRefused(
                "This does not appear to be a WordPress export (WXR) file: missing or invalid"
                " WXR version number."
            )
        self.title = _plain_text(header.get("title", ""))
        self.site_url = header.get("wp:base_site_url") or header.get("link", "")
        self.blog_url = header.get("wp:base_blog_url") or self.site_url

    def check(self, *, names=False):
        """Read the whole file once, building nothing; raise SourceRefused if it is unsound.

        Catches what the header could not show: truncation, a broken item, an entity
        declared late. No element is built, so this is several times faster than `records`.
        It also notes where each item is (`importers.wxr_scan`), so the passes that follow
        read the items by ranges, and items known unchanged not at all. That `ItemMap` is
        kept as `items` (with `names`, each item's categories and author noted as well).
        """
        parser = DefusedXMLParser(
            target=_Discard(), forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
        with self._open() as source, self._refusals():
            head = source.read(4)
            source.seek(0)
            items = scan(
                parser, source, name_of=self._name, first_item=self.first_item, names=names
            )
        self.items = items
        if items.by_ranges and ascii_compatible(head):
            self.map = items

    def _channel_children(self, data=None, *, vetted=False):
        """Yield (name, element) for each complete child of <channel>, then free it: of the
        file, or of the document `data` (bytes; `vetted`: see `_events`)."""
        stack = []
        with self._open() if data is None else nullcontext(io.BytesIO(data)) as source:
            for event, element in self._events(source, vetted=vetted):
                if event == "start":
                    stack.append(element)
                    continue
                stack.pop()
                if len(stack) == 2 and stack[1].tag == "channel":
                    yield self._name(element.tag), element
                    element.clear()
                    stack[1].remove(element)
                elif len(stack) == 1:
                    element.clear()
                    stack[0].remove(element)

    # Records

    def records(self, phase, *, after=0, known=None):
        """Yield the records of one phase: "library" (people, topics, pictures) or "content".

        The writer runs "library" first, so posts can point at the people, topics and
        pictures it has already stored. Items numbered `after` or below are passed over
        unread (an import resuming where it stopped).

        After `check`, the content pass asks `known` (when given) about each batch of posts
        before reading them: it is called with [(ItemFacts, digest)] and returns the numbers
        of the items whose article was imported from these very bytes. Those are not read
        again: each comes out as an `Unchanged` record (with its comments' `Skipped`).
        """
        if phase not in PHASES:
            raise ValueError(f"phase must be one of {PHASES}, not {phase!r}")
        if self.map is not None:
            return self._ranged_records(phase, after, known)
        return self._records(phase, after)

    def _records(self, phase, after=0):
        library = phase == "library"
        authors, counts, items = {}, {}, self.first_item - 1
        for name, element in self._channel_children():
            if name == "item":
                items += 1
                self.item_number = items
                if items <= after:
                    continue
                if library:
                    yield from library_records(element, items, self._name)
                else:
                    item = item_of(element, self._name)
                    yield from content_records(item, items, authors, self.zone)
            else:
                yield from header_records(
                    name, element, self._name, library=library, authors=authors, counts=counts
                )

    # Reading by ranges (after `check`): the header once, then the items a batch at a time

    def _ranged_records(self, phase, after, known):
        library = phase == "library"
        with self._open() as source:
            opening = source.read(self.map.opening_end)
            header = opening + source.read(self.map.header_end - self.map.opening_end)
            authors, counts = {}, {}
            # The header, with the file's prolog, through defusedxml: the items' documents
            # below begin with these same bytes (`opening`), so the C reader may read them.
            for name, element in self._channel_children(header + CLOSING):
                yield from header_records(
                    name, element, self._name, library=library, authors=authors, counts=counts
                )
            items = [facts for facts in self.map.items if facts.number > after]
            for first in range(0, len(items), READ_BATCH):
                batch = items[first : first + READ_BATCH]
                if library:
                    batch = [f for f in batch if f.text("wp:post_type") == "attachment"]
                    for facts in batch:
                        source.seek(facts.start)
                        data = source.read(facts.end - facts.start)
                        self.item_number = facts.number
                        document = opening + data + CLOSING
                        for _, element in self._channel_children(document, vetted=True):
                            yield from library_records(element, facts.number, self._name)
                    continue
                yield from self._content_batch(source, opening, batch, authors, known)

    def _content_batch(self, source, opening, batch, authors, known):
        base = batch[0].start
        source.seek(base)
        data = source.read(batch[-1].end - base)
        digests = {
            facts.number: item_digest(
                data[facts.start - base : facts.end - base], facts.number, self.zone.key
            )
            for facts in batch
            if (facts.text("wp:post_type") or "post") == "post"
            and facts.text("wp:status") != "trash"
        }
        unchanged = set()
        if known is not None and digests:
            unchanged = known([(facts, digests[facts.number]) for facts in batch
                               if facts.number in digests])
        run = []
        for facts in batch:
            if not run and facts.text("wp:post_type") == "attachment" and not facts.comments:
                continue  # read in the library pass; here it would give nothing
            if facts.number not in unchanged:
                run.append(facts)
                continue
            yield from self._read_run(opening, data, base, run, authors, digests)
            run = []
            self.item_number = facts.number
            where = _where(facts.number, facts)
            yield Unchanged(
                kind="post",
                source_id=facts.text("wp:post_id"),
                where=where,
                old_urls=_old_urls(facts),
                digest=digests[facts.number],
            )
            if facts.comments:
                yield Skipped("comment", where, "comments are not imported", count=facts.comments)
        yield from self._read_run(opening, data, base, run, authors, digests)

    def _read_run(self, opening, data, base, run, authors, digests):
        """The records of consecutive items `run`, read from their bytes in one document."""
        if not run:
            return
        document = opening + data[run[0].start - base : run[-1].end - base] + CLOSING
        numbered = iter(run)
        for name, element in self._channel_children(document, vetted=True):
            if name != "item":
                continue
            facts = next(numbered)
            self.item_number = facts.number
            for record in content_records(
                item_of(element, self._name), facts.number, authors, self.zone
            ):
                if isinstance(record, Entry) and record.kind == "post":
                    record.digest = digests.get(facts.number, "")
                yield record


class _Discard:
    """A parser target that keeps nothing: `check()` wants the verdict, not the tree."""

    def data(self, text):
        pass

    def close(self):
        return None
