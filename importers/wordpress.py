"""Read a WordPress export (WXR 1.0, 1.1 or 1.2) as a stream of import records.

    export = open_wxr("site.xml", timezone="Europe/Paris")  # the channel header only
    export.check()                                          # the whole file, no records
    for record in export.records("library"): ...            # people, topics, pictures
    for record in export.records("content"): ...            # posts and pages

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

import re
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote
from xml.parsers.expat import ErrorString
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from defusedxml import EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError, iterparse
from django.utils.text import slugify

from articles.text import ascii_slug

from .records import Entry, Media, Person, Skipped, SourceRefused, Term
from .wp_body import convert_body

WXR_VERSIONS = ("1.0", "1.1", "1.2")
PHASES = ("library", "content")
UNTITLED = "(untitled)"
UNCATEGORIZED = "uncategorized"

_WXR_NAMESPACE = re.compile(r"https?://wordpress\.org/export/1\.[012]/(excerpt/)?")
_NAMESPACE_PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "https://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "https://purl.org/dc/elements/1.1/": "dc",
}
_STATUSES = {
    "publish": "published",
    "future": "published",  # its date is in the future, which makes it scheduled
    "draft": "draft",
    "pending": "draft",
    "private": "draft",
    "auto-draft": "draft",
}
_WEB_ADDRESS = re.compile(r"https?://\S+", re.I)
# The credit WordPress read from a picture's IPTC data, inside the PHP-serialised
# `_wp_attachment_metadata`: `s:6:"credit";s:<bytes>:"<text>";`.
_CREDIT = re.compile(r's:6:"credit";s:(\d{1,4}):"')
# Word lists read better packed than one word a line.
# fmt: off
_INLINE_TAGS = frozenset({
    "a", "abbr", "b", "cite", "code", "em", "i", "mark", "q", "s", "small", "span", "strong",
    "sub", "sup", "u"
})
# fmt: on


def open_wxr(path, timezone="UTC"):
    """Open a WXR file and read its channel header; raise SourceRefused if it is not one.

    `timezone` is the WordPress site's zone, used only for posts without a UTC date.
    """
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"Unknown time zone {timezone!r}.") from None
    export = WxrExport(path, zone)
    export._read_header()
    return export


@dataclass
class _Item:
    """The parts of one `<item>` this reader uses, keyed by prefixed name ("wp:post_id")."""

    fields: dict = field(default_factory=dict)
    categories: list = field(default_factory=list)  # (domain or None, name)
    meta: dict = field(default_factory=dict)
    comments: int = 0

    def raw(self, name):
        return self.fields.get(name) or ""

    def text(self, name):
        return self.raw(name).strip()


class WxrExport:
    """One WXR file; each `check()` or `records()` call reads it again from the start."""

    def __init__(self, path, zone):
        self.path = Path(path)
        self.zone = zone
        self.version = ""
        self.site_url = ""
        self.blog_url = ""
        self.title = ""
        self._names = {}

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

    def _events(self, source):
        with self._refusals():
            yield from iterparse(
                source,
                events=("start", "end"),
                forbid_dtd=False,
                forbid_entities=True,
                forbid_external=True,
            )

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

    def check(self):
        """Read the whole file once, building nothing; raise SourceRefused if it is unsound.

        Catches what the header could not show: truncation, a broken item, an entity
        declared late. No element is built, so this is several times faster than `records`.
        """
        parser = DefusedXMLParser(
            target=_Discard(), forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
        with self._open() as source, self._refusals():
            while chunk := source.read(1 << 20):
                parser.feed(chunk)
            parser.close()

    def _channel_children(self):
        """Yield (name, element) for each complete child of <channel>, then free it."""
        stack = []
        with self._open() as source:
            for event, element in self._events(source):
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

    def records(self, phase):
        """Yield the records of one phase: "library" (people, topics, pictures) or "content".

        The writer runs "library" first, so posts can point at the people, topics and
        pictures it has already stored.
        """
        if phase not in PHASES:
            raise ValueError(f"phase must be one of {PHASES}, not {phase!r}")
        return self._records(phase)

    def _records(self, phase):
        library = phase == "library"
        authors, counts, items = {}, {}, 0
        for name, element in self._channel_children():
            if name == "item":
                items += 1
                if library:
                    yield from self._library_item(element, items)
                else:
                    yield from self._content_item(self._item(element), items, authors)
            elif name == "wp:author":
                person = _person(self._fields(element))
                if person:
                    authors.setdefault(person.login, person)
                    if library:
                        yield person
            elif library and name in ("wp:category", "wp:tag", "wp:term"):
                counts[name] = counts.get(name, 0) + 1
                yield _term(name, self._fields(element), counts[name])

    def _fields(self, element):
        fields = {}
        for child in element:
            fields.setdefault(self._name(child.tag), (child.text or "").strip())
        return fields

    def _item(self, element):
        item = _Item()
        for child in element:
            name = self._name(child.tag)
            if name == "category":
                item.categories.append((child.get("domain"), child.text or ""))
            elif name == "wp:postmeta":
                meta = self._fields(child)
                item.meta.setdefault(meta.get("wp:meta_key", ""), meta.get("wp:meta_value", ""))
            elif name == "wp:comment":
                item.comments += 1
            else:
                item.fields.setdefault(name, child.text or "")
        return item

    def _library_item(self, element, index):
        post_type = next((c.text for c in element if self._name(c.tag) == "wp:post_type"), None)
        if (post_type or "").strip() == "attachment":
            item = self._item(element)
            yield _media(item, _where(index, item))

    def _content_item(self, item, index, authors):
        post_type = item.text("wp:post_type") or "post"
        where = _where(index, item)
        if post_type in ("post", "page"):
            if item.text("wp:status") == "trash":
                yield Skipped(post_type, where, "in the trash")
            else:
                yield self._entry(post_type, item, where, authors)
        elif post_type == "nav_menu_item":
            yield Skipped("menu item", where, "navigation menus are not imported")
        elif post_type == "revision":
            yield Skipped("revision", where, "earlier revisions are not imported")
        elif post_type != "attachment":  # attachments are read in the library phase
            yield Skipped(post_type, where, f"WordPress “{post_type}” items have no home here")
        if item.comments:
            yield Skipped("comment", where, "comments are not imported", count=item.comments)

    def _entry(self, kind, item, where, authors):
        notes = []
        headline = _plain_text(item.raw("title"))
        if not headline:
            headline = UNTITLED
            notes.append(f"had no title; imported with the headline “{UNTITLED}”")
        body_html, body_notes = convert_body(item.raw("content:encoded"))
        section, topics = _section_and_topics(item.categories)
        return Entry(
            kind=kind,
            source_id=item.text("wp:post_id"),
            where=where,
            headline=headline,  # title
            body_html=body_html,  # content:encoded
            slug=_slug(item.text("wp:post_name")),  # wp:post_name
            standfirst=_plain_text(item.raw("excerpt:encoded")),  # excerpt:encoded
            status=_status(item, notes),  # wp:status, wp:post_password
            published_at=self._published_at(item, notes),  # wp:post_date_gmt, wp:post_date
            section=section,  # the first <category domain="category">
            topics=topics,  # the other categories, then tags
            authors=_byline(item, authors),  # dc:creator, looked up in the channel's wp:author
            lead_image_ref=item.meta.get("_thumbnail_id", "").strip(),  # postmeta
            old_urls=_old_urls(item),  # link, guid
            notes=notes + body_notes,
        )

    def _published_at(self, item, notes):
        utc = _wordpress_date(item.text("wp:post_date_gmt"), "wp:post_date_gmt", notes)
        if utc:
            return utc.replace(tzinfo=UTC)
        local = _wordpress_date(item.text("wp:post_date"), "wp:post_date", notes)
        if local:
            return local.replace(tzinfo=self.zone).astimezone(UTC)
        return None


class _Discard:
    """A parser target that keeps nothing: `check()` wants the verdict, not the tree."""

    def data(self, text):
        pass

    def close(self):
        return None


def _where(index, item):
    post_id = item.text("wp:post_id")
    post_type = item.text("wp:post_type") or "post"
    return f"item {index} ({post_type} {post_id})" if post_id else f"item {index}"


def _person(fields):
    login = fields.get("wp:author_login", "")
    full_name = " ".join(
        part
        for part in (fields.get("wp:author_first_name"), fields.get("wp:author_last_name"))
        if part
    )
    name = fields.get("wp:author_display_name") or full_name or login
    if not name:
        return None
    return Person(
        name=name,
        slug=slugify(name) or slugify(login),
        login=login,
        email=fields.get("wp:author_email", ""),
    )


def _byline(item, authors):
    # WXR 1.0 has no channel authors, and some exports name the login in an item's wp:author.
    login = item.text("dc:creator") or item.text("wp:author")
    if not login:
        return []
    person = authors.get(login)
    return [replace(person) if person else Person(name=login, slug=slugify(login), login=login)]


def _term(element_name, fields, number):
    if element_name == "wp:category":
        label, kind = "category", "category"
        slug, name = fields.get("wp:category_nicename", ""), fields.get("wp:cat_name", "")
        description = fields.get("wp:category_description")
    elif element_name == "wp:tag":
        label, kind = "tag", "tag"
        slug, name = fields.get("wp:tag_slug", ""), fields.get("wp:tag_name", "")
        description = fields.get("wp:tag_description")
    else:
        taxonomy = fields.get("wp:term_taxonomy", "")
        label, kind = "term", {"category": "category", "post_tag": "tag"}.get(taxonomy)
        slug, name = fields.get("wp:term_slug", ""), fields.get("wp:term_name", "")
        description = fields.get("wp:term_description")
    term_id = fields.get("wp:term_id")
    where = f"{label} {number} (term {term_id})" if term_id else f"{label} {number}"
    if kind is None:
        return Skipped("custom taxonomy term", where, f"the “{taxonomy}” taxonomy has no home here")
    name = " ".join(unescape(name).split()) or slug
    if not name:
        return Skipped(kind, where, "it has no name")
    if kind == "category" and name.casefold() == UNCATEGORIZED:
        return Skipped(kind, where, "WordPress's default “Uncategorized” is not imported")
    return Term(
        name=name,
        kind=kind,
        slug=_slug(slug),
        description=_plain_text(description or ""),
        where=where,
    )


def _section_and_topics(categories):
    """(section, topics) from an item's `<category>` elements; see the module docstring."""
    sections, tags = [], []
    for domain, name in categories:
        name = " ".join(unescape(name).split())
        if not name:
            continue
        if domain in (None, "", "category"):  # WXR 1.0 may leave the domain out
            if name.casefold() != UNCATEGORIZED:
                sections.append(name)
        elif domain in ("post_tag", "tag"):  # "tag" in WXR 1.0
            tags.append(name)
    names, seen = [], set()
    for name in sections + tags:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return (names[0], names[1:]) if sections else ("", names)


