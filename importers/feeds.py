"""Read an RSS 2.0 (or 0.9x, 1.0), Atom 1.0 or JSON Feed 1.x file into importer records.

Safety comes first: XML bytes go through defusedxml before feedparser sees them, so a file
that declares entities, or is not well-formed, is refused whole and nothing partial is read.
That strict pass also notes, per item, what feedparser blurs together (its line, its raw id,
whether it has a real title, which descriptions belong to media rather than to the story).
feedparser then does the rest: character encodings, dates, authors, relative links.

Nothing here fetches anything: feedparser gets a byte stream, never a URL, and the strict
pass neither resolves external entities nor reads an external DTD.
"""

import calendar
import hashlib
import html
import io
import json
import mimetypes
import re
import xml.sax
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit
from xml.parsers import expat

import feedparser
from defusedxml import DefusedXmlException, EntitiesForbidden, expatreader
from django.utils.html import strip_tags

from .records import Entry, Media, Person, Skipped, SourceRefused

MAX_FEED_BYTES = 20 * 1024 * 1024
MAX_SOURCE_ID_LENGTH = 255
HEADLINE_FALLBACK_WORDS = 12

ATOM_NS = "http://www.w3.org/2005/Atom"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RSS10_NS = "http://purl.org/rss/1.0/"
RSS090_NS = "http://my.netscape.com/rdf/simple/0.9/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
MEDIA_NAMESPACES = {"http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss"}
XHTML_NS = "http://www.w3.org/1999/xhtml"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1"

# Default namespaces that older RSS 2.0 generators (Radio UserLand, early Harvard-hosted
# specification copies) put on <rss>; the elements are plain RSS 2.0 all the same.
RSS2_NAMESPACES = {
    None,
    "http://backend.userland.com/rss2",
    "http://blogs.law.harvard.edu/tech/rss",
}
# Namespaces in which an unprefixed RSS element may legitimately live.
RSS_NAMESPACES = RSS2_NAMESPACES | {RSS10_NS, RSS090_NS}


@dataclass
class Feed:
    """One feed file, read: what it is, what it calls itself, and its items."""

    kind: str  # "RSS 2.0", "Atom 1.0", "JSON Feed 1.1" …
    title: str
    link: str  # the site's home page link
    entries: list[Entry]
    skipped: list[Skipped]


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


# --- XML: the strict pass -------------------------------------------------------------------


@dataclass
class _ItemFacts:
    """What the strict pass saw in one <item>/<entry>, to correct feedparser's view of it."""

    label: str  # "item" or "entry"
    line: int
    raw_id: str = ""
    guid_is_permalink: bool = True
    has_title: bool = False
    # (kind, plain text) for each story text: kind is "summary", "content" or "media".
    texts: list[tuple[str, str]] = field(default_factory=list)
    media_titles: list[str] = field(default_factory=list)
    rss_authors: list[str] = field(default_factory=list)  # dc:creator and <author>, raw
    media_descriptions: list[str] = field(default_factory=list)


class _RootRefused(Exception):
    """Raised from inside the SAX handler as soon as the root shows this is not a feed."""


