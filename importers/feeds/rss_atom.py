"""RSS (0.9x, 1.0, 2.0) and Atom 1.0 entries: feedparser's reading, corrected by the strict pass.

One module for both because feedparser maps them through one path; what differs (links,
authors in RSS's "email (name)" form) is a branch here, not a reader of its own.
"""

import calendar
import io
import re
from datetime import UTC, datetime

import feedparser

from importers.records import Skipped

from .entries import (
    Feed,
    _as_html,
    _entry,
    _is_http,
    _keep,
    _lead_image,
    _media_candidate,
    _people,
    _plain,
    _standfirst,
)
from .xml_safety import _as_utf8, _EncodingUnknownToExpat, _strict_pass

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


def _struct_to_datetime(value):
    if not value:
        return None
    # feedparser normalises every date to a UTC struct_time.
    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
