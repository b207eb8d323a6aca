"""Reading one JSONL line: validate the whole decoded value before anything is written.

`parse_line` returns a `ParsedLine` or raises `LineError` naming the first field at fault.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify

from articles.body import sanitise_body
from articles.links import validate_link_address
from articles.models import Article, Topic
from articles.text import ascii_slug, clean_text, name_key
from importers.run import ItemFailed

DEFAULT_SOURCE_SYSTEM = "newsroom"
# The keys a line's fingerprint holds (with `source`; others are ignored, so newer files import
# into older versions). `brand` is not one: the brand a line goes to, named by its key or by
# `--brand`, joins the fingerprint once known (`importers.brands.with_brand`).
KNOWN_KEYS = (
    "headline",
    "slug",
    "standfirst",
    "body_html",
    "section",
    "topics",
    "authors",
    "status",
    "published_at",
    "updated_at",
    "featured_image",
    "related_links",
)
TOPIC_MAX = Topic._meta.get_field("name").max_length
SOURCE_SYSTEM_MAX = Article._meta.get_field("source_system").max_length
SOURCE_ID_MAX = Article._meta.get_field("source_id").max_length
BRAND_MAX = Site._meta.get_field("domain").max_length


class LineError(ItemFailed):
    """A line that cannot be imported; the message says which field and why."""


def field_errors(error):
    """A model's `ValidationError` in one line, each field named as the format names it."""
    if hasattr(error, "message_dict"):
        return "; ".join(f"`{key}`: {' '.join(msgs)}" for key, msgs in error.message_dict.items())
    return " ".join(error.messages)


# Reading ---------------------------------------------------------------------------------


def _text(record, key, *, required=False, max_length=None, multiline=False):
    """A text field, stripped; a single-line one has its whitespace runs collapsed to a space.

    Control characters are already gone (`clean_tree`): they carry nothing a reader sees.
    """
    value = record.get(key)
    if value is None:
        if required:
            raise LineError(f"`{key}` is required.")
        return ""
    if not isinstance(value, str):
        raise LineError(f"`{key}` must be a string.")
    value = clean_text(value, multiline=multiline)
    if required and not value:
        raise LineError(f"`{key}` must not be empty.")
    if max_length and len(value) > max_length:
        raise LineError(f"`{key}` is longer than {max_length} characters.")
    return value


def _datetime(record, key):
    value = record.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise LineError(f"`{key}` must be an ISO 8601 date-time string.")
    try:
        parsed = datetime.fromisoformat(value)
        if timezone.is_naive(parsed):
            # A time without an offset is read in the site's time zone, as an editor would.
            parsed = timezone.make_aware(parsed)
    except (ValueError, OverflowError):
        raise LineError(f"`{key}` is not an ISO 8601 date-time: {value!r}.") from None
    return parsed


def _list(record, key):
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise LineError(f"`{key}` must be a list.")
    return value


def _object(value, where):
    if not isinstance(value, dict):
        raise LineError(f"{where} must be an object.")
    return value


@dataclass
class ParsedLine:
    """A validated line: everything needed to write, with images checked but not yet copied."""

    source_system: str
    source_id: str
    headline: str
    slug: str
    slug_given: bool  # False when derived from the headline: an existing article keeps its own
    standfirst: str
    body_html: str
    body_sanitised: str  # as the line gives it; the body when it names no picture file
    body_images: dict  # src in the line -> checked image
    section: str
    topics: list
    authors: list  # dicts: name, slug, role, bio, photo (checked image or None)
    status: str
    published_at: datetime | None
    updated_at: datetime | None
    featured_image: dict | None  # checked, alt, caption, credit
    related_links: list  # dicts: title, url
    fingerprint: str
    brand: str = ""  # the brand's primary host name the line names, if any (not yet checked)