class _StrictPass(xml.sax.handler.ContentHandler):
    """Check the root element and take notes on each item; keeps no tree in memory."""

    def __init__(self):
        super().__init__()
        self.locator = None
        self.namespaces = [{"xml": "http://www.w3.org/XML/1998/namespace"}]
        self.stack = []  # (namespace, local name) of open elements
        self.kind = ""
        self.item_depth = 0
        self.has_channel = False
        self.items = []
        self.capture = None  # (kind, list of text pieces, depth) while inside a story text

    def setDocumentLocator(self, locator):
        self.locator = locator

    def _resolve(self, qname):
        prefix, _, local = qname.rpartition(":")
        for scope in reversed(self.namespaces):
            if prefix in scope:
                return scope[prefix] or None, local
        # Undeclared prefixes are tolerated (feedparser copes); keep the prefix as the name.
        return (prefix or None), local

    def startElement(self, qname, attrs):
        declared = {}
        for name, value in attrs.items():
            if name == "xmlns":
                declared[""] = value
            elif name.startswith("xmlns:"):
                declared[name[6:]] = value
        self.namespaces.append(declared)
        name = self._resolve(qname)
        depth = len(self.stack) + 1
        if depth == 1:
            self._check_root(qname, name, attrs)
        self.stack.append(name)
        if self.capture is not None:
            return
        parent = self.stack[-2] if depth > 1 else None
        ns, local = name
        if self.kind.startswith("RSS") and local == "channel" and ns in RSS_NAMESPACES:
            self.has_channel = True
        if self._is_item(name, parent, depth):
            self.item_depth = depth
            facts = _ItemFacts(
                label="entry" if self.kind.startswith("Atom") else "item",
                line=self.locator.getLineNumber() if self.locator else 0,
            )
            about = attrs.get("rdf:about", "")
            if about:
                facts.raw_id = about.strip()
            self.items.append(facts)
            return
        if not self.item_depth:
            return
        facts = self.items[-1]
        text_kind = self._story_text_kind(name, depth, attrs)
        if text_kind:
            self.capture = (text_kind, [], depth)
        elif depth == self.item_depth + 1 and local in ("guid", "id", "title"):
            self.capture = (local, [], depth)
            if local == "guid":
                facts.guid_is_permalink = attrs.get("isPermaLink", "true").strip() != "false"
        elif depth == self.item_depth + 1 and (
            (local == "author" and ns in RSS_NAMESPACES) or (ns, local) == (DC_NS, "creator")
        ):
            self.capture = ("author", [], depth)
        elif ns in MEDIA_NAMESPACES and local == "title":
            self.capture = ("media-title", [], depth)

    def _check_root(self, qname, name, attrs):
        ns, local = name
        if local == "rss" and ns in RSS2_NAMESPACES:
            version = attrs.get("version", "").strip()
            if version and version != "2.0" and not version.startswith("0.9"):
                raise _RootRefused(f"RSS version {version} is not one this reader knows")
            self.kind = f"RSS {version}" if version else "RSS"
        elif local == "feed" and ns == ATOM_NS:
            self.kind = "Atom 1.0"
        elif local == "RDF" and ns == RDF_NS:
            self.kind = "RSS 1.0"
        elif local == "feed":
            raise _RootRefused(
                f"the root element is <{qname}> in namespace {ns or '(none)'}, not Atom 1.0 "
                f"({ATOM_NS})"
            )
        else:
            # The namespace is named, so that an <rss> in a namespace no RSS version uses does
            # not read as "<rss>, not <rss>".
            found = f"<{qname}> (namespace {ns})" if ns else f"<{qname}> (no namespace)"
            raise _RootRefused(f"the root element is {found}, not <rss>, <feed> or <rdf:RDF>")

    def _is_item(self, name, parent, depth):
        ns, local = name
        if self.item_depth:
            return False
        if self.kind == "Atom 1.0":
            return depth == 2 and name == (ATOM_NS, "entry")
        if self.kind == "RSS 1.0":
            if depth == 2 and local == "channel" and ns == RSS090_NS:
                self.kind = "RSS 0.90"
            return depth == 2 and local == "item" and ns in RSS_NAMESPACES
        # RSS 2.0 puts items in the channel; some 0.9x files put them beside it.
        in_channel = parent is not None and parent[1] in ("rss", "channel")
        return local == "item" and ns in RSS2_NAMESPACES and depth in (2, 3) and in_channel

    def _story_text_kind(self, name, depth, attrs):
        ns, local = name
        if ns in MEDIA_NAMESPACES and local == "description":
            return "media"
        if depth != self.item_depth + 1:
            return ""
        if (ns, local) in ((CONTENT_NS, "encoded"), (XHTML_NS, "body")) or (
            local == "content" and ns == ATOM_NS and not attrs.get("src")
        ):
            return "content"
        if (local == "description" and ns in RSS_NAMESPACES | {DC_NS}) or (
            local == "summary" and ns in (ATOM_NS, ITUNES_NS)
        ):
            return "summary"
        return ""

    def characters(self, content):
        if self.capture is not None:
            self.capture[1].append(content)

    def endElement(self, qname):
        depth = len(self.stack)
        self.stack.pop()
        self.namespaces.pop()
        if self.capture is not None and self.capture[2] == depth:
            kind, pieces, _ = self.capture
            self.capture = None
            text = "".join(pieces)
            facts = self.items[-1]
            if kind in ("guid", "id"):
                facts.raw_id = text.strip()
            elif kind == "title":
                facts.has_title = bool(text.strip())
            elif kind == "author":
                facts.rss_authors.append(text)
            elif kind == "media-title":
                facts.media_titles.append(_plain(text))
            else:
                if kind == "media":
                    facts.media_descriptions.append(_plain(text))
                facts.texts.append((kind, _plain(text)))
        if depth == self.item_depth:
            self.item_depth = 0


