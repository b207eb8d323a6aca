"""Writing parsed lines in batches, through the importers' one writer (`importers.write`).

`LineWriter` is the `ArticleWriter` every importer writes with, told what a JSON Lines
article brings that a WordPress post does not: its pictures are files stored here (not
library pictures), its authors' profiles are kept up to date (`Profiles`), it has related
links, and an update without a date clears the article's. Everything else is the shared
writer's, batch by batch: sections, topics and bylines resolved once per batch, new rows sent
by COPY on PostgreSQL, one revision of the overwritten articles (`importers.history`), the
batch's edge purge, digests so that a re-run need not read an unchanged line again
(`importers.digests`), and a failed batch replayed line by line, so a bad line costs only
itself. Each line's outcome and failure are reported in the line's own words, as before.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError
from django.urls import Resolver404, resolve

from articles.body import sanitise_body, set_image_attributes
from articles.featured import no_picture_fields, picture_fields
from articles.models import Article, RelatedLink
from importers import digests
from importers.brands import with_brand
from importers.copying import inserting_rows
from importers.interchange.profiles import Profiles
from importers.interchange.reading import LineError, ParsedLine, field_errors
from importers.names import Topics
from importers.prepare import Prepared
from importers.write import ArticleWriter
from library.images import BODY_IMAGE_SIZES, srcset

KIND = "article"  # what the run counts a line as


@dataclass
class LineEntry:
    """A parsed line as the writer sees an entry of any reader."""

    where: str  # "line 12"
    line: ParsedLine
    digest: str = ""  # of the line's bytes and pictures (`LineImporter.digest`), if taken
    kind: str = KIND
    old_urls: list = field(default_factory=list)  # a line names none
    files: set = field(default_factory=set)  # the stored pictures it shows (once prepared)
    brand: object = None  # the brand (Site) its `brand` key names; None: the run's brand

    @property
    def slug(self):
        """The slug the line gives; "" when derived from the headline, so that an existing
        article keeps its own."""
        return self.line.slug if self.line.slug_given else ""

    @property
    def authors(self):
        return self.line.authors


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
    """Map each path that names an existing article to it, in one query (none for no path)."""
    slugs = {path: _slug_for_path(path) for path in paths}
    found = Article.objects.in_bulk([slug for slug in slugs.values() if slug], field_name="slug")
    return {path: found[slug] for path, slug in slugs.items() if slug in found}


class LineWriter(ArticleWriter):
    """Writes `LineEntry`s for one run, a batch at a time, keyed by their source identity.

    A batch holds one source system (`add` writes the batch when the system changes).
    `label` names the file in revision comments ("Imported from articles.jsonl."); `brand`
    is the brand of the lines that name none (`--brand`; None: the default brand).
    """

    keep_published_at = False  # the line's dates are the article's, a missing one too
    map_moves = True  # an article whose address changed is in the redirect map

    def __init__(self, run, images, *, label, source_system, brand=None):
        super().__init__(
            run,
            source_system=source_system,
            source_label=label,
            section="",
            default_section="",
            redirects=False,
            brand=brand,
        )
        self.images = images
        self.people = Profiles(run, images)
        self.topics = Topics(run, counted=False)  # the report has no line for topics
        # A line's digest holds its bytes, its pictures and the default source system.
        self.context = digests.context_of(section="", default_section="", pictures={})

    def add(self, entry):
        system = getattr(getattr(entry, "line", None), "source_system", None)
        if system is not None and system != self.source_system:
            if self.pending:
                self.flush()
            self.source_system = system
        super().add(entry)

    def flush(self):
        written = super().flush()
        if not self.run.strict:  # under --strict, a later failure rolls everything back
            used = set()
            for item in written:
                used |= item.entry.files
                used |= {self.people.photos.get(a["slug"]) for a in item.entry.authors}
            self.images.settle(used)  # a failed line's pictures go
        return written

    # Preparing: a parsed line into article fields --------------------------------------

    def identify(self, entry):
        return Prepared(
            entry=entry,
            source_id=entry.line.source_id,
            fields={},
            section="",
            topics=[],
            # Another brand than the one it was imported to: written again (moved).
            fingerprint=with_brand(entry.line.fingerprint, entry.brand or self.site),
            old_paths=[],
        )

    def skip_unchanged(self, items):
        changed = super().skip_unchanged(items)
        if self.run.verbosity > 1:
            left = {id(item) for item in changed}
            for item in items:
                if id(item) not in left:
                    self.run.note(getattr(item, "entry", item).where, f"{KIND} unchanged")
        return changed

    def prepare(self, item):
        """Store the line's pictures and turn it into article fields."""
        entry, line, images = item.entry, item.entry.line, self.images
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

        body = line.body_sanitised  # (sanitised again only to point at pictures stored here)
        if stored_body:
            body = sanitise_body(line.body_html, rewrite_src=to_media_url)
            body = set_image_attributes(body, describe)
        entry.files = {stored.name for stored in stored_body.values()}
        featured = no_picture_fields()
        if line.featured_image:  # featured_image.src/alt/caption/credit
            stored = images.store(line.featured_image["checked"], "articles/featured")
            entry.files.add(stored.name)
            featured = picture_fields(
                pk=None,
                name=stored.name,
                width=stored.width,
                height=stored.height,
                renditions=images.renditions_of(stored),
                alt=line.featured_image["alt"],
                caption=line.featured_image["caption"],
                credit=line.featured_image["credit"],
            )
        # Each model field <- the interchange key named beside it.
        item.fields = {
            "headline": line.headline,  # headline
            "slug": line.slug,  # slug, else derived from the headline (kept by an update)
            "standfirst": line.standfirst,  # standfirst
            "body": body,  # body_html
            "status": line.status,  # status
            "published_at": line.published_at,  # published_at
            "updated_at": line.updated_at,  # updated_at
            **featured,
        }
        item.section, item.topics = line.section, line.topics  # section, topics
        return item

    # Writing: what the shared writer does otherwise for lines ---------------------------

    def _finish(self, article):
        try:
            super()._finish(article)
        except ValidationError as error:
            raise LineError(field_errors(error)) from None

    def counted(self, item, outcome):
        super().counted(item, outcome)
        self.people.written(item.entry.authors)  # after the article, as a line reports them
        self.run.note(item.entry.where, f"{KIND} {outcome}")

    @staticmethod
    def describe(error):
        if isinstance(error, DatabaseError):
            return f"the database refused it ({error}).".replace("\n", " ")
        if isinstance(error, ValidationError):
            return field_errors(error)
        return str(error)

    def relate(self, items, articles, *, replaced):
        """related_links, in order; paths to articles here link the article itself."""
        if replaced:
            RelatedLink.objects.filter(article_id__in=replaced).delete()
        links = [
            (article, position, link)
            for item, article in zip(items, articles, strict=True)
            for position, link in enumerate(item.entry.line.related_links)
        ]
        if not links:
            return
        targets = _articles_for_paths({link["url"] for _, _, link in links})
        fields = ("article_id", "position", "title", "target_id", "url")
        with inserting_rows(RelatedLink, fields) as add:
            for article, position, link in links:
                target = targets.get(link["url"])
                add((article.pk, position, link["title"], target and target.pk, link["url"]))


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
