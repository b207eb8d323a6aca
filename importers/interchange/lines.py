"""Importing a JSONL file line by line: decode, parse, write, and count what happened."""

import json
from dataclasses import dataclass, field

from django.db import DatabaseError

from articles.text import clean_tree
from importers.interchange.images import ImageStore
from importers.interchange.reading import LineError, parse_line
from importers.interchange.writing import link_pending_related, write_line


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list = field(default_factory=list)

    @property
    def total(self):
        return self.created + self.updated + self.unchanged + self.failed

    def summary(self):
        return (
            f"{self.total} lines: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.failed} failed."
        )


def import_lines(lines, base_dir, *, report=None):
    """Import lines (bytes or text); `report(number, outcome, message)` hears of each one."""
    result = ImportResult()
    images = ImageStore(base_dir)
    first_lines = {}  # source identity -> the line that gave it
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            try:
                text = (
                    line.decode("utf-8-sig" if number == 1 else "utf-8")
                    if isinstance(line, bytes)
                    else line
                )
            except UnicodeDecodeError as error:
                raise LineError(f"not UTF-8 text (byte {error.start + 1} of the line).") from None
            try:
                raw = clean_tree(json.loads(text))
            except json.JSONDecodeError as error:
                raise LineError(f"invalid JSON ({error.msg} at column {error.colno}).") from None
            except RecursionError:
                raise LineError("its JSON is nested too deeply.") from None
            try:
                parsed = parse_line(raw, images)
            except ValueError as error:
                # A value the standard library refuses (urlsplit's "Invalid IPv6 URL" …).
                raise LineError(f"a value could not be read ({error}).") from None
            identity = (parsed.source_system, parsed.source_id)
            if identity in first_lines:
                # Two lines for one article would overwrite each other on every run.
                raise LineError(
                    f"it has the same source ({parsed.source_system}, {parsed.source_id}) as "
                    f"line {first_lines[identity]}."
                )
            first_lines[identity] = number
            try:
                outcome = write_line(parsed, images)
            except DatabaseError as error:
                # The line's transaction is rolled back; the database said what it refused.
                raise LineError(f"the database refused it ({error}).".replace("\n", " ")) from None
        except LineError as error:
            result.failed += 1
            result.errors.append((number, str(error)))
            if report:
                report(number, "failed", str(error))
            continue
        setattr(result, outcome, getattr(result, outcome) + 1)
        if report:
            report(number, outcome, "")
    link_pending_related()
    return result