class _NeverFetchingParser(expatreader.DefusedExpatParser):
    def reset(self):
        super().reset()
        # The standard reader asks expat for a DOCTYPE's external DTD, which defusedxml then
        # refuses; never asking lets a harmless DOCTYPE through while nothing is ever read.
        self._parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)


class _EncodingUnknownToExpat(Exception):
    pass


XML_DECLARATION = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([\w.:-]+)(["'])""")


def _as_utf8(data: bytes) -> bytes:
    """Re-encode a feed in UTF-8 (Shift_JIS, GB2312, Big5 …) so that expat can check it."""
    declared = XML_DECLARATION.match(data[:200].decode("ascii", "replace"))
    if not declared:
        raise SourceRefused("The file's character encoding could not be determined.")
    try:
        text = data.decode(declared[2])
    except LookupError:
        raise SourceRefused(f"The file declares an unknown encoding, {declared[2]}.") from None
    except UnicodeDecodeError as error:
        raise SourceRefused(
            f"The file is not valid {declared[2]}: bad byte at position {error.start}."
        ) from None
    return XML_DECLARATION.sub(r"\g<1>utf-8\g<3>", text, count=1).encode()


def _strict_pass(data: bytes) -> _StrictPass:
    parser = _NeverFetchingParser(forbid_dtd=False, forbid_entities=True, forbid_external=True)
    notes = _StrictPass()
    parser.setContentHandler(notes)
    source = xml.sax.InputSource()
    source.setByteStream(io.BytesIO(data))
    try:
        parser.parse(source)
    except LookupError as error:
        raise SourceRefused(
            f"The file declares a character encoding we cannot read ({error})."
        ) from None
    except _RootRefused as refusal:
        raise SourceRefused(f"Not a feed: {refusal}.") from None
    except EntitiesForbidden as refusal:
        raise SourceRefused(
            f"The file declares XML entities (<!ENTITY {refusal.name} …>), refused for safety."
        ) from None
    except DefusedXmlException as refusal:
        raise SourceRefused(
            f"The file refers to an external resource ({refusal}), refused for safety."
        ) from None
    except ValueError as error:  # after DefusedXmlException, itself a ValueError
        # Python's expat reads only single-byte encodings besides UTF-8 and UTF-16.
        if "multi-byte encodings" not in str(error):
            raise
        raise _EncodingUnknownToExpat from None
    except xml.sax.SAXParseException as error:
        if error.getMessage() == "unknown encoding":
            raise _EncodingUnknownToExpat from None
        if not notes.kind and re.match(rb"(\xef\xbb\xbf)?\s*(<!doctype\s+html|<html)", data, re.I):
            raise SourceRefused("Not a feed: the root element is <html> (a web page).") from None
        raise SourceRefused(
            f"The file is not well-formed XML: {error.getMessage()} at line "
            f"{error.getLineNumber()}, column {error.getColumnNumber() + 1}."
        ) from None
    if notes.kind.startswith("RSS") and not notes.has_channel:
        raise SourceRefused("Not a feed: the <rss> root holds no <channel>.")
    return notes


# --- XML: mapping feedparser's entries ------------------------------------------------------


def _read_xml_feed(data: bytes, *, url: str) -> Feed:
    try:
        notes = _strict_pass(data)
    except _EncodingUnknownToExpat:
        data = _as_utf8(data)
        notes = _strict_pass(data)
    parsed = feedparser.parse(
        # A stream, never bytes or a string: feedparser treats those as a path or URL to open.
        io.BytesIO(data),
        # A local path is no base for the source site's links: those stay as written.
        response_headers={"content-location": url} if _is_http(url) else None,
        # The writer sanitises with its own allow-list (which keeps video embeds);
        # feedparser's sanitiser would drop iframes before the writer could decide.
        sanitize_html=False,
        # Imported bodies move to our site, where links relative to the source would break.
        resolve_relative_uris=True,
    )
    facts = notes.items if len(notes.items) == len(parsed.entries) else []
    is_atom = notes.kind.startswith("Atom")
    feed_authors = _people(parsed.feed.get("authors", []), []) if is_atom else []
    entries, skipped, seen = [], [], {}
    for number, raw in enumerate(parsed.entries, start=1):
        item = facts[number - 1] if facts else None
        label = item.label if item else ("entry" if is_atom else "item")
        where = f"{label} {number} (line {item.line})" if item else f"{label} {number}"
        result = _map_xml_entry(raw, item, where, is_atom=is_atom, feed_authors=feed_authors)
        _keep(result, entries, skipped, seen)
    return Feed(
        kind=notes.kind,
        title=_detail_text(parsed.feed, "title"),
        link=parsed.feed.get("link", ""),
        entries=entries,
        skipped=skipped,
    )


def _map_xml_entry(raw, item, where, *, is_atom, feed_authors):
    notes = []
    title = _detail_text(raw, "title") if item is None or item.has_title else ""
    content, summary = _story_texts(raw, item)
    body_html = _as_html(content or summary)
    if not title and not body_html.strip():
        return _skip_reason(raw, where)
    standfirst = _standfirst(summary, content) if content else ""

    # Plain dict access: feedparser's own lookup quietly answers "updated" with "published".
    published = _struct_to_datetime(dict.get(raw, "published_parsed"))
    updated = _struct_to_datetime(dict.get(raw, "updated_parsed"))
    link = _entry_link(raw, item, is_atom)
    raw_id = item.raw_id if item else raw.get("id", "")
    media = [
        *(_media_candidate(m, "media:content") for m in raw.get("media_content", [])),
        *(_media_candidate(m, "media:thumbnail") for m in raw.get("media_thumbnail", [])),
        *(
            _media_candidate({"url": link_.get("href"), "type": link_.get("type")}, "enclosure")
            for link_ in raw.get("links", [])
            if link_.get("rel") == "enclosure"
        ),
    ]
    if item is not None and not is_atom:
        # feedparser's own address matching mangles names with long top-level domains.
        authors = [_rss_author(text) for text in item.rss_authors]
    else:
        authors = raw.get("authors", [])
    credits = [c.get("content", "").strip() for c in raw.get("media_credit", [])]
    lead_image = _lead_image(
        media,
        notes,
        where=where,
        title=item.media_titles[0] if item and item.media_titles else "",
        caption=item.media_descriptions[0] if item and item.media_descriptions else "",
        credit=next((c for c in credits if c), ""),
    )
    return _entry(
        where=where,
        raw_id=raw_id,
        link=link,
        title=title,
        body_html=body_html,
        summary_text=_plain(_as_html(summary)) if summary else "",
        standfirst=standfirst,
        published=published,
        updated=updated,
        authors=_people(authors, notes) or feed_authors,
        topics=[tag.get("label") or tag.get("term") or "" for tag in raw.get("tags", [])],
        lead_image=lead_image,
        notes=notes,
    )


def _story_texts(raw, item):
    """Return (content, summary) as feedparser detail dicts (value and type), either may be None.

    feedparser routes every description-like element through one summary slot and a content
    list, so a media:description can become the "summary" or the "content". The strict pass
    knows which element each text came from: match on plain text and keep the story's own.
    """
    candidates = [("content", detail) for detail in raw.get("content", [])]
    if raw.get("summary") is not None:
        # A deeper description (media:description) leaves the summary alone but overwrites
        # its summary_detail, so the type is only trusted when the detail is the summary's.
        detail = raw.get("summary_detail") or {}
        same = detail.get("value") == raw["summary"]
        summary_type = detail.get("type", "text/html") if same else "text/html"
        candidates.append(("summary", {"value": raw["summary"], "type": summary_type}))
    if item is not None:
        unmatched = list(item.texts)
        labelled = []
        for slot, detail in candidates:
            text = _plain(detail.get("value", ""))
            match = next((t for t in unmatched if t[1] == text), None)
            if match:
                unmatched.remove(match)
                labelled.append((match[0], detail))
            elif not any(_plain(d.get("value", "")) == text for _, d in labelled):
                # Not a copy feedparser made of another text: trust feedparser's slot.
                labelled.append((slot, detail))
        candidates = labelled
    content = next((d for k, d in candidates if k == "content" and d.get("value")), None)
    summary = next((d for k, d in candidates if k == "summary" and d.get("value")), None)
    if content is not None and summary is not None and content.get("value") == summary.get("value"):
        summary = None
    return content, summary


def _entry_link(raw, item, is_atom):
    for link in raw.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    # RSS 2.0: a guid that is a permalink is the item's address when there is no <link>.
    if not is_atom and item is not None and item.guid_is_permalink and _is_http(item.raw_id):
        return item.raw_id
    return ""


EMAIL = r"[^\s()<>@]+@[^\s()<>@]+"
EMAIL_THEN_NAME = re.compile(rf"(?P<email>{EMAIL})\s*\((?P<name>.*)\)")
NAME_THEN_EMAIL = re.compile(rf"(?P<name>.*?)\s*<(?P<email>{EMAIL})>")


def _rss_author(text):
    """Split an RSS author, "jo@example.org (Jo Bloggs)" or "Jo Bloggs <jo@…>", into parts."""
    text = " ".join(text.split())
    for form in (EMAIL_THEN_NAME, NAME_THEN_EMAIL):
        if match := form.fullmatch(text):
            return {"name": match["name"], "email": match["email"]}
    if re.fullmatch(EMAIL, text):
        return {"email": text}
    return {"name": text}


def _skip_reason(raw, where):
    """Say what an item with nothing to publish did hold, so the operator can judge."""
    found = [
        " ".join(filter(None, [link.get("rel"), link.get("type"), link.get("href")]))
        for link in raw.get("links", [])
        if link.get("href")
    ]
    reason = "no title and no text"
    if found:
        reason += " (only links: " + "; ".join(found) + ")"
    return Skipped("entry", where, reason)


def _detail_text(context, key):
    """A title as plain text: HTML titles lose their tags and entities, plain ones are kept."""
    value = context.get(key) or ""
    detail = context.get(f"{key}_detail") or {}
    if "html" in detail.get("type", "text/plain"):
        return _plain(value)
    return " ".join(value.split())


def _as_html(detail):
    if not detail:
        return ""
    value = detail.get("value", "")
    if "html" in detail.get("type", "text/html"):
        return value.strip()
    return _text_to_html(value)


def _struct_to_datetime(value):
    if not value:
        return None
    # feedparser normalises every date to a UTC struct_time.
    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)


