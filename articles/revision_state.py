"""What a revision captures of an article: `ArticleState`, and the entries an editor compares.

`ArticleState` is an article as an editor sees it at one moment, read either from the database
or from a stored revision; `entries` lists what of it the change form shows. Recording
(`articles.revisions`), comparing (`articles.revision_diff`), merging and restoring all read
these, so they change only when what an article holds does (a new field, a new related row).
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.text import capfirst

from articles.models import Article, ArticleAuthor, RelatedLink, TopicItem

# Related rows recorded with an article: the relation followed, the row model, and the name of
# the row's foreign key to the article.
RELATIONS = {
    "byline": ("article_authors", ArticleAuthor, "article_id"),
    "topics": ("topic_items", TopicItem, "content_object_id"),
    "related_links": ("related_links", RelatedLink, "article_id"),
}

# What each kind of row's str() reads, fetched with it (topic rows also name their article).
LABELLED_BY = {"byline": ["author"], "topics": ["tag"], "related_links": ["target"]}

# Article fields that are bookkeeping, not content: a restore leaves them alone.
BOOKKEEPING = frozenset(
    {"id", "version", "created", "modified", "created_by", "search_vector", "source_fingerprint"}
)
# Fields that decide what the public sees and when: the workflow's, never brought back by a
# restore (see articles.restoring).
PUBLICATION = frozenset({"status", "published_at", "updated_at"})


@dataclass(frozen=True)
class Entry:
    """One line of a comparison: an article field an editor sets, or a list of related rows."""

    key: str  # the model field's name, or a key of RELATIONS
    label: str
    kind: str  # "text": old → new; "words": a word-level diff; "list": names in order
    field: models.Field | None = None


def entries():
    """What an editor sees of an article, in the order of the change form."""
    found = []
    for model_field in Article._meta.concrete_fields:
        if model_field.primary_key or not model_field.editable:
            continue
        kind = "words" if isinstance(model_field, models.TextField) else "text"
        found.append(Entry(model_field.name, capfirst(model_field.verbose_name), kind, model_field))
        if model_field.name == "section":
            found += [Entry("topics", "Topics", "list"), Entry("byline", "Byline", "list")]
    found.append(Entry("related_links", "Related links", "list"))
    return found


@dataclass
class ArticleState:
    """An article's fields (by attribute name) and its related rows (dicts, in order)."""

    fields: dict
    rows: dict = field(default_factory=dict)  # RELATIONS key -> list of field dicts

    @classmethod
    def of_article(cls, article):
        """The article as stored now. Three queries, one per kind of related row."""
        fields = field_values(article)
        rows = {
            key: list(
                model._default_manager.filter(**{article_field: article.pk})
                .order_by("position", "id")
                .values()
            )
            for key, (_, model, article_field) in RELATIONS.items()
        }
        return cls(fields, rows)

    @classmethod
    def of_version(cls, version):
        """The article as recorded in a reversion `Version`. One query for the related rows."""
        fields = {name: _plain(value) for name, value in version.field_dict.items()}
        article_id = int(version.object_id)
        models_by_key = {key: model for key, (_, model, _) in RELATIONS.items()}
        content_types = ContentType.objects.get_for_models(*models_by_key.values())
        content_types = {key: content_types[model] for key, model in models_by_key.items()}
        rows = {key: [] for key in RELATIONS}
        related = version.revision.version_set.filter(
            content_type__in=content_types.values(), db=version.db
        )
        for row_version in related:
            for key, content_type in content_types.items():
                if row_version.content_type_id != content_type.pk:
                    continue
                row = row_version.field_dict
                if row.get(RELATIONS[key][2]) == article_id:
                    rows[key].append(row)
        for key in rows:
            rows[key].sort(key=lambda row: (row.get("position") or 0, row.get("id") or 0))
        return cls(fields, rows)

    def value(self, entry):
        """What the entry compares: a field's value, or a tuple describing the related rows."""
        if entry.field is not None:
            return self.fields.get(entry.field.attname)
        rows = self.rows.get(entry.key, [])
        if entry.key == "byline":
            return tuple(row["author_id"] for row in rows)
        if entry.key == "topics":
            return tuple(row["tag_id"] for row in rows)
        return tuple((row["title"], row["url"], row["target_id"]) for row in rows)


def field_values(article):
    """The article's own fields as an `ArticleState` holds them, by attribute name."""
    wanted = [f for f in Article._meta.concrete_fields if f.name not in {"search_vector"}]
    return {f.attname: _plain(f.value_from_object(article)) for f in wanted}


def _plain(value):
    """A comparable, serialisable value: files by their stored name."""
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value
