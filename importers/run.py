"""What every importer shares: the run's tally, its transactions, its messages and its outputs.

An `ImportRun` is handed to the writers (`importers.write`, `importers.interchange`). It
decides how much is written and when:

- Normally each item is written in a transaction of its own (the writers group items into
  batches and replay a failed batch item by item, so one bad item costs only itself).
- `--dry-run` runs everything inside one transaction that is rolled back at the end, and no
  file is copied into media storage: the report is the one a real run would give, and the
  database is left as it was.
- `--strict` runs everything inside one transaction and stops at the first failure, which
  rolls the whole run back: all or nothing.

Every item ends in one outcome per kind (created, updated, unchanged, skipped, failed, and
for authors whose profile an editor changed, kept); the final summary counts them, failures
are reported with where they are and why, and the old addresses that now redirect are
collected for `--redirect-map`.
"""

import csv
import sys
from collections import Counter, defaultdict
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from tqdm import tqdm

from newsroom import purging

OUTCOMES = ("created", "updated", "unchanged", "skipped", "failed")
# Outcomes only some kinds have, shown when they happen: "kept" is an author profile an editor
# has changed, which the import leaves as the editor made it (`importers.interchange.profiles`).
RARE_OUTCOMES = ("kept",)
# How often a run without a terminal says how far it has got.
PLAIN_PROGRESS_EVERY = 1000


class ItemFailed(Exception):
    """One item cannot be imported; the message says why, for the operator."""


class StrictStop(Exception):
    """The first failure of a --strict run: everything written so far is rolled back."""


class DryRunRollback(Exception):
    """Raised at the end of a dry run to roll back what it wrote."""


def describe_error(error):
    """A one-line account of a validation or database error."""
    if isinstance(error, ValidationError):
        if hasattr(error, "message_dict"):
            return "; ".join(
                f"{key}: {' '.join(messages)}" for key, messages in error.message_dict.items()
            )
        return " ".join(error.messages)
    return " ".join(str(error).split())


class ImportRun:
    """The state of one import: options, counts, problems and redirects."""

    def __init__(
        self, *, label, stdout=None, stderr=None, dry_run=False, strict=False, verbosity=1,
        progress=None,
    ):
        self.label = label  # e.g. "export.xml", used in messages
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.dry_run = dry_run
        self.strict = strict
        self.verbosity = verbosity
        self.tally = defaultdict(Counter)  # kind -> outcome -> number
        self.problems = []  # (kind, where, message)
        self.redirects = {}  # old URL -> new URL, in the order met
        self.items_seen = 0
        interactive = progress if progress is not None else _is_terminal(self.stdout)
        # tqdm draws with carriage returns, so it gets the raw stream (a command's OutputWrapper
        # would end every redraw with a newline).
        raw = getattr(self.stdout, "_out", self.stdout)
        self.bar = tqdm(unit=" items", file=raw, leave=False) if interactive else None

    # Counting and reporting ---------------------------------------------------------------

    def count(self, kind, outcome, number=1):
        self.tally[kind][outcome] += number

    def advance(self, number=1):
        """Some items of the source have been dealt with (for the progress display)."""
        self.items_seen += number
        if self.bar is not None:
            self.bar.update(number)
        elif self.verbosity and self.items_seen // PLAIN_PROGRESS_EVERY != (
            self.items_seen - number
        ) // PLAIN_PROGRESS_EVERY:
            self.stdout.write(f"{self.label}: {self.items_seen:,} items read\n")

    def _say(self, stream, message):
        if self.bar is not None:
            self.bar.clear()
        stream.write(message + "\n")
        if self.bar is not None:
            self.bar.refresh()

    def fail(self, kind, where, message):
        """An item failed: report it, count it, and under --strict stop the run."""
        self.count(kind, "failed")
        self.problems.append((kind, where, message))
        self._say(self.stderr, f"{self.label}, {where}: {message} ({kind} not imported)")
        if self.strict:
            raise StrictStop(f"{where}: {message}")

    def skip(self, kind, where, reason, number=1):
        self.count(kind, "skipped", number)
        if self.verbosity > 1:
            self._say(self.stdout, f"{self.label}, {where}: {kind} skipped: {reason}")

    def note(self, where, message):
        """Something an item lost on the way in (a removed shortcode …), shown with -v 2."""
        if self.verbosity > 1:
            self._say(self.stdout, f"{self.label}, {where}: {message}")

    def redirect(self, old_url, new_url):
        self.redirects[old_url] = new_url

    @property
    def failed(self):
        return sum(outcomes["failed"] for outcomes in self.tally.values())

    def summary_lines(self):
        lines = []
        for kind, outcomes in self.tally.items():
            shown = [*OUTCOMES, *(outcome for outcome in RARE_OUTCOMES if outcomes[outcome])]
            counts = ", ".join(f"{outcomes[outcome]} {outcome}" for outcome in shown)
            lines.append(f"  {kind}: {counts}")
        return lines

    def finish(self):
        """Close the progress bar and write the summary."""
        if self.bar is not None:
            self.bar.close()
        heading = "Dry run of" if self.dry_run else "Imported"
        self.stdout.write(f"{heading} {self.label}:\n")
        for line in self.summary_lines() or ["  nothing to import"]:
            self.stdout.write(line + "\n")
        if self.dry_run:
            self.stdout.write("Dry run: nothing was written.\n")

    def write_redirect_map(self, path):
        """Write the old -> new addresses as CSV (old_url,new_url), for the web server or CDN."""
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["old_url", "new_url"])
            writer.writerows(self.redirects.items())

    # Transactions ------------------------------------------------------------------------

    @contextmanager
    def writing(self):
        """The run's outer transaction: none normally, one for --strict, one rolled back for
        --dry-run. Inside it, the run's edge purges are gathered into one, queued at its end
        (newsroom.purging.batch): inside the transaction, so a dry run queues none."""
        if not (self.dry_run or self.strict):
            with purging.batch():
                yield
            return
        try:
            with transaction.atomic(), purging.batch():
                yield
                if self.dry_run:
                    raise DryRunRollback
        except DryRunRollback:
            pass

    @contextmanager
    def item(self, kind, where):
        """Write one item in its own transaction; a failure is reported and the run goes on."""
        try:
            with transaction.atomic():
                yield
        except ItemFailed as error:
            self.fail(kind, where, str(error))
        except (ValidationError, DatabaseError) as error:
            self.fail(kind, where, describe_error(error))


def _is_terminal(stream):
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