# --- JSON Feed --------------------------------------------------------------------------------


def _read_json_feed(data: bytes) -> Feed:
    try:
        document = json.loads(data)
    except json.JSONDecodeError as error:
        raise SourceRefused(
            f"The file is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None
    except UnicodeDecodeError as error:
        raise SourceRefused(
            f"The file is not valid UTF-8 JSON: bad byte at position {error.start}."
        ) from None
    except RecursionError:
        raise SourceRefused("The file is JSON nested too deeply to read.") from None
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, str) or not version.startswith(JSON_FEED_VERSION):
        raise SourceRefused(
            "The file is JSON but not a JSON Feed: it has no version "
            f"starting with {JSON_FEED_VERSION}."
        )
    items = document.get("items")
    if not isinstance(items, list):
        raise SourceRefused("The file is JSON but not a JSON Feed: it has no list of items.")
    number = version.removeprefix("https://jsonfeed.org/version/")
    kind = f"JSON Feed {number if '.' in number else number + '.0'}"
    feed_authors = _people(_json_authors(document), [])
    entries, skipped, seen = [], [], {}
    for position, item in enumerate(items, start=1):
        where = f"item {position}"
        if not isinstance(item, dict):
            skipped.append(Skipped("entry", where, "an item that is not a JSON object"))
            continue
        _keep(_map_json_item(item, where, feed_authors), entries, skipped, seen)
    return Feed(
        kind=kind,
        title=_json_text(document, "title"),
        link=_json_text(document, "home_page_url"),
        entries=entries,
        skipped=skipped,
    )


