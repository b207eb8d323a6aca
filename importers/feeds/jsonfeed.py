"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) into importer records."""

import html
import json
from datetime import UTC, datetime

from importers.records import Skipped, SourceRefused

from .entries import (
    Feed,
    _begins,
    _entry,
    _keep,
    _lead_image,
    _media_candidate,
    _people,
    _plain,
    _text_to_html,
)

# --- JSON Feed --------------------------------------------------------------------------------
JSON_FEED_VERSION = "https://jsonfeed.org/version/1"


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
