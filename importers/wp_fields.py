"""From a WXR item's fields to import records: people, terms, statuses, dates, addresses, media.

The WordPress export reader (`importers.wordpress`) walks the file; these functions read what
one `<item>` or header element says (authors, categories and tags, status, dates, old
addresses, attachments) in Newsroom's terms.
"""

import re
from dataclasses import replace
from datetime import datetime
from html import unescape
from html.parser import HTMLParser
from urllib.parse import unquote

from django.utils.text import slugify

from articles.text import ascii_slug
from importers.records import Media, Person, Skipped, Term

UNCATEGORIZED = "uncategorized"

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