def _map_json_item(item, where, feed_authors):
    notes = []
    title = " ".join(_json_text(item, "title").split())
    content_html = _json_text(item, "content_html").strip()
    content_text = _json_text(item, "content_text")
    body_html = content_html or _text_to_html(content_text)
    summary = _json_text(item, "summary").strip()
    if not title and not body_html and not summary:
        return Skipped("entry", where, "no title and no text")
    content_plain = _plain(content_html) if content_html else " ".join(content_text.split())
    standfirst = summary if body_html and summary and not _begins(content_plain, summary) else ""
    media = [
        _media_candidate({"url": _json_text(item, key), "medium": "image"}, key)
        for key in ("image", "banner_image")
    ]
    media += [
        _media_candidate(
            {"url": _json_text(a, "url"), "type": _json_text(a, "mime_type")}, "attachment"
        )
        for a in item.get("attachments") or []
        if isinstance(a, dict)
    ]
    tags = item.get("tags") or []
    raw_id = item.get("id")
    return _entry(
        where=where,
        # JSON Feed 1.0 files in the wild often give numbers as ids; the text is the id.
        raw_id=str(raw_id).strip() if isinstance(raw_id, str | int) else "",
        link=_json_text(item, "url"),
        title=title,
        body_html=body_html or html.escape(summary),
        summary_text=summary,
        standfirst=standfirst,
        published=_json_date(item, "date_published", notes),
        updated=_json_date(item, "date_modified", notes),
        authors=_people(_json_authors(item), notes) or feed_authors,
        topics=[tag for tag in tags if isinstance(tag, str)] if isinstance(tags, list) else [],
        lead_image=_lead_image(media, notes, where=where),
        notes=notes,
    )


