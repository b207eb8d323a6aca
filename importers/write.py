"""Writing imported records as articles, in batches (authors and topics: `names`).

Articles are written `BATCH_SIZE` at a time, so that a batch costs a fixed handful of queries
whatever its size: one to find the batch's articles already imported, a few for authors and
topics, one insert and one update for the articles, two each for bylines and topics, two for
redirects, and django-reversion's own for the revision. A batch is one transaction; if it
fails, it is replayed item by item, each in a transaction of its own, so a bad item is reported
and the rest of its batch still lands. Each item is fully prepared (text checked, body
sanitised, pictures resolved) before its batch touches the database.

An article already imported is recognised by its source identity (`source_system` +
`source_id`) and left alone when the fingerprint of its record is unchanged, so a second run
of the same file reads the database once per batch and writes nothing.
"""

import hashlib
import json
import re
from dataclasses import dataclass, is_dataclass
from html import unescape

import reversion
from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from reversion.models import Version

from articles.body import sanitise_body, set_image_attributes
from articles.fragments import bump_content_version
from articles.models import Article, ArticleAuthor, TopicItem
from articles.preview_links import is_takedown, revoke_preview_links
from articles.redirects import published_url, record_move
from articles.text import clean_text, name_key
from authors.models import Author
from importers.names import People, Topics, topic_name
from importers.run import ItemFailed, describe_error
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


def _plain(value):
    """JSON for a record's fields (dataclasses by their fields, dates as ISO text)."""
    if is_dataclass(value):
        return value.__dict__
    return str(value)


def plain_text(html):
    return " ".join(strip_tags(html or "").split())


# Articles --------------------------------------------------------------------------------


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


