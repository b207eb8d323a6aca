"""Writing imported records as articles, in batches, and replaying a failed batch item by item.

Preparing the records (identity, fingerprint, fields) is `prepare`; authors and topics are
`names`; what a batch reads first (the articles already imported, the unchanged items) is
`batch_lookups`; slugs, redirects and the redirect map are `addresses`. This module writes.

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

from django.contrib.redirects.models import Redirect
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from articles.changes import listings, purge_change
from articles.models import Article, ArticleAuthor, TopicItem
from articles.redirects import published_url
from articles.workflow import Publication
from importers import digests
from importers.addresses import Addresses
from importers.batch_lookups import BatchLookups
from importers.copying import inserting, inserting_rows, refresh_statistics
from importers.history import keep_overwritten_history
from importers.names import People, Topics
from importers.prepare import BATCH_SIZE, PreparingEntries
from importers.records import Unchanged
from importers.run import ItemFailed, describe_error
from newsroom.brands import current_site

# After how many new articles a run first refreshes the planner's statistics (then at every
# doubling).
STATISTICS_FIRST = 2000


class ArticleWriter(BatchLookups, PreparingEntries):
    """Writes `Entry` records of kind post/entry as articles, in batches.

    Outcomes are counted under the source's own word for the item ("post", "entry").

    `section` forces every article's section (the source's own first category then joins
    its topics); `default_section` is used when an entry names none. `redirects` says whether
    the entries' old addresses become redirects on this site (a WordPress site moving here) or
    only go into the redirect map (a partner's feed). `brand` is the brand (Site) the articles
    belong to and the old addresses redirect on (the brand in hand if None: the default brand
    outside a request); an entry naming its own (`entry.brand`, a JSON Lines line's) goes there.
    """

    # What readers differ in (the JSON Lines writer, `importers.interchange.writing`, sets
    # them otherwise): an update without a date keeps the article's; an article's own move
    # is not put in the redirect map.
    keep_published_at = True
    map_moves = False

    def __init__(
        self, run, *, source_system, source_label, media=None, section="",
        default_section="News", redirects=True, brand=None,
    ):
        self.run = run
        self.source_system = source_system
        self.source_label = source_label
        self.media = media
        self.section = section
        self.default_section = default_section
        self.people = People(run)
        self.topics = Topics(run)
        self.pending = []
        self.site = brand or current_site()
        # Free slugs, old permalinks' redirects and the redirect map (`importers.addresses`).
        self.addresses = Addresses(run, site=self.site, make_redirects=redirects)
        self.context = None  # what besides its bytes an item's digest holds (`digests`)
        self.known = {}  # source id -> (status, slug, section slug) of items found unchanged
        self.created = 0
        self.next_statistics = STATISTICS_FIRST

    def add(self, entry):
        self.pending.append(entry)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self):
        batch, self.pending = self.pending, []
        identified = []
        for entry in batch:
            if isinstance(entry, Unchanged):
                identified.append(entry)
                continue
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
        written = self.write_batch(prepared) if prepared else []
        self.run.advance(len(batch))
        return written

    # Writing -----------------------------------------------------------------------------

    def write_batch(self, changed):
        """Write the prepared items; returns those written (all but the failed ones)."""
        existing = self._existing(changed)
        before = self._state()
        try:
            with transaction.atomic():
                outcomes = self._write(changed, existing)
        except (DatabaseError, ValidationError, ItemFailed):
            # The rolled-back batch may have created authors and topics: forget them, and
            # what was counted of them, before trying again.
            self._restore(before)
            # Find the culprit: each item alone, in its own transaction, from the database's
            # state (the failed attempt changed the articles it had read).
            written = []
            for item in changed:
                before = self._state()
                try:
                    with transaction.atomic():
                        outcome = self._write([item], self._existing([item]))
                except (DatabaseError, ValidationError, ItemFailed) as error:
                    self._restore(before)
                    self.run.fail(item.entry.kind, item.entry.where, self.describe(error))
                else:
                    self.counted(item, outcome[0])
                    written.append(item)
            return written
        for item, outcome in zip(changed, outcomes, strict=True):
            self.counted(item, outcome)
        if self.created >= self.next_statistics:
            # The planner's picture of the tables this run fills, each time they have doubled:
            # with the one it had before they grew, the next batches' lookups by source, slug
            # and article read whole tables (autovacuum may be late, or off).
            self.next_statistics = 2 * self.created
            refresh_statistics(
                (Article, ["source_system", "source_id", "slug", "section"]),
                (TopicItem, ["content_object", "tag"]),
                (ArticleAuthor, ["article", "author"]),
                (Redirect, ["site", "old_path"]),
                (digests.ImportedDigest, ["article"]),
            )
        return changed

    def counted(self, item, outcome):
        """Count an item written (a reader may also say so, item by item)."""
        self.run.count(item.entry.kind, outcome)

    @staticmethod
    def describe(error):
        """A failed item's message, from the error that failed it."""
        return describe_error(error)

    def _state(self):
        """What a batch rolled back must undo: the tally, the authors and topics it made."""
        tally = {kind: outcomes.copy() for kind, outcomes in self.run.tally.items()}
        return tally, self.people.saved(), self.topics.saved()

    def _restore(self, state):
        tally, people, topics = state
        self.run.tally.clear()
        self.run.tally.update(tally)
        self.people.restore(people)
        self.topics.restore(topics)

    def _write(self, items, existing):
        """Write `items` (a batch, or one item on replay); returns their outcomes in order."""
        topics = self.topics.ensure(
            [name for item in items for name in [item.section, *item.topics] if name],
            sections=[item.section for item in items if item.section],
        )
        now = timezone.now()
        # How readers saw the batch's articles, for what the batch purges (articles.changes).
        was = listings([article.pk for article in existing.values()])
        new, updated, outcomes, publications, was_brands = [], [], [], {}, {}
        for item in items:
            article = existing.get(item.source_id)
            if article is None:
                article = Article(source_system=self.source_system, source_id=item.source_id)
                new.append(article)
                outcomes.append("created")
            else:
                publications[article.pk] = Publication.of(article)  # as it was stored
                was_brands[article.pk] = article.brand  # selected with it (`_existing`)
                updated.append(article)
                outcomes.append("updated")
                article.version += 1
                if not item.entry.slug:
                    item.fields["slug"] = article.slug  # an existing article keeps its own
                if item.fields["published_at"] is None and self.keep_published_at:
                    item.fields["published_at"] = article.published_at
            for field, value in item.fields.items():
                setattr(article, field, value)
            # The entry's own brand, else the run's; a new brand moves the article, with a
            # redirect from its old address (`Publication.finish`, below).
            article.brand = getattr(item.entry, "brand", None) or self.site
            if article.status == Article.Status.PUBLISHED and article.published_at is None:
                article.published_at = now  # a dateless feed entry is published as it arrives
            article.section = topics[self.topics.key(item.section)] if item.section else None
            article.source_fingerprint = item.fingerprint
            article.modified = now
        self.addresses.free_slugs(new + updated)

        # New articles stream to the database as each is finished (`importers.copying`).
        with inserting(Article, ids=len(new)) as add:
            for article in new:
                self._finish(article)
                add(article)
        self.created += len(new)
        for article in updated:
            self._finish(article)
        if updated:
            Article.objects.bulk_update(
                updated,
                [*{field.removesuffix("_id") for field in items[0].fields}, "section",
                 "brand", "source_fingerprint", "modified", "version", "body_rendered",
                 "body_rendered_key"],
            )
        for article in updated:  # share links of a takedown, an old address's redirect
            publications[article.pk].finish(article)
            if self.map_moves:
                self.addresses.map_move(
                    publications[article.pk].url, published_url(article),
                    was=was_brands[article.pk], now=article.brand,
                )
        articles = [existing.get(item.source_id) or new.pop(0) for item in items]
        self._relations(items, articles, topics, replaced=[article.pk for article in updated])
        self.addresses.redirects(items, articles)
        self.relate(items, articles, replaced=[article.pk for article in updated])
        digests.remember([
            (article.pk, self.in_context(item.entry.digest), item.fingerprint)
            for item, article in zip(items, articles, strict=True)
            if item.entry.digest
        ])
        self._revisions(articles)
        purge_change(was, [article.pk for article in articles])
        return outcomes

    def relate(self, items, articles, *, replaced):
        """What else a reader's items bring beside topics and bylines (related links …)."""

    def _finish(self, article):
        article.refresh_rendered_body()  # what save() does; bulk writes bypass it
        article.full_clean(
            # The brand is one of the install's, found so (`importers.brands`): no query to
            # check it again.
            exclude=["section", "featured_image", "featured_library_image", "slug", "brand"],
            validate_unique=False,
            validate_constraints=False,
        )

    def _relations(self, items, articles, topics, *, replaced):
        """The articles' topics and bylines, written anew (`replaced`: the pks of those that
        had some before; a new article has none to delete)."""
        if replaced:
            TopicItem.objects.filter(content_object_id__in=replaced).delete()
        with inserting_rows(TopicItem, ("tag_id", "content_object_id", "position")) as add:
            for item, article in zip(items, articles, strict=True):
                for position, name in enumerate(item.topics):
                    add((topics[self.topics.key(name)].pk, article.pk, position))
        bylines = self.people.ensure([p for item in items for p in item.entry.authors])
        by_slug = {author.slug: author for author in bylines}
        if replaced:
            ArticleAuthor.objects.filter(article_id__in=replaced).delete()
        with inserting_rows(ArticleAuthor, ("article_id", "author_id", "position")) as add:
            for item, article in zip(items, articles, strict=True):
                slugs = dict.fromkeys(self.people.slug_of(person) for person in item.entry.authors)
                for position, slug in enumerate(s for s in slugs if s in by_slug):
                    add((article.pk, by_slug[slug].pk, position))

    def _revisions(self, articles):
        """One revision of the batch's overwritten articles (`importers.history`)."""
        if not self.run.dry_run:  # rolled back anyway: spare the work
            keep_overwritten_history(articles, comment=f"Imported from {self.source_label}.")
