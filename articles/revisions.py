"""Revisions of articles: what is recorded, how two states of an article differ, and restoring.

django-reversion stores the revisions. An article's revision holds the article's own fields and
its related rows (byline, topics, related links), so a restore brings all of them back; the
featured image and its alt text, caption and credit are fields of the article itself.

`ArticleState` is an article as an editor sees it at one moment, read either from the database
or from a stored revision. Two states are compared with `compare`, and summarised for the
concurrent-editing check with `fingerprint`. Restoring is in `articles.restoring`.
"""

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from reversion.models import Version

from articles.models import Article, ArticleAuthor, RelatedLink, Topic, TopicItem
from authors.models import Author

# Related rows recorded with an article: the relation followed, the row model, and the name of
# the row's foreign key to the article.
RELATIONS = {
    "byline": ("article_authors", ArticleAuthor, "article_id"),
    "topics": ("topic_items", TopicItem, "content_object_id"),
    "related_links": ("related_links", RelatedLink, "article_id"),
}

# What each kind of row's str() reads, fetched with it (topic rows also name their article).
LABELLED_BY = {"byline": ["author"], "topics": ["tag"], "related_links": ["target"]}

# The search vector is written by a database trigger from the text it indexes, so it is not
# worth keeping; restoring an old one would only be overwritten.
reversion.register(ArticleAuthor)
reversion.register(TopicItem)
reversion.register(RelatedLink)
reversion.register(
    Article,
    exclude=("search_vector",),
    follow=tuple(relation for relation, _, _ in RELATIONS.values()),
)

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


# Describing --------------------------------------------------------------------------------


class Names:
    """Names of the topics, authors and articles that states refer to, fetched once.

    Three queries however many states and rows are described.
    """

    def __init__(self, *states):
        topic_ids, author_ids, article_ids = set(), set(), set()
        for state in states:
            topic_ids.add(state.fields.get("section_id"))
            topic_ids.update(row["tag_id"] for row in state.rows.get("topics", []))
            author_ids.update(row["author_id"] for row in state.rows.get("byline", []))
            article_ids.update(row["target_id"] for row in state.rows.get("related_links", []))
        # A posted topic that does not exist yet is named, not numbered (see articles.merging).
        self.topics = Topic.objects.only("name").in_bulk(_numbers(topic_ids))
        self.authors = Author.objects.only("name").in_bulk(_numbers(author_ids))
        self.articles = Article.objects.only("headline").in_bulk(_numbers(article_ids))

    def topic(self, pk):
        if isinstance(pk, str):
            return pk
        return self.topics[pk].name if pk in self.topics else f"(deleted topic {pk})"

    def author(self, pk):
        return self.authors[pk].name if pk in self.authors else f"(deleted author {pk})"

    def link(self, row):
        target = row["target_id"]
        if target is None:
            return f"{row['title']} ({row['url']})" if row["title"] else row["url"]
        headline = (
            self.articles[target].headline if target in self.articles else "(deleted article)"
        )
        return f"{row['title']} (article: {headline})" if row["title"] else headline

    def display(self, state, entry):
        """The entry's value as an editor reads it: a string, or a list of names in order."""
        if entry.key == "byline":
            return [self.author(row["author_id"]) for row in state.rows.get("byline", [])]
        if entry.key == "topics":
            return [self.topic(row["tag_id"]) for row in state.rows.get("topics", [])]
        if entry.key == "related_links":
            return [self.link(row) for row in state.rows.get("related_links", [])]
        value = state.value(entry)
        if value in (None, ""):
            return ""
        if entry.field.choices:
            return str(dict(entry.field.flatchoices).get(value, value))
        if entry.key == "section":
            return self.topic(value)
        if isinstance(value, str):
            return value
        if hasattr(value, "tzinfo"):
            return formats.localize(timezone.localtime(value))
        return str(value)


def _numbers(ids):
    return {pk for pk in ids if isinstance(pk, int)}


# Comparing ---------------------------------------------------------------------------------


@dataclass
class Segment:
    """A run of a word-level diff. `op` is equal, insert, delete, break (a block ends) or gap."""

    op: str
    text: str = ""
    markup: bool = False


@dataclass
class Change:
    entry: Entry
    old: object  # a string, or a list of names
    new: object
    segments: list | None = None  # for "words" entries
    removed: list | None = None  # for "list" entries: the old names not in the new list
    added: list | None = None

    @property
    def label(self):
        return self.entry.label


def compare(old, new):
    """The entries that differ between two `ArticleState`s, as `Change`s. Three queries."""
    names = Names(old, new)
    changes = []
    for entry in entries():
        if old.value(entry) == new.value(entry):
            continue
        change = Change(entry, names.display(old, entry), names.display(new, entry))
        if entry.kind == "words":
            change.segments = word_diff(change.old, change.new)
        elif entry.kind == "list":
            change.removed = [name for name in change.old if name not in change.new]
            change.added = [name for name in change.new if name not in change.old]
        changes.append(change)
    return changes


