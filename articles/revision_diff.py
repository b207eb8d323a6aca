"""Comparing states of an article: what changed, word by word, and since an editor loaded it.

`compare` lists the entries that differ between two `ArticleState`s, named as an editor reads
them (`Names`); `word_diff` marks up a text's changed words; `fingerprint` and `changed_since`
tell the concurrent-editing check which entries someone else changed. How differences are shown
changes here, apart from how revisions are recorded (`articles.revisions`).
"""

import difflib
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import formats, timezone

from articles.models import Article, Topic
from articles.revision_state import Entry, entries


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
        # Through the byline's relation: the articles app sits below authors (docs/architecture.md).
        authors = Article._meta.get_field("authors").related_model.objects
        self.authors = authors.only("name").in_bulk(_numbers(author_ids))
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
