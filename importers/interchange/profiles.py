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
    """The authors of lines, by slug, for one run, and what happened to each."""

    def __init__(self, run, images):
        self.run = run
        self.images = images
        self.outcomes = {}  # slug -> outcome, of lines written
        self.line = {}  # slug -> outcome, of the line being written

    def start_line(self):
        """Forget what a line that failed did."""
        self.line = {}

    def for_line(self, entries):
        """Authors for a line's entries in byline order, created or brought up to date."""
        existing = Author.objects.in_bulk([data["slug"] for data in entries], field_name="slug")
        return [self._author(data, existing.get(data["slug"])) for data in entries]

    def _author(self, data, author):
        # name/role/bio <- authors[].name/role/bio; an absent role or bio is left as it is
        wanted = {key: data[key] for key in ("name", "role", "bio") if data[key] is not None}
        if data["photo"]:  # photo <- authors[].photo
            wanted["photo"] = self.images.name_for(data["photo"], "authors")
        if author is not None and all(
            str(getattr(author, key) or "") == value for key, value in wanted.items()
        ):
            self.line[author.slug] = "unchanged"
            return author
        if author is not None and edited_elsewhere(author):
            self.line[author.slug] = "kept"
            return author
        if data["photo"]:
            wanted["photo"] = self.images.store(data["photo"], "authors").name
        outcome = "created" if author is None else "updated"
        author = author or Author(slug=data["slug"])
        for key, value in wanted.items():
            setattr(author, key, value)
        try:
            author.full_clean(validate_unique=False)
        except ValidationError as error:
            raise LineError(f"author {data['slug']!r}: {field_errors(error)}") from None
        author.import_fingerprint = profile_fingerprint(author)
        author.save()
        self.line[author.slug] = outcome
        return author

    def written(self):
        """The line's authors are in the database: count them, once per author and run."""
        for slug, outcome in self.line.items():
            before = self.outcomes.get(slug)
            if before is None:
                self.run.count("author", outcome)
            elif RANK[outcome] > RANK[before]:
                self.run.count("author", before, -1)
                self.run.count("author", outcome)
            else:
                continue
            self.outcomes[slug] = outcome
        self.line = {}
