"""What a WordPress export says, as import records: each `<item>` and the channel's authors
and terms in Newsroom's terms (`importers.records`).

The reader (`importers.wordpress`) walks the file and hands over each element complete,
with its way of naming tags (`name_of`: `{http://wordpress.org/export/1.2/}post_id` →
`wp:post_id`); the functions here map one element, reading its fields with
`importers.wp_fields` and its body with `importers.wp_body`, and touch no file or database.
"""

from dataclasses import dataclass, field
from datetime import UTC

from .records import Entry, Skipped
from .wp_body import convert_body
from .wp_fields import (
    _byline,
    _media,
    _old_urls,
    _person,
    _plain_text,
    _section_and_topics,
    _slug,
    _status,
    _term,
    _where,
    _wordpress_date,
)

UNTITLED = "(untitled)"


@dataclass
class Item:
    """The parts of one `<item>` this reader uses, keyed by prefixed name ("wp:post_id")."""

    fields: dict = field(default_factory=dict)
    categories: list = field(default_factory=list)  # (domain or None, name)
    meta: dict = field(default_factory=dict)
    comments: int = 0

    def raw(self, name):
        return self.fields.get(name) or ""

    def text(self, name):
        return self.raw(name).strip()


def fields_of(element, name_of):
    """An element's children's texts by name, the first of each name kept."""
    fields = {}
    for child in element:
        fields.setdefault(name_of(child.tag), (child.text or "").strip())
    return fields


def item_of(element, name_of):
    item = Item()
    for child in element:
        name = name_of(child.tag)
        if name == "category":
            item.categories.append((child.get("domain"), child.text or ""))
        elif name == "wp:postmeta":
            meta = fields_of(child, name_of)
            item.meta.setdefault(meta.get("wp:meta_key", ""), meta.get("wp:meta_value", ""))
        elif name == "wp:comment":
            item.comments += 1
        else:
            item.fields.setdefault(name, child.text or "")
    return item


def header_records(name, element, name_of, *, library, authors, counts):
    """The records of one child of `<channel>` other than an item: each author is noted in
    `authors` (by login) for the posts' bylines, and in the library phase yielded with the
    terms (`counts` numbers the terms of each kind, for messages)."""
    if name == "wp:author":
        person = _person(fields_of(element, name_of))
        if person:
            authors.setdefault(person.login, person)
            if library:
                yield person
    elif library and name in ("wp:category", "wp:tag", "wp:term"):
        counts[name] = counts.get(name, 0) + 1
        yield _term(name, fields_of(element, name_of), counts[name])


def library_records(element, index, name_of):
    """The picture an attachment item is (nothing for any other item)."""
    post_type = next((c.text for c in element if name_of(c.tag) == "wp:post_type"), None)
    if (post_type or "").strip() == "attachment":
        item = item_of(element, name_of)
        yield _media(item, _where(index, item))


def content_records(item, index, authors, zone):
    """A post or page as an `Entry`, what has no home here as `Skipped`; its comments too."""
    post_type = item.text("wp:post_type") or "post"
    where = _where(index, item)
    if post_type in ("post", "page"):
        if item.text("wp:status") == "trash":
            yield Skipped(post_type, where, "in the trash")
        else:
            yield entry_of(post_type, item, where, authors, zone)
    elif post_type == "nav_menu_item":
        yield Skipped("menu item", where, "navigation menus are not imported")
    elif post_type == "revision":
        yield Skipped("revision", where, "earlier revisions are not imported")
    elif post_type != "attachment":  # attachments are read in the library phase
        yield Skipped(post_type, where, f"WordPress “{post_type}” items have no home here")
    if item.comments:
        yield Skipped("comment", where, "comments are not imported", count=item.comments)


def entry_of(kind, item, where, authors, zone):
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
        published_at=published_at(item, zone, notes),  # wp:post_date_gmt, wp:post_date
        section=section,  # the first <category domain="category">
        topics=topics,  # the other categories, then tags
        authors=_byline(item, authors),  # dc:creator, looked up in the channel's wp:author
        lead_image_ref=item.meta.get("_thumbnail_id", "").strip(),  # postmeta
        old_urls=_old_urls(item),  # link, guid
        notes=notes + body_notes,
    )


def published_at(item, zone, notes):
    """`wp:post_date_gmt` is UTC; a draft has none, and its `wp:post_date` is read in the
    site's time zone `zone`."""
    utc = _wordpress_date(item.text("wp:post_date_gmt"), "wp:post_date_gmt", notes)
    if utc:
        return utc.replace(tzinfo=UTC)
    local = _wordpress_date(item.text("wp:post_date"), "wp:post_date", notes)
    if local:
        return local.replace(tzinfo=zone).astimezone(UTC)
    return None
