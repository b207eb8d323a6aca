"""The article interchange format (JSON Lines): reading a line into the database, and back.

The format is documented in docs/interchange-format.md. `import_line` validates a whole line
before it writes anything, then writes the article, its authors, topics, related links and
images in one transaction, so a bad line leaves nothing behind. Articles are matched on their
source identity (`source.system` + `source.id`); an unchanged line is recognised by its
fingerprint and left alone.
"""

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import F
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.text import slugify

from articles.body import sanitise_body, set_image_attributes
from articles.images import BODY_IMAGE_SIZES, make_renditions, srcset
from articles.links import validate_link_address
from articles.models import Article, ArticleAuthor, RelatedLink, Topic, TopicItem
from articles.preview_links import revoke_if_taken_down
from articles.redirects import published_url, record_move
from articles.revisions import record_revision
from articles.text import ascii_slug, clean_text, clean_tree, name_key
from authors.models import Author
from library.uploads import EXTENSIONS, clean_image

DEFAULT_SOURCE_SYSTEM = "newsroom"
# The keys a line may carry; others are ignored (newer files import into older versions).
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


class LineError(Exception):
    """A line that cannot be imported; the message says which field and why."""


class CheckedFile(NamedTuple):
    """An image file named by a line, cleaned and ready to store (see `ImageStore.check`)."""

    path: Path
    digest: str  # of the source file's bytes: what the line's fingerprint covers
    width: int  # of the cleaned picture
    height: int
    suffix: str  # of the cleaned picture's format: ".jpg", ".png" …
    cleaned_digest: str  # of the cleaned bytes: what stored names are made from
    data: bytes  # the cleaned bytes; empty once stored


@dataclass
class StoredImage:
    name: str  # name in media storage
    width: int
    height: int


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list = field(default_factory=list)

    @property
    def total(self):
        return self.created + self.updated + self.unchanged + self.failed

    def summary(self):
        return (
            f"{self.total} lines: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.failed} failed."
        )


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


class ImageStore:
    """Cleans image files named by an import line and stores them, once per cleaned content.

    Nothing is copied as sent: every picture passes `library.uploads.clean_image`, as an
    upload does.

    Renditions (articles.images) are made at most once per stored name and import, however
    many articles share the picture.
    """

    def __init__(self, base_dir):
        self.base_dir = Path(base_dir).resolve()
        self.cleaned = {}  # resolved path -> CheckedFile
        self.stored = {}
        self.rendition_widths = {}

    def local_path(self, src, where):
        if not isinstance(src, str) or not src.strip():
            raise LineError(f"{where}: `src` must be a non-empty string.")
        scheme = urlsplit(src).scheme
        if scheme in {"http", "https"}:
            raise LineError(
                f"{where}: remote images ({src}) are not downloaded by import_articles; "
                "put the file beside the JSONL file and give its relative path."
            )
        if scheme or PurePosixPath(src).is_absolute():
            raise LineError(f"{where}: `src` must be a path relative to the JSONL file's folder.")
        path = (self.base_dir / src).resolve()
        if not path.is_relative_to(self.base_dir):
            raise LineError(f"{where}: `src` {src!r} points outside the JSONL file's folder.")
        if not path.is_file():
            raise LineError(f"{where}: image file {src!r} does not exist.")
        return path

    def check(self, src, where):
        """Clean an image file (`library.uploads.clean_image`) and return a `CheckedFile`.

        Writes nothing. A file the web upload would refuse is refused with its words. Each
        file is cleaned once per import, however many lines name it.
        """
        path = self.local_path(src, where)
        if path not in self.cleaned:
            try:
                self.cleaned[path] = self._clean(path)
            except OSError as error:
                raise LineError(f"{where}: {src!r} could not be read ({error.strerror}).") from None
            except ValidationError as error:
                raise LineError(f"{where}: {src!r}: {' '.join(error.messages)}") from None
        return self.cleaned[path]

    def _clean(self, path):
        with path.open("rb") as handle:
            # Its size is checked before anything is read (`check_image_upload`).
            cleaned = clean_image(File(handle, name=path.name))
            handle.seek(0)
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        data = cleaned.file.read()
        return CheckedFile(
            path=path,
            digest=digest,
            width=cleaned.width,
            height=cleaned.height,
            suffix=EXTENSIONS[cleaned.format],
            cleaned_digest=hashlib.sha256(data).hexdigest(),
            data=data,
        )

    def store(self, checked, folder):
        """Store a cleaned image under a name made from its cleaned bytes; reuse if present."""
        short = checked.cleaned_digest[:16]
        # Exports name files by their stored names, which already start with a digest: that of
        # the stored bytes, which are the source bytes when the export is imported again.
        stem = checked.path.stem.rsplit(f"{checked.digest[:16]}-", 1)[-1]
        stem = stem.rsplit(f"{short}-", 1)[-1]
        name = f"{folder}/{short}-{slugify(stem) or 'image'}{checked.suffix}"
        if name not in self.stored:
            if not default_storage.exists(name):
                data = checked.data or self._clean(checked.path).data
                saved = default_storage.save(name, ContentFile(data))
                if saved != name:  # a storage that renames on collision: keep its name
                    name = saved
            self.stored[name] = StoredImage(name, checked.width, checked.height)
            # Stored: the import need not hold the cleaned bytes any longer.
            self.cleaned[checked.path] = checked._replace(data=b"")
        return self.stored[name]

    def renditions_of(self, stored):
        """The widths of the stored image's WebP renditions, made now if missing."""
        if stored.name not in self.rendition_widths:
            self.rendition_widths[stored.name] = make_renditions(stored.name)
        return self.rendition_widths[stored.name]


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