def parse_line(raw, images, *, default_system=DEFAULT_SOURCE_SYSTEM):
    """Validate one decoded JSON value; raise LineError naming the first problem found.

    `default_system` keys a line whose `source` names no system (`import_articles --source`).
    """
    record = _object(raw, "The line")
    headline = _text(record, "headline", required=True, max_length=255)
    if "body_html" not in record or not isinstance(record["body_html"], str):
        raise LineError("`body_html` is required and must be a string.")
    slug_given = bool(_text(record, "slug"))
    slug = _text(record, "slug", max_length=255) or ascii_slug(headline)[:255].strip("-")
    if not slug or slug != slugify(slug):
        raise LineError(f"`slug` {slug!r} must be lowercase letters, numbers and hyphens.")

    status = _text(record, "status") or ("published" if record.get("published_at") else "draft")
    if status not in Article.Status.values:
        raise LineError(
            f"`status` must be one of {', '.join(Article.Status.values)}; got {status!r}."
        )
    published_at = _datetime(record, "published_at")
    updated_at = _datetime(record, "updated_at")
    section = _text(record, "section", max_length=TOPIC_MAX)
    if status == Article.Status.PUBLISHED:
        if published_at is None:
            raise LineError("`published_at` is required when `status` is published.")
        if not section:
            raise LineError("`section` is required when `status` is published.")

    source = record.get("source") or {}
    source = _object(source, "`source`")
    source_system = identity_of(source, "system", SOURCE_SYSTEM_MAX) or default_system
    source_id = identity_of(source, "id", SOURCE_ID_MAX) or slug

    topics, seen = [], set()
    for position, name in enumerate(_list(record, "topics"), start=1):
        if not isinstance(name, str) or not clean_text(name):
            raise LineError(f"`topics[{position}]` must be a non-empty string.")
        name = clean_text(name)
        if len(name) > TOPIC_MAX:
            raise LineError(
                f"`topics[{position}]` is longer than {TOPIC_MAX} characters: {name[:40]}…"
            )
        if name_key(name) not in seen:  # "Économie" and "économie" are one topic
            seen.add(name_key(name))
            topics.append(name)

    authors, author_slugs = [], set()
    for position, entry in enumerate(_list(record, "authors"), start=1):
        where = f"authors[{position}]"
        entry = _object(entry, where)
        name = _text(entry, "name", required=True, max_length=120)
        author_slug = _text(entry, "slug", max_length=140) or ascii_slug(name)[:140].strip("-")
        if not author_slug or author_slug != slugify(author_slug):
            raise LineError(f"{where}: `slug` {author_slug!r} is not a valid slug.")
        if author_slug in author_slugs:
            continue
        author_slugs.add(author_slug)
        photo = entry.get("photo")
        authors.append(
            {
                "name": name,
                "slug": author_slug,
                # Absent or null: an existing author keeps what they have.
                "role": None if entry.get("role") is None else _text(entry, "role", max_length=120),
                "bio": None if entry.get("bio") is None else _text(entry, "bio", multiline=True),
                "photo": images.check(photo, f"{where}.photo") if photo else None,
            }
        )

    featured = record.get("featured_image")
    if featured:
        featured = _object(featured, "`featured_image`")
        featured = {
            "checked": images.check(featured.get("src"), "featured_image"),
            "alt": _text(featured, "alt", max_length=300),
            "caption": _text(featured, "caption", max_length=500),
            "credit": _text(featured, "credit", max_length=200),
        }

    related = []
    for position, entry in enumerate(_list(record, "related_links"), start=1):
        where = f"related_links[{position}]"
        entry = _object(entry, where)
        url = _text(entry, "url", required=True, max_length=1000)
        try:
            validate_link_address(url)
        except ValidationError as error:
            raise LineError(f"{where}: `url`: {' '.join(error.messages)}") from None
        title = _text(entry, "title", max_length=255)
        if not title and not url.startswith("/"):
            raise LineError(f"{where}: a link to another site needs a `title`.")
        related.append({"title": title, "url": url})

    body_images, body_errors = {}, []

    def check_body_image(src):
        # The sanitiser calls this from Rust and swallows exceptions: collect them instead.
        if urlsplit(src).scheme in {"http", "https"}:
            return src  # kept as an outside address
        if src not in body_images:
            try:
                body_images[src] = images.check(src, "body_html image")
            except LineError as error:
                body_errors.append(str(error))
        return src

    body_sanitised = sanitise_body(record["body_html"], rewrite_src=check_body_image)
    if body_errors:
        raise LineError(body_errors[0])

    digest_source = {
        "record": {key: record.get(key) for key in KNOWN_KEYS},
        "images": sorted(
            [checked[1] for checked in body_images.values()]
            + [a["photo"][1] for a in authors if a["photo"]]
            + ([featured["checked"][1]] if featured else [])
        ),
    }
    fingerprint = hashlib.sha256(
        json.dumps(digest_source, sort_keys=True, default=str).encode()
    ).hexdigest()

    return ParsedLine(
        source_system=source_system,
        source_id=source_id,
        headline=headline,
        slug=slug,
        slug_given=slug_given,
        standfirst=_text(record, "standfirst", multiline=True),
        body_html=record["body_html"],
        body_sanitised=body_sanitised,
        body_images=body_images,
        section=section,
        topics=topics,
        authors=authors,
        status=status,
        published_at=published_at,
        updated_at=updated_at,
        featured_image=featured or None,
        related_links=related,
        fingerprint=fingerprint,
        # brand: a Site.domain exactly as stored; whether it is one is the importer's to say
        brand=_text(record, "brand", max_length=BRAND_MAX),
    )


def identity_of(source, key, max_length):
    """`source.system` or `source.id`: a string or a whole number, reported when too long."""
    value = source.get(key)
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise LineError(f"`source.{key}` must be a string or a whole number.")
    value = clean_text(str(value))
    if len(value) > max_length:
        raise LineError(f"`source.{key}` is longer than {max_length} characters.")
    return value