TOKEN = re.compile(r"<[^>]*>|[^\s<]+")
BLOCK_END = re.compile(
    r"</(p|h[1-6]|li|ul|ol|blockquote|figure|figcaption|div|pre|table|tr)\s*>|<br\b", re.I
)
CONTEXT = 12  # unchanged words shown either side of a change


def word_diff(old, new):
    """A word-level diff of two texts or HTML bodies, as `Segment`s for a template to mark up.

    Tags count as words, so a changed link or image shows; unchanged tags are left out of the
    reading copy except that a closing block (a paragraph, a heading) starts a new line. Long
    unchanged stretches are cut to a few words either side of each change.
    """
    a, b = TOKEN.findall(old or ""), TOKEN.findall(new or "")
    pieces = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            run = a[i1:i2]
            head = [] if i1 == 0 else run[:CONTEXT]
            tail = [] if i2 == len(a) else run[-CONTEXT:]
            if len(run) > len(head) + len(tail) + CONTEXT:
                pieces += [("equal", token) for token in head]
                pieces.append(("gap", ""))
                pieces += [("equal", token) for token in tail]
            else:
                pieces += [("equal", token) for token in run]
        else:
            pieces += [("delete", token) for token in a[i1:i2]]
            pieces += [("insert", token) for token in b[j1:j2]]
    segments = []
    for op, token in pieces:
        markup = token.startswith("<")
        ends_block = markup and BLOCK_END.match(token)
        if not (markup and op == "equal"):
            last = segments[-1] if segments else None
            if last and last.op == op and op != "gap" and last.markup == markup:
                last.text = f"{last.text} {token}"
            else:
                segments.append(Segment(op, token, markup))
        if ends_block and segments and segments[-1].op != "break":
            segments.append(Segment("break"))
    return segments


# Concurrent editing ------------------------------------------------------------------------


def fingerprint(state):
    """A short digest of each entry's value, to tell later which entries someone changed.

    Digests compare what an editor can change in the change form: times to the second (the
    form shows no fractions), topics in any order (the form lists them alphabetically).
    """
    digests = {}
    for entry in entries():
        value = state.value(entry)
        if entry.key == "topics":
            value = sorted(str(topic) for topic in value)
        elif isinstance(value, datetime):
            value = value.astimezone(UTC).replace(microsecond=0).isoformat()
        text = json.dumps(value, default=str).encode()
        digests[entry.key] = hashlib.blake2b(text, digest_size=6).hexdigest()
    return digests


def changed_since(loaded, state):
    """The entries whose values in `state` differ from the `fingerprint` an editor loaded.

    None when `loaded` is not a fingerprint (a form from before fingerprints, or tampered with).
    """
    if not isinstance(loaded, dict):
        return None
    now = fingerprint(state)
    return [entry for entry in entries() if loaded.get(entry.key) != now[entry.key]]


# History and restoring ---------------------------------------------------------------------


def article_versions(article):
    """The article's recorded versions in the order they were kept, with revision and user.

    A version's place in this list is its revision number on the history page.
    """
    return Version.objects.get_for_object(article).select_related("revision__user").order_by("pk")


def add_to_revision(article):
    """Record the article and its related rows as they now stand in the active revision.

    For use at the end of a save: rows written without signals (bulk creates, taggit's
    `set`) and rows changed after the article was saved are recorded as they finally are.
    """
    # Fresh queries, not the related managers: the admin's queryset prefetches the byline. The
    # rows go first, so that following them from the article finds them recorded already; each
    # comes with what its str() (the version's label) reads.
    for key, (_, model, article_field) in RELATIONS.items():
        rows = model._default_manager.filter(**{article_field: article.pk})
        for row in rows.select_related(*LABELLED_BY[key]):
            if key == "topics":
                row.content_object = article
            reversion.add_to_revision(row)
    reversion.add_to_revision(article)


def record_revision(article, *, comment, user=None):
    """Keep a revision of the article as it now stands (for saves outside the admin).

    Inside an active revision (a wider block already recording) the article joins it.
    """
    if reversion.is_active():
        add_to_revision(article)
        return
    with reversion.create_revision():
        reversion.set_comment(comment)
        reversion.set_user(user)
        add_to_revision(article)


def keep_imported_state(article_id):
    """Record an imported article as it was imported, just before it first changes.

    Importers keep a revision only for articles that already have a history: at archive scale
    a revision per new article costs more than the article itself, and the imported state
    is still in the database until someone changes it. Whatever is about to change an article
    (the admin's save, a workflow step) calls this first; an article with any revision, or
    one never imported, is left alone. Two queries.
    """
    try:
        article = (
            Article.objects.exclude(source_system="newsroom").defer("search_vector").get(
                pk=article_id
            )
        )
    except (Article.DoesNotExist, ValueError, TypeError):
        return
    if Version.objects.get_for_object(article).exists():
        return
    with reversion.create_revision():
        reversion.set_comment(f"As imported (from {article.source_system}).")
        add_to_revision(article)