def _json_text(mapping, key):
    value = mapping.get(key)
    return value if isinstance(value, str) else ""


def _json_authors(mapping):
    # Version 1.1 has an "authors" list; 1.0 had a single "author".
    authors = mapping.get("authors")
    if not isinstance(authors, list):
        authors = [mapping.get("author")]
    return [{"name": _json_text(a, "name")} for a in authors if isinstance(a, dict)]


def _json_date(item, key, notes):
    value = _json_text(item, key)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        notes.append(f"{key} not understood: {value!r}")
        return None
    # RFC 3339 requires an offset; a file that omits it is read as UTC.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


# --- Shared mapping ---------------------------------------------------------------------------


def _entry(
    *,
    where,
    raw_id,
    link,
    title,
    body_html,
    summary_text,
    standfirst,
    published,
    updated,
    authors,
    topics,
    lead_image,
    notes,
):
    if not title:
        words = (summary_text or _plain(body_html)).split()
        title = " ".join(words[:HEADLINE_FALLBACK_WORDS])
        if len(words) > HEADLINE_FALLBACK_WORDS:
            title += "…"
    if published is None:
        published, updated = updated, None
    elif updated is not None and updated <= published:
        updated = None
    return Entry(
        kind="entry",
        source_id=_source_id(raw_id, link, title, published),
        where=where,
        headline=title,
        body_html=body_html,
        standfirst=standfirst,
        status="published",
        published_at=published,
        updated_at=updated,
        topics=_unique(" ".join(t.split()) for t in topics),
        authors=authors,
        lead_image=lead_image,
        old_urls=[link] if _is_http(link) else [],
        notes=notes,
    )