def parse_line(raw, images):
    """Validate one decoded JSON value; raise LineError naming the first problem found."""
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
    source_system = _identity(source, "system", SOURCE_SYSTEM_MAX) or DEFAULT_SOURCE_SYSTEM
    source_id = _identity(source, "id", SOURCE_ID_MAX) or slug

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

    sanitise_body(record["body_html"], rewrite_src=check_body_image)
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
    )


def _identity(source, key, max_length):
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


# Writing ---------------------------------------------------------------------------------


def _section(name):
    """The section called `name` (see `name_key`). A section an import creates, or a topic it
    makes a section, stays out of the menu until an editor places it there."""
    topic = Topic.objects.by_key([name]).get(name_key(name))
    if topic is None:
        topic = Topic.objects.create(name=name, in_navigation=True, in_menu=False)
    elif not topic.in_navigation:
        topic.in_navigation, topic.in_menu = True, False
        topic.save(update_fields=["in_navigation", "in_menu"])
    return topic


def _topics(names):
    """Topics for `names` in the same order (see `name_key`), the missing ones created."""
    return Topic.objects.for_names(names)


def _authors(entries, images):
    """Authors for the line's entries in byline order, created or brought up to date by slug."""
    existing = Author.objects.in_bulk([data["slug"] for data in entries], field_name="slug")
    authors = []
    for data in entries:
        author = existing.get(data["slug"]) or Author(slug=data["slug"])
        # name/role/bio/photo <- authors[].name/role/bio/photo
        wanted = {key: data[key] for key in ("name", "role", "bio") if data[key] is not None}
        if data["photo"]:
            wanted["photo"] = images.store(data["photo"], "authors").name
        if author.pk is None or any(
            str(getattr(author, key) or "") != value for key, value in wanted.items()
        ):
            for key, value in wanted.items():
                setattr(author, key, value)
            try:
                author.full_clean(validate_unique=False)
            except ValidationError as error:
                raise LineError(f"author {data['slug']!r}: {_describe(error)}") from None
            author.save()
        authors.append(author)
    return authors


def _free_slug(slug, article_pk):
    taken = set(
        Article.objects.filter(slug__startswith=slug)
        .exclude(pk=article_pk)
        .values_list("slug", flat=True)
    )
    candidate, number = slug, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate, number = f"{slug[: 255 - len(suffix)]}{suffix}", number + 1
    return candidate


def _slug_for_path(path):
    """The article slug a site path names, or None. Reads no database."""
    if not path.startswith("/"):
        return None
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    if match.view_name not in {"articles:article-detail", "articles:article-by-slug"}:
        return None
    return match.kwargs["slug"]


def _articles_for_paths(paths):
    """Map each path that names an existing article to it, in one query."""
    slugs = {path: _slug_for_path(path) for path in paths}
    found = Article.objects.in_bulk([slug for slug in slugs.values() if slug], field_name="slug")
    return {path: found[slug] for path, slug in slugs.items() if slug in found}


