"""Preparing imported entries for the writer: identity, fingerprint, and article fields.

Everything here happens before a batch touches the database for writing: an entry is
identified (source id, pictures, the fingerprint of its record), skipped when its article
already holds that fingerprint, and otherwise checked and turned into article field values.
`ArticleWriter` (`importers.write`) writes what this prepares.
"""

import hashlib
import json
import re
from dataclasses import dataclass, is_dataclass
from html import unescape

from django.utils.html import strip_tags

from articles.body import sanitise_body, set_image_attributes
from articles.featured import no_picture_fields, picture_fields
from articles.models import Article
from articles.text import clean_text, name_key
from authors.models import Author
from importers import digests
from importers.brands import with_brand
from importers.names import topic_name
from importers.records import Unchanged
from importers.run import ItemFailed
from importers.slugs import ascii_slug, old_path, source_key

BATCH_SIZE = 500
# More than this on one article is a tag cloud, not an index; a hostile file could otherwise
# make an import create topics by the hundred thousand.
MAX_TOPICS = 100
HEADLINE_MAX = Article._meta.get_field("headline").max_length
SLUG_MAX = Article._meta.get_field("slug").max_length
AUTHOR_NAME_MAX = Author._meta.get_field("name").max_length


# The addresses of a body's pictures, read before sanitising for the fingerprint only.
_IMAGE_SOURCE = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_IMAGE_TAG = re.compile(r"<img\b", re.IGNORECASE)


def image_sources(html, *, every=False):
    """The `src` of each picture in `html`, unsanitised, entities decoded; with `every`, None
    when some picture's address cannot be told without parsing the HTML (what a digest of the
    item's pictures must then not be taken from)."""
    found = [unescape(src) for src in _IMAGE_SOURCE.findall(html)]
    if every and len(found) != len(_IMAGE_TAG.findall(html)):
        return None
    return found


def _plain(value):
    """JSON for a record's fields (dataclasses by their fields, dates as ISO text). An entry's
    `digest` names the bytes it was read from, not what it says: it is left out."""
    if is_dataclass(value):
        return {name: field for name, field in value.__dict__.items() if name != "digest"}
    return str(value)


def plain_text(html):
    return " ".join(strip_tags(html or "").split())


@dataclass
class Prepared:
    """An entry identified (source id, pictures, fingerprint) and, when it has changed,
    checked and turned into field values; not yet written."""

    entry: object
    source_id: str
    fields: dict  # Article field -> value
    section: str
    topics: list
    fingerprint: str
    old_paths: list
    featured: object = None  # the library Picture shown at the top, if any