def _source_id(raw_id, link, title, published):
    """The item's identity across imports: its own id, else its link, else title and date.

    The last resort is a SHA-256 of the headline and the publication date (ISO 8601, or empty),
    so re-reading an unchanged item finds the same article; editing either makes a new one.
    Ids longer than the database column are replaced by a digest of the whole id.
    """
    source_id = raw_id.strip() or link.strip()
    if not source_id:
        basis = f"{title}\n{published.isoformat() if published else ''}"
        return "title-date:sha256:" + hashlib.sha256(basis.encode()).hexdigest()
    if len(source_id) > MAX_SOURCE_ID_LENGTH:
        return "digest:sha256:" + hashlib.sha256(source_id.encode()).hexdigest()
    return source_id


def _keep(result, entries, skipped, seen):
    if isinstance(result, Skipped):
        skipped.append(result)
    elif result.source_id in seen:
        skipped.append(
            Skipped("entry", result.where, f"repeats the id of {seen[result.source_id]}")
        )
    else:
        seen[result.source_id] = result.where
        entries.append(result)


def _people(raw_authors, notes):
    people, seen = [], set()
    for author in raw_authors:
        name = " ".join((author.get("name") or "").split())
        email = (author.get("email") or "").strip()
        if not name:
            if email:
                # An address alone is not a byline, and publishing it would expose it.
                notes.append("author with only an email address left out")
            continue
        if name.casefold() not in seen:
            seen.add(name.casefold())
            people.append(Person(name=name, email=email))
    return people


@dataclass
class _MediaCandidate:
    url: str
    mime_type: str
    is_image: bool
    origin: str


def _media_candidate(attrs, origin):
    url = (attrs.get("url") or "").strip()
    mime_type = (attrs.get("type") or "").strip().lower()
    guessed = mimetypes.guess_type(urlsplit(url).path)[0] or ""
    medium = (attrs.get("medium") or "").strip().lower()
    is_image = (
        origin == "media:thumbnail"
        or medium == "image"
        or mime_type.startswith("image/")
        or (not mime_type and not medium and guessed.startswith("image/"))
    )
    return _MediaCandidate(url, mime_type or guessed, is_image, origin)


def _lead_image(candidates, notes, *, where, title="", caption="", credit=""):
    """The first picture becomes the lead; other files are named in the notes, once each."""
    lead, seen = None, set()
    for candidate in candidates:
        if not candidate.url or candidate.url in seen:
            continue
        seen.add(candidate.url)
        if candidate.is_image and lead is None:
            lead = Media(
                source_id=candidate.url,
                url=candidate.url,
                title=title,
                caption=caption,
                credit=credit,
                mime_type=candidate.mime_type,
                where=where,
            )
        elif not candidate.is_image:
            kind = candidate.mime_type or "file of unknown type"
            notes.append(f"attachment not imported: {kind} {candidate.url}")
        elif candidate.origin != "media:thumbnail":
            # Thumbnails are usually smaller copies of the lead; other pictures are worth a word.
            notes.append(f"extra image not imported: {candidate.mime_type} {candidate.url}")
    return lead


def _standfirst(summary, content):
    """The summary as plain text, unless it is merely the opening of the full text."""
    summary_text = _plain(_as_html(summary))
    if not summary_text or _begins(_plain(_as_html(content)), summary_text):
        return ""
    return summary_text


TRAILING_MORE = re.compile(r"\s*(\[\s*(…|\.\.\.)\s*\]|…|\.\.\.)\s*$")


def _begins(full_text, summary_text):
    opening = TRAILING_MORE.sub("", summary_text)
    return not opening or full_text.startswith(opening)


SCRIPTS_AND_STYLES = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)


def _plain(markup):
    # Headlines and standfirsts are made from this: code is not words to show.
    markup = SCRIPTS_AND_STYLES.sub(" ", markup)
    return " ".join(html.unescape(strip_tags(markup)).split())


def _text_to_html(text):
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n".join(
        "<p>" + html.escape(p.strip()).replace("\n", "<br>\n") + "</p>"
        for p in paragraphs
        if p.strip()
    )


def _unique(names):
    kept, seen = [], set()
    for name in names:
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            kept.append(name)
    return kept


def _is_http(link):
    return urlsplit(link).scheme in ("http", "https") if link else False