def _status(item, notes):
    wordpress_status = item.text("wp:status")
    status = _STATUSES.get(wordpress_status)
    if status is None:
        status = "draft"
        notes.append(f"status “{wordpress_status}” is unknown; imported as a draft")
    elif wordpress_status == "private":
        notes.append("was private in WordPress; imported as a draft")
    if status == "published" and item.text("wp:post_password"):
        status = "draft"
        notes.append("was password-protected in WordPress; imported as a draft")
    return status


def _wordpress_date(text, source_field, notes):
    if not text or text.startswith("0000-00-00"):
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        notes.append(f"{source_field} “{text}” is not a date; ignored")
        return None


def _slug(post_name):
    # WordPress keeps non-ASCII slugs percent-encoded (`caf%c3%a9`).
    return ascii_slug(unquote(post_name))


def _old_urls(item):
    urls = []
    for url in (item.text("link"), item.text("guid")):
        if _WEB_ADDRESS.fullmatch(url) and url not in urls:
            urls.append(url)
    return urls


def _media(item, where):
    url = item.text("wp:attachment_url") or item.text("guid")
    if not _WEB_ADDRESS.fullmatch(url):
        return Skipped("attachment", where, "it names no web address for its file")
    return Media(
        source_id=item.text("wp:post_id"),
        url=url,  # wp:attachment_url, else guid
        title=_plain_text(item.raw("title")),
        alt=" ".join(item.meta.get("_wp_attachment_image_alt", "").split()),
        caption=_plain_text(item.raw("excerpt:encoded")),
        credit=_credit(item.meta.get("_wp_attachment_metadata", "")),
        description=_plain_text(item.raw("content:encoded")),
        mime_type=item.text("wp:post_mime_type"),
        uploads_path=_uploads_path(item.meta.get("_wp_attached_file", "")),
        where=where,
    )


def _uploads_path(value):
    """`_wp_attached_file` ("2008/06/canola2.jpg") if it stays inside the uploads folder."""
    parts = value.strip().replace("\\", "/").split("/")
    if not value.strip() or value.strip().startswith("/") or ".." in parts or "" in parts:
        return ""
    return "/".join(parts)


def _credit(metadata):
    """The IPTC credit in serialised attachment metadata, read by pattern, never unserialised."""
    match = _CREDIT.search(metadata)
    if not match:
        return ""
    length, start = int(match.group(1)), match.end()
    # PHP counts bytes; a slice of `length` characters holds at least that many.
    value = metadata[start : start + length].encode()[:length]
    try:
        value = value.decode()
    except UnicodeDecodeError:
        return ""
    if metadata[start + len(value) : start + len(value) + 2] != '";':
        return ""
    return " ".join(value.split())


class _TextOnly(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag not in _INLINE_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag not in _INLINE_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def _plain_text(html):
    """Text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed."""
    if "<" not in html and "&" not in html:
        return " ".join(html.split())
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())
