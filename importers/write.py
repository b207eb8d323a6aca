"""Writing imported records as articles, in batches, and replaying a failed batch item by item.

Preparing the records (identity, fingerprint, fields) is `prepare`; authors and topics are
`names`; this module holds the database side.

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

from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.changes import listings, purge_change
from articles.models import Article, ArticleAuthor, TopicItem
from articles.redirects import published_url
from articles.workflow import Publication
from importers import digests
from importers.copying import inserting, inserting_rows, refresh_statistics
from importers.history import keep_overwritten_history
from importers.names import People, Topics
from importers.prepare import BATCH_SIZE, SLUG_MAX, PreparingEntries
from importers.records import Unchanged
from importers.run import ItemFailed, describe_error
from importers.slugs import old_path, source_key
from newsroom.brands import current_site

# After how many new articles a run first refreshes the planner's statistics (then at every
# doubling).
STATISTICS_FIRST = 2000
# Stands for the slug in an article's reversed path (a slug it cannot be: slugs are lower case).
SLUG_MARK = "SLUG"


class ArticleWriter(PreparingEntries):
    """Writes `Entry` records of kind post/entry as articles, in batches.

    Outcomes are counted under the source's own word for the item ("post", "entry").

    `section` forces every article's section (the source's own first category then joins
    its topics); `default_section` is used when an entry names none. `redirects` says whether
    the entries' old addresses become redirects on this site (a WordPress site moving here) or
    only go into the redirect map (a partner's feed).
    """

    # What readers differ in (the JSON Lines writer, `importers.interchange.writing`, sets
    # them otherwise): an update without a date keeps the article's; an article's own move
    # is not put in the redirect map.
    keep_published_at = True
    map_moves = False

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
        self.site = current_site()
        self.context = None  # what besides its bytes an item's digest holds (`digests`)
        self.known = {}  # source id -> (status, slug, section slug) of items found unchanged
        self.created = 0
        self.next_statistics = STATISTICS_FIRST
        self.paths = {}  # section slug -> an article's path in it, the slug left to fill in

    def add(self, entry):
        self.pending.append(entry)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def known_unchanged(self, pairs):
        """The numbers of the items of [(ItemFacts, digest)] whose article was imported from
        these very bytes in this context (`importers.digests`): the reader need not read them
        again, and sends `Unchanged` records instead. Two queries."""
        numbers = {source_key(facts.text("wp:post_id")): facts.number for facts, _ in pairs}
        found = self.unchanged_sources(
            {source_key(facts.text("wp:post_id")): digest for facts, digest in pairs}
        )
        return {numbers[source_id] for source_id in found}

    def unchanged_sources(self, wanted, source_system=None):
        """Of `wanted` ({source id: the reader's digest}), the source ids whose article was
        imported from those very bytes in this context (`importers.digests`), noted for the
        `Unchanged` records the reader sends instead. Two queries; none for nothing wanted."""
        if not wanted:
            return set()
        found = digests.unchanged(
            source_system or self.source_system,
            {source_id: self.in_context(digest) for source_id, digest in wanted.items()},
        )
        self.known.update(found)
        return set(found)

    def in_context(self, digest):
        if self.context is None:  # after the library pass: the pictures are all known
            self.context = digests.context_of(
                section=self.section,
                default_section=self.default_section,
                pictures=self.media.known_fingerprints() if self.media is not None else {},
            )
        return digests.in_context(digest, self.context)

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
        new, updated, outcomes, publications = [], [], [], {}
        for item in items:
            article = existing.get(item.source_id)
            if article is None:
                article = Article(source_system=self.source_system, source_id=item.source_id)
                new.append(article)
                outcomes.append("created")
            else:
                publications[article.pk] = Publication.of(article)  # as it was stored
                updated.append(article)
                outcomes.append("updated")
                article.version += 1
                if not item.entry.slug:
                    item.fields["slug"] = article.slug  # an existing article keeps its own
                if item.fields["published_at"] is None and self.keep_published_at:
                    item.fields["published_at"] = article.published_at
            for field, value in item.fields.items():
                setattr(article, field, value)
            if article.status == Article.Status.PUBLISHED and article.published_at is None:
                article.published_at = now  # a dateless feed entry is published as it arrives
            article.section = topics[self.topics.key(item.section)] if item.section else None
            article.source_fingerprint = item.fingerprint
            article.modified = now
        self._free_slugs(new + updated)

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
                 "source_fingerprint", "modified", "version", "body_rendered", "body_rendered_key"],
            )
        for article in updated:  # share links of a takedown, an old address's redirect
            publications[article.pk].finish(article)
            if self.map_moves:
                self._map_move(publications[article.pk].url, published_url(article))
        articles = [existing.get(item.source_id) or new.pop(0) for item in items]
        self._relations(items, articles, topics, replaced=[article.pk for article in updated])
        self._redirects(items, articles)
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

    def _map_move(self, old, new):
        """An updated article's old address, for the redirect map, when it has moved."""
        if old and new and old != new:
            self.run.redirect(f"{settings.SITE_URL}{old}", f"{settings.SITE_URL}{new}")

    def _finish(self, article):
        article.refresh_rendered_body()  # what save() does; bulk writes bypass it
        article.full_clean(
            # The brand is the default brand (imports name none yet): no query to check it.
            exclude=["section", "featured_image", "featured_library_image", "slug", "brand"],
            validate_unique=False,
            validate_constraints=False,
        )

    def _free_slugs(self, articles):
        """Give each article a slug no other article has: `-2`, `-3` … appended if taken.

        One query for the batch's slugs, and one more when some are taken: every slug that
        starts as a taken one does (its numbered forms, cut to fit, included)."""
        own = {article.pk for article in articles if article.pk}
        others = Article.objects.exclude(pk__in=own)
        wanted = {article.slug for article in articles}
        taken = set(others.filter(slug__in=wanted).values_list("slug", flat=True))
        clashing = {article.slug for article in articles if article.slug in taken}
        if clashing:
            # A numbered form keeps at least SLUG_MAX - 11 characters of its base.
            starts = Q()
            for base in clashing:
                starts |= Q(slug__startswith=base[: SLUG_MAX - 11])
            taken.update(others.filter(starts).values_list("slug", flat=True))
        for article in articles:
            if article.slug in taken:
                base, number = article.slug, 2
                while True:
                    suffix = f"-{number}"
                    candidate = f"{base[: SLUG_MAX - len(suffix)]}{suffix}"
                    if candidate not in taken:
                        break
                    number += 1
                article.slug = candidate
            taken.add(article.slug)

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

    def _redirects(self, items, articles):
        """Old permalinks (and an updated article's old address) lead to the new address."""
        moves = {}
        for item, article in zip(items, articles, strict=True):
            new_url = self._map_redirects(item, article)
            if new_url is None:
                continue
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
        with inserting_rows(Redirect, ("site_id", "old_path", "new_path")) as add:
            for old, new in moves.items():
                if old not in found:
                    add((self.site.pk, old, new))

    def _map_unchanged(self, old_urls, status, slug, section_slug):
        if status != Article.Status.PUBLISHED or not section_slug or not old_urls:
            return
        # reverse() once per section: a re-run maps tens of thousands of unchanged articles.
        if section_slug not in self.paths:
            path = reverse(
                "articles:article-detail", kwargs={"section": section_slug, "slug": SLUG_MARK}
            )
            self.paths[section_slug] = path.rpartition(SLUG_MARK)[::2]  # the slug comes last
        before, after = self.paths[section_slug]
        new_url = f"{before}{slug}{after}"
        for url in old_urls:
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
        """One revision of the batch's overwritten articles (`importers.history`)."""
        if not self.run.dry_run:  # rolled back anyway: spare the work
            keep_overwritten_history(articles, comment=f"Imported from {self.source_label}.")