class ArticleWriter:
    """Writes `Entry` records of kind post/entry as articles, in batches.

    Outcomes are counted under the source's own word for the item ("post", "entry").

    `section` forces every article's section (the source's own first category then joins
    its topics); `default_section` is used when an entry names none. `redirects` says whether
    the entries' old addresses become redirects on this site (a WordPress site moving here) or
    only go into the redirect map (a partner's feed).
    """

    def __init__(
        self, run, *, source_system, source_label, media=None, section="",
        default_section="News", redirects=True,
    ):
        self.run = run
        self.source_system = source_system
        self.source_label = source_label
        self.media = media
        self.section = section
        self.default_section = default_section
        self.make_redirects = redirects
        self.people = People(run)
        self.topics = Topics(run)
        self.pending = []
        self.site = Site.objects.get_current()

    def add(self, entry):
        self.pending.append(entry)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self):
        batch, self.pending = self.pending, []
        identified = []
        for entry in batch:
            try:
                identified.append(self.identify(entry))
            except ItemFailed as error:
                self.run.fail(entry.kind, entry.where, str(error))
        changed = self.skip_unchanged(identified)
        prepared = []
        for item in changed:
            try:
                prepared.append(self.prepare(item))
            except ItemFailed as error:
                self.run.fail(item.entry.kind, item.entry.where, str(error))
        if prepared:
            self.write_batch(prepared)
        self.run.advance(len(batch))

    # Preparing ---------------------------------------------------------------------------

    def identify(self, entry):
        """The entry's identity, pictures and fingerprint: all an unchanged item costs."""
        featured = None
        if self.media is not None:
            if entry.lead_image_ref:
                featured = self.media.for_id(entry.lead_image_ref)
            elif entry.lead_image is not None:
                featured = self.media.add(entry.lead_image, kind="lead image")
        pictures = [featured] + [
            self.media.for_address(unescape(src))
            for src in _IMAGE_SOURCE.findall(entry.body_html)
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
        one query, so a second run of a file neither loads nor converts its articles.
        """
        if not items:
            return []
        known = {
            row[0]: row
            for row in Article.objects.filter(
                source_system=self.source_system,
                source_id__in=[item.source_id for item in items],
            ).values_list("source_id", "source_fingerprint", "status", "slug", "section__slug")
        }
        changed = []
        for item in items:
            row = known.get(item.source_id)
            if row is not None and row[1] == item.fingerprint:
                self.run.count(item.entry.kind, "unchanged")
                self._map_unchanged(item, *row[2:])
            else:
                changed.append(item)
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
            return {
                "featured_image": "",
                "featured_library_image_id": None,
                "featured_image_width": None,
                "featured_image_height": None,
                "featured_image_renditions": [],
                "featured_image_alt": "",
                "featured_image_caption": "",
                "featured_image_credit": "",
            }
        return {
            "featured_image": picture.name,
            "featured_library_image_id": picture.pk,
            "featured_image_width": picture.width,
            "featured_image_height": picture.height,
            "featured_image_renditions": self.media.renditions_of(picture),
            "featured_image_alt": picture.alt,
            "featured_image_caption": picture.caption,
            "featured_image_credit": picture.credit,
        }

    # Writing -----------------------------------------------------------------------------

    def _existing(self, items):
        """The items' articles already imported, by source id: one query."""
        return {
            article.source_id: article
            for article in Article.objects.filter(
                source_system=self.source_system,
                source_id__in=[item.source_id for item in items],
            )
            .select_related("section")
            .defer("search_vector", "body")
        }

    def write_batch(self, changed):
        existing = self._existing(changed)
        tally = {kind: outcomes.copy() for kind, outcomes in self.run.tally.items()}
        try:
            with transaction.atomic():
                outcomes = self._write(changed, existing)
        except (DatabaseError, ValidationError, ItemFailed):
            # The rolled-back batch may have created authors and topics: forget them, and
            # what was counted of them, before trying again.
            self.run.tally.clear()
            self.run.tally.update(tally)
            self.people.by_slug.clear()
            self.topics.by_name.clear()
            # Find the culprit: each item alone, in its own transaction, from the database's
            # state (the failed attempt changed the articles it had read).
            for item in changed:
                try:
                    with transaction.atomic():
                        outcome = self._write([item], self._existing([item]))
                except (DatabaseError, ValidationError, ItemFailed) as error:
                    self.run.fail(item.entry.kind, item.entry.where, describe_error(error))
                else:
                    self.run.count(item.entry.kind, outcome[0])
            return
        for item, outcome in zip(changed, outcomes, strict=True):
            self.run.count(item.entry.kind, outcome)

    def _write(self, items, existing):
        """Write `items` (a batch, or one item on replay); returns their outcomes in order."""
        topics = self.topics.ensure(
            [name for item in items for name in [item.section, *item.topics]],
            sections=[item.section for item in items],
        )
        now = timezone.now()
        new, updated, outcomes, old_urls, old_status = [], [], [], {}, {}
        for item in items:
            article = existing.get(item.source_id)
            if article is None:
                article = Article(source_system=self.source_system, source_id=item.source_id)
                new.append(article)
                outcomes.append("created")
            else:
                old_urls[article.pk] = published_url(article)
                old_status[article.pk] = article.status
                updated.append(article)
                outcomes.append("updated")
                article.version += 1
                if not item.entry.slug:
                    item.fields["slug"] = article.slug  # an existing article keeps its own
                if item.fields["published_at"] is None:
                    item.fields["published_at"] = article.published_at
            for field, value in item.fields.items():
                setattr(article, field, value)
            if article.status == Article.Status.PUBLISHED and article.published_at is None:
                article.published_at = now  # a dateless feed entry is published as it arrives
            article.section = topics[name_key(item.section)]
            article.source_fingerprint = item.fingerprint
            article.modified = now
            article.full_clean(
                exclude=["section", "featured_image", "featured_library_image", "slug"],
                validate_unique=False,
                validate_constraints=False,
            )
        self._free_slugs(new + updated)

        Article.objects.bulk_create(new)
        if updated:
            Article.objects.bulk_update(
                updated,
                [*{field.removesuffix("_id") for field in items[0].fields}, "section",
                 "source_fingerprint", "modified", "version"],
            )
        taken_down = [a for a in updated if is_takedown(old_status[a.pk], a.status)]
        if taken_down:
            revoke_preview_links(*taken_down)
        articles = [existing.get(item.source_id) or new.pop(0) for item in items]
        self._relations(items, articles, topics)
        self._redirects(items, articles, old_urls)
        self._revisions(articles)
        transaction.on_commit(bump_content_version)
        return outcomes

    def _free_slugs(self, articles):
        """Give each article a slug no other article has: `-2`, `-3` … appended if taken."""
        own = {article.pk for article in articles if article.pk}
        wanted = {article.slug for article in articles}
        taken = set(
            Article.objects.filter(slug__in=wanted).exclude(pk__in=own).values_list(
                "slug", flat=True
            )
        )
        for article in articles:
            if article.slug in taken:
                base, number = article.slug, 2
                while True:
                    suffix = f"-{number}"
                    candidate = f"{base[: SLUG_MAX - len(suffix)]}{suffix}"
                    if candidate not in taken and not Article.objects.filter(
                        slug=candidate
                    ).exclude(pk__in=own).exists():
                        break
                    number += 1
                article.slug = candidate
            taken.add(article.slug)

    def _relations(self, items, articles, topics):
        ids = [article.pk for article in articles]
        TopicItem.objects.filter(content_object_id__in=ids).delete()
        TopicItem.objects.bulk_create(
            TopicItem(content_object=article, tag=topics[name_key(name)], position=position)
            for item, article in zip(items, articles, strict=True)
            for position, name in enumerate(item.topics)
        )
        bylines = self.people.ensure([p for item in items for p in item.entry.authors])
        by_slug = {author.slug: author for author in bylines}
        ArticleAuthor.objects.filter(article_id__in=ids).delete()
        rows = []
        for item, article in zip(items, articles, strict=True):
            slugs = dict.fromkeys(People.slug_of(person) for person in item.entry.authors)
            rows += [
                ArticleAuthor(article=article, author=by_slug[slug], position=position)
                for position, slug in enumerate(s for s in slugs if s in by_slug)
            ]
        ArticleAuthor.objects.bulk_create(rows)

    def _redirects(self, items, articles, old_urls):
        """Old permalinks (and an updated article's old address) lead to the new address."""
        moves = {}
        for item, article in zip(items, articles, strict=True):
            new_url = self._map_redirects(item, article)
            if new_url is None:
                continue
            if old_urls.get(article.pk) and old_urls[article.pk] != new_url:
                record_move(old_url=old_urls[article.pk], new_url=new_url)
            if self.make_redirects:
                for path in item.old_paths:
                    if path != new_url:
                        moves[path] = new_url
        if not moves:
            return
        live = set(moves.values())
        # An old path that is now a live address must not redirect anywhere.
        Redirect.objects.filter(site=self.site, old_path__in=live).delete()
        moves = {old: new for old, new in moves.items() if old not in live}
        found = {
            redirect.old_path: redirect
            for redirect in Redirect.objects.filter(site=self.site, old_path__in=list(moves))
        }
        for redirect in found.values():
            redirect.new_path = moves[redirect.old_path]
        Redirect.objects.bulk_update(found.values(), ["new_path"])
        Redirect.objects.bulk_create(
            Redirect(site=self.site, old_path=old, new_path=new)
            for old, new in moves.items()
            if old not in found
        )

    def _map_unchanged(self, item, status, slug, section_slug):
        if status != Article.Status.PUBLISHED or not section_slug or not item.entry.old_urls:
            return
        new_url = reverse("articles:article-detail", kwargs={"section": section_slug, "slug": slug})
        for url in item.entry.old_urls:
            if old_path(url):
                self.run.redirect(url, f"{settings.SITE_URL}{new_url}")

    def _map_redirects(self, item, article):
        """Note the entry's old addresses for the redirect map; returns the new path."""
        if article.status != Article.Status.PUBLISHED:
            return None
        new_url = article.get_absolute_url()
        for url in item.entry.old_urls:
            if old_path(url):
                self.run.redirect(url, f"{settings.SITE_URL}{new_url}")
        return new_url

    def _revisions(self, articles):
        """One revision for the batch's articles that have a history, each with its byline
        and topics: an import overwriting an editor's work keeps both sides of it.

        Articles new from the import get no revision here: at archive scale that would cost
        more than the articles themselves. Their imported state joins their history just
        before anything first changes them (`articles.revisions.keep_imported_state`).
        """
        if self.run.dry_run:
            return
        ids = [str(article.pk) for article in articles if article.version > 1]
        with_history = set(
            Version.objects.get_for_model(Article)
            .filter(object_id__in=ids)
            .values_list("object_id", flat=True)
            if ids
            else ()
        )
        articles = [article for article in articles if str(article.pk) in with_history]
        if not articles:
            return
        prefetch_related_objects(
            articles, "article_authors__author", "topic_items__tag", "related_links"
        )
        with reversion.create_revision():
            reversion.set_comment(f"Imported from {self.source_label}.")
            for article in articles:
                for link in article.article_authors.all():
                    reversion.add_to_revision(link)
                for topic_item in article.topic_items.all():
                    reversion.add_to_revision(topic_item)
                reversion.add_to_revision(article)
