"""The bytes each imported article was last read from, so a re-run need not read them again.

An article already knows the fingerprint of the record it was imported from
(`Article.source_fingerprint`, `importers.prepare`); but to take that fingerprint the reader
must parse and convert the item first, which is most of a re-run's cost. A reader that can
cut its source into items (the WordPress reader, `importers.wxr_scan`) also gives each entry
the digest of its bytes; the writer keeps it here beside the fingerprint it led to, in the
writer's context (`in_context`: the section options and the pictures the source has in the
library). On the next run the writer looks up a batch's digests in two queries (`unchanged`):
an item whose digest matches, while its article still holds the fingerprint recorded beside
it, would give that same fingerprint again, so it is counted unchanged without being read.

A digest that does not match only means reading the item as before: the fingerprint still
decides. A row goes with its article (deleted with it).
"""

import hashlib
import json

from django.db import models

from articles.models import Article


class ImportedDigest(models.Model):
    """The digest of the source bytes an article was last imported from."""

    article = models.OneToOneField(
        Article,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="import_digest",
        help_text="The imported article.",
    )
    digest = models.CharField(
        max_length=64,
        help_text="A digest of the item's bytes in the source, with the import's options.",
    )
    fingerprint = models.CharField(
        max_length=64,
        help_text="The article's source fingerprint when these bytes were imported.",
    )

    class Meta:
        verbose_name = "imported item's digest"

    def __str__(self):
        return f"{self.article_id}: {self.digest[:12]}"


def in_context(digest, context):
    """An item's digest (the reader's) with the writer's context (`context_of`)."""
    return hashlib.sha256(f"{digest}|{context}".encode()).hexdigest()


def context_of(*, section, default_section, pictures, brand=None):
    """What besides its bytes decides what an item becomes: the section options, the
    source's pictures (`MediaImporter.known_fingerprints`), whose change reads every item,
    and the brand (its pk; None for the default brand, which adds nothing, so digests taken
    before brands still hold)."""
    context = [section, default_section, sorted(pictures.items())]
    if brand is not None:
        context.append(["brand", brand])
    state = json.dumps(context)
    return hashlib.sha256(state.encode()).hexdigest()


def unchanged(source_system, wanted):
    """Of `wanted` ({source_id: digest in context}), those whose article was imported from
    those bytes and still holds the fingerprint it got then: {source_id: (status, slug,
    section slug)}.

    Two queries, each by a unique index (the articles by their source, the digests by their
    article): joined in one, PostgreSQL reads the whole table of digests for every batch."""
    articles = {
        pk: row
        for pk, *row in Article.objects.filter(
            source_system=source_system, source_id__in=list(wanted)
        )
        .order_by()
        .values_list("pk", "source_id", "source_fingerprint", "status", "slug", "section__slug")
    }
    if not articles:
        return {}
    recorded = ImportedDigest.objects.filter(article_id__in=list(articles)).values_list(
        "article_id", "digest", "fingerprint"
    )
    found = {}
    for pk, digest, fingerprint in recorded:
        source_id, current, *rest = articles[pk]
        if digest == wanted[source_id] and fingerprint == current:
            found[source_id] = rest
    return found


def remember(rows):
    """Record [(article pk, digest in context, fingerprint)]: one query."""
    if rows:
        ImportedDigest.objects.bulk_create(
            [ImportedDigest(article_id=pk, digest=digest, fingerprint=fingerprint)
             for pk, digest, fingerprint in rows],
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=["digest", "fingerprint"],
        )
