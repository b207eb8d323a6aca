"""What a batch reads before it writes: the articles already imported, and the unchanged items.

The looking-up half of `ArticleWriter` (`importers.write`): a fixed handful of queries per
batch, whatever its size. An article already imported is recognised by its source identity
(`source_system` + `source_id`); an item whose bytes were imported before, in the same
context (`importers.digests`), need not even be read again.
"""

from articles.models import Article
from importers import digests
from importers.brands import is_default
from importers.slugs import source_key


class BatchLookups:
    """Expects the writer's `source_system`, `section`, `default_section`, `media`, `site` (the
    run's brand), `context` (None until first needed) and `known` (filled here for the
    unchanged items)."""

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
        """The reader's digest of an item with what else decides its article (`digests`)."""
        if self.context is None:  # after the library pass: the pictures are all known
            self.context = digests.context_of(
                section=self.section,
                default_section=self.default_section,
                pictures=self.media.known_fingerprints() if self.media is not None else {},
                brand=None if is_default(self.site) else self.site.pk,
            )
        return digests.in_context(digest, self.context)

    def _existing(self, items):
        """The items' articles already imported, by source id: one query."""
        return {
            article.source_id: article
            for article in Article.objects.filter(
                source_system=self.source_system,
                source_id__in=[item.source_id for item in items],
            )
            .select_related("section", "brand")
            .defer("search_vector", "body")
        }