class PreparingEntries:
    """The preparing half of `ArticleWriter`: pure checks and conversions, one query at most.

    Expects the writer's `run`, `media`, `section`, `default_section`, `source_system`, `site`,
    its `addresses` (`importers.addresses`) for the redirect map of an unchanged item, and
    its `known` and `in_context` for items found unchanged by their digest
    (`importers.digests`).
    """

    def identify(self, entry):
        """The entry's identity, pictures and fingerprint: all an unchanged item costs."""
        featured = None
        if self.media is not None:
            if entry.lead_image_ref:
                featured = self.media.for_id(entry.lead_image_ref)
            elif entry.lead_image is not None:
                featured = self.media.add(entry.lead_image, kind="lead image")
        pictures = [featured] + [
            self.media.for_address(src)
            for src in image_sources(entry.body_html)
            if self.media is not None
        ]
        fingerprint = hashlib.sha256(
            json.dumps(
                [entry, self.section, self.default_section]
                + [picture.fingerprint for picture in pictures if picture],
                default=_plain,
                sort_keys=True,
            ).encode()
        ).hexdigest()
        fingerprint = with_brand(fingerprint, self.site)  # another brand: written again
        old_paths = [path for path in map(old_path, entry.old_urls) if path]
        return Prepared(
            entry=entry,
            source_id=source_key(entry.source_id),
            fields={},
            section="",
            topics=[],
            fingerprint=fingerprint,
            old_paths=list(dict.fromkeys(old_paths)),
            featured=featured,
        )

    def skip_unchanged(self, items):
        """Count the items whose article holds their fingerprint already; return the others.

        What an unchanged item needs (its fingerprint and address) is read as plain values in
        one query, so a second run of a file neither loads nor converts its articles. Items
        the reader did not read again (`Unchanged`, found by `known_unchanged`) are counted
        here too, in their place. An unchanged item whose bytes' digest is not yet recorded
        has it recorded (one more query), so the next run need not read it.
        """
        read = [item for item in items if not isinstance(item, Unchanged)]
        known = {}
        if read:
            known = {
                row[0]: row
                for row in Article.objects.filter(
                    source_system=self.source_system,
                    source_id__in=[item.source_id for item in read],
                ).values_list(
                    "source_id", "source_fingerprint", "pk", "import_digest__digest",
                    "status", "slug", "section__slug",
                )
            }
        changed, digests_due = [], []
        for item in items:
            if isinstance(item, Unchanged):
                self.run.count(item.kind, "unchanged")
                found = self.known.pop(source_key(item.source_id), None)
                if found is not None:  # None: the same source twice in a batch (a bad file)
                    self.addresses.map_unchanged(item.old_urls, *found)
                continue
            row = known.get(item.source_id)
            if row is not None and row[1] == item.fingerprint:
                self.run.count(item.entry.kind, "unchanged")
                self.addresses.map_unchanged(item.entry.old_urls, *row[4:])
                if item.entry.digest and row[3] != self.in_context(item.entry.digest):
                    digests_due.append((row[2], self.in_context(item.entry.digest), row[1]))
            else:
                changed.append(item)
        digests.remember(digests_due)
        return changed

    def prepare(self, item):
        """Check the entry's words and turn them into article fields (for a changed item)."""
        entry = item.entry
        headline = clean_text(entry.headline)
        if not headline:
            raise ItemFailed("it has no title.")
        if len(headline) > HEADLINE_MAX:
            raise ItemFailed(f"its title is longer than {HEADLINE_MAX} characters.")
        slug = (ascii_slug(entry.slug) or ascii_slug(headline))[:SLUG_MAX].strip("-")
        slug = slug or ascii_slug(f"{entry.kind}-{entry.source_id}")[:SLUG_MAX]

        section = topic_name(self.section or entry.section or self.default_section, "section")
        topics = [topic_name(name) for name in entry.topics]
        if self.section and entry.section:
            topics.insert(0, topic_name(entry.section))
        seen, ordered = {name_key(section)}, []
        for name in topics:
            if name and name_key(name) not in seen:
                seen.add(name_key(name))
                ordered.append(name)
        if len(ordered) > MAX_TOPICS:
            self.run.note(entry.where, f"kept the first {MAX_TOPICS} of {len(ordered)} topics")
            ordered = ordered[:MAX_TOPICS]

        for person in entry.authors:
            if len(clean_text(person.name or "")) > AUTHOR_NAME_MAX:
                raise ItemFailed(
                    f"its author's name is longer than {AUTHOR_NAME_MAX} characters."
                )

        for note in entry.notes:
            self.run.note(entry.where, note)
        published = entry.status == "published"
        item.fields = {
            "headline": headline,  # <- title
            "slug": slug,  # <- post_name / the title
            # <- excerpt / summary; control characters (NUL…) removed, as in every field
            "standfirst": plain_text(clean_text(entry.standfirst or "", multiline=True)),
            "body": self._body(clean_text(entry.body_html or "", multiline=True)),  # <- content
            "status": Article.Status.PUBLISHED if published else Article.Status.DRAFT,
            "published_at": entry.published_at,
            "updated_at": entry.updated_at,
            **self._featured_fields(item.featured),
        }
        item.section, item.topics = section, ordered
        return item

    def _body(self, html):
        """The sanitised body, its library pictures pointed at their media copies."""
        pictures = {}

        def rewrite(src):
            picture = self.media.for_address(src) if self.media is not None else None
            if picture is None:
                return src
            pictures[picture.url] = picture
            return picture.url

        body = sanitise_body(html, rewrite_src=rewrite)
        if pictures:
            body = set_image_attributes(
                body,
                lambda src: {"width": pictures[src].width, "height": pictures[src].height}
                if src in pictures
                else None,
            )
        return body

    def _featured_fields(self, picture):
        if picture is None:
            return no_picture_fields()
        return picture_fields(  # the one way a library picture becomes the featured image
            pk=picture.pk,
            name=picture.name,
            width=picture.width,
            height=picture.height,
            renditions=self.media.renditions_of(picture),
            alt=picture.alt,
            caption=picture.caption,
            credit=picture.credit,
        )
