"""Importing a JSONL file through the import engine: each line decoded, parsed and written as
one item of an `ImportRun` (its transaction, its outcome, its message when it fails).

The line-level safeguards come first, before anything is written: each line is decoded as
UTF-8 on its own (a badly encoded line is reported like any bad line), JSON errors and JSON
nested too deeply are reported with the line, and a second line giving a source identity an
earlier line gave fails (two lines for one article would overwrite each other on every run).
"""

import json

from articles.text import clean_tree
from importers.interchange.images import ImageStore
from importers.interchange.reading import DEFAULT_SOURCE_SYSTEM, LineError, parse_line
from importers.interchange.writing import LineWriter, link_pending_related
from importers.run import StrictStop

KIND = "article"  # what the run counts a line as


def decode(line, number):
    """One line's bytes (or text) as a JSON value with control characters removed."""
    try:
        text = (
            line.decode("utf-8-sig" if number == 1 else "utf-8")
            if isinstance(line, bytes)
            else line
        )
    except UnicodeDecodeError as error:
        raise LineError(f"not UTF-8 text (byte {error.start + 1} of the line).") from None
    try:
        return clean_tree(json.loads(text))
    except json.JSONDecodeError as error:
        raise LineError(f"invalid JSON ({error.msg} at column {error.colno}).") from None
    except RecursionError:
        raise LineError("its JSON is nested too deeply.") from None


class LineImporter:
    """Reads lines into a run: `import_lines` is the whole file, `line` one line of it."""

    def __init__(self, run, base_dir, *, label, source_system=DEFAULT_SOURCE_SYSTEM):
        self.run = run
        self.images = ImageStore(base_dir, dry_run=run.dry_run)
        self.writer = LineWriter(run, self.images, label=label)
        self.source_system = source_system
        self.first_lines = {}  # source identity -> the number of the line that gave it

    def import_lines(self, lines):
        """Every line of `lines` (bytes or text), then related links to later lines."""
        try:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    self.line(number, line)
            link_pending_related()
        except StrictStop:
            self.images.discard()  # the run is rolled back: so are its files
            raise
        self.images.keep()

    def line(self, number, line):
        where = f"line {number}"
        failed = self.run.failed
        with self.run.item(KIND, where):
            outcome = self.writer.write(self.parse(number, line))
            self.run.note(where, f"{KIND} {outcome}")
        if self.run.failed > failed:
            self.images.discard()  # what the failed line stored
        elif not self.run.strict:  # under --strict, a later failure rolls this line back
            self.images.keep()
        self.run.advance()

    def parse(self, number, line):
        try:
            parsed = parse_line(
                decode(line, number), self.images, default_system=self.source_system
            )
        except ValueError as error:
            # A value the standard library refuses (urlsplit's "Invalid IPv6 URL" …).
            raise LineError(f"a value could not be read ({error}).") from None
        identity = (parsed.source_system, parsed.source_id)
        if identity in self.first_lines:
            raise LineError(
                f"it has the same source ({parsed.source_system}, {parsed.source_id}) as "
                f"line {self.first_lines[identity]}."
            )
        self.first_lines[identity] = number
        return parsed
