"""What every feed format shares: the `Feed` read, and building an `Entry` from an item.

Ids (stable when the source has none), people, the lead image among media candidates, the
standfirst and plain-text fallbacks are one rule each, whichever format the item came from.
"""

import hashlib
import html
import mimetypes
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.html import strip_tags

from importers.records import Entry, Media, Person, Skipped

MAX_SOURCE_ID_LENGTH = 255
HEADLINE_FALLBACK_WORDS = 12


@dataclass
class Feed:
    """One feed file, read: what it is, what it calls itself, and its items."""

    kind: str  # "RSS 2.0", "Atom 1.0", "JSON Feed 1.1" …
    title: str
    link: str  # the site's home page link
    entries: list[Entry]
    skipped: list[Skipped]


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


def _as_html(detail):
    if not detail:
        return ""
    value = detail.get("value", "")
    if "html" in detail.get("type", "text/html"):
        return value.strip()
    return _text_to_html(value)


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