def write_line(line, images):
    """Create or update the article for a parsed line. Returns "created", "updated" or "unchanged".

    Runs in a transaction: any failure leaves the database as it was.
    """
    with transaction.atomic():
        article = (
            # Lock the article row only; its section is read for the old address.
            Article.objects.select_for_update(of=("self",))
            .select_related("section")
            .filter(source_system=line.source_system, source_id=line.source_id)
            .first()
        )
        if article is not None and article.source_fingerprint == line.fingerprint:
            return "unchanged"
        outcome = "created" if article is None else "updated"
        was = None if article is None else article.status
        article = article or Article(source_system=line.source_system, source_id=line.source_id)
        old_url = published_url(article)  # the address readers know, if it is published

        stored_body = {
            src: images.store(checked, "articles/body") for src, checked in line.body_images.items()
        }
        stored_by_url = {
            default_storage.url(stored.name): stored for stored in stored_body.values()
        }

        def to_media_url(src):
            stored = stored_body.get(src)
            return default_storage.url(stored.name) if stored else src

        def describe(src):
            """Size and renditions of a copied body image, replacing any the line gave."""
            stored = stored_by_url.get(src)
            if stored is None:
                return None
            widths = images.renditions_of(stored)
            return {
                "width": stored.width,
                "height": stored.height,
                "srcset": srcset(stored.name, widths) if widths else None,
                "sizes": BODY_IMAGE_SIZES if widths else None,
            }

        # Each model field <- the interchange key named beside it.
        article.headline = line.headline  # headline
        if line.slug_given or not article.slug:  # slug, else derived once from the headline
            article.slug = _free_slug(line.slug, article.pk)
        article.standfirst = line.standfirst  # standfirst
        article.body = set_image_attributes(  # body_html
            sanitise_body(line.body_html, rewrite_src=to_media_url), describe
        )
        article.section = _section(line.section) if line.section else None  # section
        article.status = line.status  # status
        article.published_at = line.published_at  # published_at
        article.updated_at = line.updated_at  # updated_at
        if line.featured_image:  # featured_image.src/alt/caption/credit
            stored = images.store(line.featured_image["checked"], "articles/featured")
            article.featured_image.name = stored.name
            article.featured_image_width, article.featured_image_height = (
                stored.width,
                stored.height,
            )
            article.featured_image_renditions = images.renditions_of(stored)
            article.featured_image_alt = line.featured_image["alt"]
            article.featured_image_caption = line.featured_image["caption"]
            article.featured_image_credit = line.featured_image["credit"]
        else:
            article.featured_image = ""
            article.featured_image_width = article.featured_image_height = None
            article.featured_image_renditions = []
            article.featured_image_alt = article.featured_image_caption = ""
            article.featured_image_credit = ""
        article.source_fingerprint = line.fingerprint
        try:
            # The section is chosen above (a new one joins the navigation), so its form-only
            # choice limit does not apply.
            article.full_clean(
                exclude=["featured_image", "section"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            raise LineError(_describe(error)) from None
        if outcome == "updated":  # an editor's change form opened before this import is stale
            article.version += 1
        article.save()
        record_move(old_url=old_url, new_url=published_url(article))
        revoke_if_taken_down(article, was=was)

        # topics, in the line's order
        TopicItem.objects.filter(content_object=article).delete()
        TopicItem.objects.bulk_create(
            TopicItem(content_object=article, tag=topic, position=position)
            for position, topic in enumerate(_topics(line.topics))
        )
        # authors, in byline order
        ArticleAuthor.objects.filter(article=article).delete()
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=article, author=author, position=position)
            for position, author in enumerate(_authors(line.authors, images))
        )
        # related_links, in order; paths to articles here link the article itself
        RelatedLink.objects.filter(article=article).delete()
        targets = _articles_for_paths([link["url"] for link in line.related_links])
        RelatedLink.objects.bulk_create(
            RelatedLink(
                article=article,
                position=position,
                title=link["title"],
                url=link["url"],
                target=targets.get(link["url"]),
            )
            for position, link in enumerate(line.related_links)
        )
        record_revision(article, comment=f"{outcome.capitalize()} by import.")
    return outcome


def link_pending_related():
    """Point related links at articles imported later in the same file. Returns how many."""
    pending = list(RelatedLink.objects.filter(target=None, url__startswith="/"))
    targets = _articles_for_paths({link.url for link in pending})
    linked = []
    for link in pending:
        if link.url in targets:
            link.target = targets[link.url]
            linked.append(link)
    RelatedLink.objects.bulk_update(linked, ["target"])
    return len(linked)


