"""Authors named by JSONL lines: created, kept up to date while the import owns the profile.

The import owns an author's profile (name, role, bio, photo) for as long as nobody else has
changed it. `Author.import_fingerprint` holds a digest of the profile as the import last wrote
it: while the profile still matches, the import brings it up to date from the line; once an
editor has changed any of those fields (in the admin, or anywhere outside an import), the
profile no longer matches and the import leaves it alone for good, only linking the author into
the byline. An author made anywhere else has no fingerprint and is never overwritten (the
WordPress and feed importers never overwrite anyone: `importers.names.People`).

Outcomes per author and run: created, updated, unchanged, or kept (the line differs from a
profile an editor has changed, which stays as the editor made it).
"""

import hashlib
import json

from django.core.exceptions import ValidationError

from authors.models import Author
from importers.interchange.reading import LineError, field_errors
from newsroom import purging, surrogate

PROFILE = ("name", "role", "bio", "photo")
# When an author meets several lines in a run, the outcome reported is the strongest.
RANK = {"unchanged": 0, "kept": 1, "updated": 2, "created": 3}


def profile_fingerprint(author):
    """A digest of the profile fields an import writes, as they now stand."""
    values = [str(getattr(author, field) or "") for field in PROFILE]
    return hashlib.sha256(json.dumps(values).encode()).hexdigest()


def edited_elsewhere(author):
    """Whether the import must leave this existing author's profile alone: someone else has
    changed it since an import wrote it, or made it (no fingerprint, which no digest equals)."""
    return author.import_fingerprint != profile_fingerprint(author)


class Profiles:
    """The authors of lines, by slug, for one run, and what happened to each: the writer's
    `people` (`importers.write.ArticleWriter`), resolving a batch's authors at once."""

    def __init__(self, run, images):
        self.run = run
        self.images = images
        self.outcomes = {}  # slug -> outcome, of lines written
        self.photos = {}  # slug -> the name of the photo stored for them
        self.line_outcomes = {}  # id of a line's author entry -> its outcome, till counted

    @staticmethod
    def slug_of(entry):
        return entry["slug"]

    def saved(self):
        """The state `restore` returns to (after a batch is rolled back)."""
        return dict(self.photos)  # authors are counted only once their line is written

    def restore(self, saved):
        self.photos = saved

    def ensure(self, entries):
        """Authors for a batch's author entries (of every line, in order), created or brought
        up to date as the lines, one after the other, would leave them: one query to find
        them, one to create the new ones, one to update the others."""
        existing = Author.objects.in_bulk({data["slug"] for data in entries}, field_name="slug")
        authors, created, updated = {}, {}, {}
        for data in entries:
            slug = data["slug"]
            author = authors.get(slug, existing.get(slug))
            authors[slug], outcome = self._author(data, author)
            if outcome == "created":
                created[slug] = authors[slug]
            elif outcome == "updated" and slug not in created:
                updated[slug] = authors[slug]
            self.line_outcomes[id(data)] = outcome
        if created:
            Author.objects.bulk_create(created.values())
        if updated:
            Author.objects.bulk_update(updated.values(), [*PROFILE, "import_fingerprint"])
        # What saving each would have purged (`authors.changes`; bulk writes send no signal):
        # their pages and every page showing their name.
        purging.purge(surrogate.keys_for(created.values(), updated.values()))
        return list(authors.values())

    def _author(self, data, author):
        """(the author, its outcome) for one line's entry; nothing saved."""
        # name/role/bio <- authors[].name/role/bio; an absent role or bio is left as it is
        wanted = {key: data[key] for key in ("name", "role", "bio") if data[key] is not None}
        if data["photo"]:  # photo <- authors[].photo
            wanted["photo"] = self.images.name_for(data["photo"], "authors")
        if author is not None and all(
            str(getattr(author, key) or "") == value for key, value in wanted.items()
        ):
            return author, "unchanged"
        if author is not None and edited_elsewhere(author):
            return author, "kept"
        if data["photo"]:
            wanted["photo"] = self.photos[data["slug"]] = self.images.store(
                data["photo"], "authors"
            ).name
        outcome = "created" if author is None else "updated"
        author = author or Author(slug=data["slug"])
        for key, value in wanted.items():
            setattr(author, key, value)
        try:
            author.full_clean(validate_unique=False)
        except ValidationError as error:
            raise LineError(f"author {data['slug']!r}: {field_errors(error)}") from None
        author.import_fingerprint = profile_fingerprint(author)
        return author, outcome

    def written(self, entries):
        """A line's author `entries` are in the database: count them, after the line."""
        for data in entries:
            self._count(data["slug"], self.line_outcomes.pop(id(data)))

    def _count(self, slug, outcome):
        """Count an author once per run, by the strongest outcome their lines had."""
        before = self.outcomes.get(slug)
        if before is None:
            self.run.count("author", outcome)
        elif RANK[outcome] > RANK[before]:
            self.run.count("author", before, -1)
            self.run.count("author", outcome)
        else:
            return
        self.outcomes[slug] = outcome
