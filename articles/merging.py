"""A save made from an older copy of an article, merged with what was saved meanwhile.

The change form carries the fingerprint of what the editor loaded (`revisions.fingerprint`).
When someone else saved in between, each entry (a field, or the byline, topics or related
links) falls in one of these cases:

- neither changed it, or only they did: the stored value stays, whatever the older form
  posted (it still shows what the editor loaded);
- only this editor changed it: theirs is applied;
- both changed it to different values: a conflict. The form comes back showing both, and the
  editor chooses per entry which to keep (`keep_<key>` in the POST, "theirs" or "mine").

Choices count only against the stored version they were made against (`conflicts_at`): if a
third save came in between, the editor is asked again.
"""

import copy
from dataclasses import dataclass, field

from django.forms.models import construct_instance

from articles.models import Topic
from articles.revisions import RELATIONS, ArticleState, entries, field_values, fingerprint

THEIRS, MINE = "theirs", "mine"
# Inline rows read from a POST at most: the admin's own formset limit.
MAX_ROWS = 1000


@dataclass
class Merge:
    """What a stale save keeps of the stored article, worked out against one stored version."""

    version: int  # the stored version the merge was worked out against
    current: ArticleState  # the article as stored at that version
    posted: ArticleState  # the article as this editor's form would save it
    theirs: list = field(default_factory=list)  # entries changed by someone else since
    mine: list = field(default_factory=list)  # entries changed by this editor only, or chosen
    conflicts: list = field(default_factory=list)  # entries both changed
    unresolved: list = field(default_factory=list)  # conflicts with no valid choice

    @property
    def kept(self):
        """Keys of the entries whose stored value stays."""
        mine = {entry.key for entry in self.mine}
        return {entry.key for entry in entries()} - mine

    def kept_fields(self):
        return {entry.key for entry in entries() if entry.field is not None} & self.kept

    def kept_relations(self):
        return set(RELATIONS) & self.kept


def work_out(*, loaded, current, posted, version, choices):
    """The `Merge` of a stale save. `loaded` is the fingerprint the editor's form carried
    (None if it carried none: then every entry that differs counts as changed by both)."""
    now, sent = fingerprint(current), fingerprint(posted)
    merge = Merge(version, current, posted)
    for entry in entries():
        key = entry.key
        if sent[key] == now[key]:
            continue  # the form would save what is stored already
        theirs = loaded is None or loaded.get(key) != now[key]
        mine = loaded is None or loaded.get(key) != sent[key]
        if theirs:
            merge.theirs.append(entry)
        if mine and not theirs:
            merge.mine.append(entry)
        elif mine and theirs:
            merge.conflicts.append(entry)
            if choices.get(key) == MINE:
                merge.mine.append(entry)
            elif choices.get(key) != THEIRS:
                merge.unresolved.append(entry)
    return merge


def choices(data, version):
    """The editor's choices between conflicting values, if made against `version`."""
    if data.get("conflicts_at") != str(version):
        return {}
    return {
        entry.key: data.get(f"keep_{entry.key}")
        for entry in entries()
        if data.get(f"keep_{entry.key}") in (THEIRS, MINE)
    }


def posted_state(form):
    """The article as the change form `form` (cleaned, not yet saved) would save it.

    Reads the byline and related links inlines from the raw POST (the article's form does not
    see its formsets). One query, for the topics' numbers.
    """
    article = construct_instance(form, copy.copy(form.instance))
    fields = field_values(article)
    rows = {
        "byline": _inline_rows(form.data, "byline", ["author"]),
        "related_links": _inline_rows(form.data, "related_links", ["title", "url", "target"]),
    }
    rows["byline"] = [{"author_id": _number(row["author"])} for row in rows["byline"]]
    rows["related_links"] = [
        {"title": row["title"], "url": row["url"], "target_id": _number(row["target"])}
        for row in rows["related_links"]
    ]
    if "topics" in form.cleaned_data:
        names = list(form.cleaned_data["topics"])
        numbers = dict(Topic.objects.filter(name__in=names).values_list("name", "pk"))
        rows["topics"] = [{"tag_id": numbers.get(name, name)} for name in names]
    else:  # not in the form, or not valid: left as stored
        rows["topics"] = ArticleState.of_article(form.instance).rows["topics"]
    return ArticleState(fields, rows)


def _inline_rows(data, key, names):
    """An inline's rows as posted, in the order they are saved and listed: by position, then
    existing rows before new ones. Deleted and empty rows are left out."""
    prefix = RELATIONS[key][0]
    total = min(_number(data.get(f"{prefix}-TOTAL_FORMS")) or 0, MAX_ROWS)
    found = []
    for index in range(total):
        start = f"{prefix}-{index}-"
        row = {name: (data.get(start + name) or "").strip() for name in names}
        if data.get(start + "DELETE") or not any(row.values()):
            continue
        number = _number(data.get(start + "id"))
        order = (_number(data.get(start + "position")) or 0, number is None, number or 0, index)
        found.append((order, row))
    return [row for _, row in sorted(found, key=lambda pair: pair[0])]


def _number(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None