def _describe(error):
    if hasattr(error, "message_dict"):
        return "; ".join(f"`{key}`: {' '.join(msgs)}" for key, msgs in error.message_dict.items())
    return " ".join(error.messages)


def import_lines(lines, base_dir, *, report=None):
    """Import lines (bytes or text); `report(number, outcome, message)` hears of each one."""
    result = ImportResult()
    images = ImageStore(base_dir)
    first_lines = {}  # source identity -> the line that gave it
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            try:
                text = (
                    line.decode("utf-8-sig" if number == 1 else "utf-8")
                    if isinstance(line, bytes)
                    else line
                )
            except UnicodeDecodeError as error:
                raise LineError(f"not UTF-8 text (byte {error.start + 1} of the line).") from None
            try:
                raw = clean_tree(json.loads(text))
            except json.JSONDecodeError as error:
                raise LineError(f"invalid JSON ({error.msg} at column {error.colno}).") from None
            except RecursionError:
                raise LineError("its JSON is nested too deeply.") from None
            try:
                parsed = parse_line(raw, images)
            except ValueError as error:
                # A value the standard library refuses (urlsplit's "Invalid IPv6 URL" …).
                raise LineError(f"a value could not be read ({error}).") from None
            identity = (parsed.source_system, parsed.source_id)
            if identity in first_lines:
                # Two lines for one article would overwrite each other on every run.
                raise LineError(
                    f"it has the same source ({parsed.source_system}, {parsed.source_id}) as "
                    f"line {first_lines[identity]}."
                )
            first_lines[identity] = number
            try:
                outcome = write_line(parsed, images)
            except DatabaseError as error:
                # The line's transaction is rolled back; the database said what it refused.
                raise LineError(f"the database refused it ({error}).".replace("\n", " ")) from None
        except LineError as error:
            result.failed += 1
            result.errors.append((number, str(error)))
            if report:
                report(number, "failed", str(error))
            continue
        setattr(result, outcome, getattr(result, outcome) + 1)
        if report:
            report(number, outcome, "")
    link_pending_related()
    return result


# Writing out -----------------------------------------------------------------------------


def export_queryset():
    """Every article with what its line needs, in five queries however many there are."""
    return (
        Article.objects.select_related("section")
        .defer("search_vector")
        .prefetch_related(
            "article_authors__author",
            "topic_items__tag",
            "related_links__target__section",
        )
        .order_by(F("published_at").asc(nulls_last=True), "id")
    )


class ImageExporter:
    """Copies media files next to an export, or names them by their public address."""

    def __init__(self, out_dir=None):
        self.out_dir = Path(out_dir) if out_dir else None
        self.written = set()

    def src(self, name):
        if not name:
            return None
        if self.out_dir is None:
            return f"{settings.SITE_URL}{default_storage.url(name)}"
        # The whole stored path goes into the file name: two folders may hold the same name.
        relative = f"images/{name.replace('/', '-')}"
        if relative not in self.written:
            target = self.out_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(name, "rb") as source, target.open("wb") as handle:
                shutil.copyfileobj(source, handle)
            self.written.add(relative)
        return relative

    def body(self, html):
        media_url = default_storage.url("")

        def rewrite(src):
            if src.startswith(media_url) and default_storage.exists(src[len(media_url) :]):
                return self.src(src[len(media_url) :])
            return src

        # An export carries original images only, so `srcset` and `sizes`, which name this
        # site's renditions, are left out; importing makes renditions and writes them anew.
        return sanitise_body(html, rewrite_src=rewrite, responsive=False)


def export_article(article, images):
    """The interchange record of an article (prefetched as by `export_queryset`)."""
    return {
        "source": {"system": article.source_system, "id": article.source_id},
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body_html": images.body(article.body),
        "section": article.section.name if article.section else None,
        "topics": [topic.name for topic in article.ordered_topics],
        "authors": [
            {
                "name": author.name,
                "slug": author.slug,
                "role": author.role,
                "bio": author.bio,
                "photo": images.src(author.photo.name) if author.photo else None,
            }
            for author in article.byline
        ],
        "status": article.status,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "updated_at": article.updated_at.isoformat() if article.updated_at else None,
        "featured_image": {
            "src": images.src(article.featured_image.name),
            "alt": article.featured_image_alt,
            "caption": article.featured_image_caption,
            "credit": article.featured_image_credit,
        }
        if article.featured_image
        else None,
        "related_links": [
            {"title": link.display_title, "url": link.href} for link in article.related_links.all()
        ],
    }
