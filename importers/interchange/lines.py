"""Importing a JSONL file through the import engine: lines decoded and parsed one by one, then
written in batches by `LineWriter` (`importers.interchange.writing`).

The line-level safeguards come first, before anything is written: each line is decoded as
UTF-8 on its own (a badly encoded line is reported like any bad line), JSON errors and JSON
nested too deeply are reported with the line, and a second line giving a source identity an
earlier line gave fails (two lines for one article would overwrite each other on every run).

A re-run need not read what it imported before: each line that names its source id gets a
digest of its bytes and of the picture files it names (`digest`); before a batch of lines is
parsed, two queries find those whose article was imported from that very digest
(`importers.digests`), and they are counted unchanged without being parsed. A line whose
pictures cannot be told without parsing it gets no digest, and is read as before.
"""

import hashlib
import json
from collections import Counter
from functools import cache
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

from articles.text import clean_tree
from importers.brands import Brands, UnknownBrand, is_default
from importers.interchange.images import ImageStore
from importers.interchange.reading import (
    DEFAULT_SOURCE_SYSTEM,
    SOURCE_ID_MAX,
    SOURCE_SYSTEM_MAX,
    LineError,
    identity_of,
    parse_line,
)
from importers.interchange.writing import KIND, LineEntry, LineWriter, link_pending_related
from importers.prepare import BATCH_SIZE, image_sources
from importers.records import Unchanged, code_digest
from importers.run import ItemFailed, StrictStop, describe_error

# The code a line's digest depends on: a change to how lines are read reads them all again.
READER_MODULES = ("importers.interchange.lines", "importers.interchange.reading")


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


@cache
def reader_version():
    """A digest of the line reader's code (READER_MODULES): part of every line's digest."""
    return code_digest(READER_MODULES)


class LineImporter:
    """Reads lines into a run: `import_lines` is the whole file, `write_lines` some of it."""

    def __init__(
        self, run, base_dir, *, label, source_system=DEFAULT_SOURCE_SYSTEM, brand=None,
        allowed_brands=None,
    ):
        self.run = run
        self.images = ImageStore(base_dir, dry_run=run.dry_run)
        self.writer = LineWriter(
            run, self.images, label=label, source_system=source_system, brand=brand
        )
        self.source_system = source_system
        # The brand of lines naming none (`--brand`), as a line's digest holds it.
        self.brand_key = "" if is_default(brand) else f"brand:{brand.pk}"
        # The install's brands, read once, for lines naming one; `allowed_brands`: the ids of
        # those the person importing works on (None: any, as the commands act as the system).
        self.brands = Brands(allowed_brands)
        self.first_lines = {}  # source identity -> the number of the line that gave it
        self.file_digests = {}  # picture file -> digest of its bytes, for lines' digests

    def import_lines(self, lines):
        """Every line of `lines` (bytes or text), then related links to later lines."""
        try:
            self.write_lines(enumerate(lines, start=1))
            link_pending_related()
        except StrictStop:
            self.images.discard()  # the run is rolled back: so are its files
            raise
        self.images.keep()

    def write_lines(self, numbered):
        """Write [(number, line)], a batch at a time; all written when it returns."""
        chunk = []
        for number, line in numbered:
            if line.strip():
                chunk.append((number, line))
            if len(chunk) == BATCH_SIZE:
                self._chunk(chunk)
                chunk = []
        self._chunk(chunk)
        self.writer.flush()

    def _chunk(self, lines):
        """Lines found unchanged by their digest are passed over; the others are parsed."""
        digested = {number: self.digest(number, line) for number, line in lines}
        # A source given twice in the file, or in these lines, is parsed (and reported).
        given = Counter(found[0] for found in digested.values() if found)
        wanted = {}  # system -> {source id: digest}
        for found in digested.values():
            if found and given[found[0]] == 1 and found[0] not in self.first_lines:
                (system, source_id), digest = found
                wanted.setdefault(system, {})[source_id] = digest
        known = {
            (system, source_id)
            for system, by_source in wanted.items()
            for source_id in self.writer.unchanged_sources(by_source, source_system=system)
        }
        for number, line in lines:
            found = digested[number]
            if found and found[0] in known:
                self.first_lines[found[0]] = number
                self.writer.add(
                    Unchanged(
                        kind=KIND,
                        source_id=found[0][1],
                        where=f"line {number}",
                        old_urls=[],
                        digest=found[1],
                    )
                )
            else:
                self.line(number, line, digest=found[1] if found else "")

    def line(self, number, line, *, digest=""):
        """Parse one line and hand it to the writer (a bad one is reported now)."""
        where = f"line {number}"
        try:
            parsed = self.parse(number, line)
        except ItemFailed as error:
            self.run.fail(KIND, where, str(error))
        except ValidationError as error:
            self.run.fail(KIND, where, describe_error(error))
        else:
            self.writer.add(
                LineEntry(where=where, line=parsed, digest=digest, brand=self.brand_of(parsed))
            )
            return
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
        self.brand_of(parsed)  # a brand that is none of the install's fails the line
        self.first_lines[identity] = number
        return parsed

    def brand_of(self, parsed):
        """The brand (Site) the line's `brand` key names; None when it names none (the
        run's brand). Raises `LineError` for a name that is no brand of this install."""
        if not parsed.brand:
            return None
        try:
            return self.brands.named(parsed.brand)
        except UnknownBrand as error:
            raise LineError(str(error)) from None

    def digest(self, number, line):
        """((source system, source id), digest) of a line naming its source id, taken
        without parsing it: its bytes, the picture files it names, the default source
        system, the brand of lines naming none (`--brand`) and the reader's code. None when
        that cannot be told so (the line is read).
        """
        if isinstance(line, str):
            line = line.encode()
        try:
            record = json.loads(line.decode("utf-8-sig" if number == 1 else "utf-8"))
            source = record.get("source")
            if not isinstance(source, dict):
                return None
            source_id = identity_of(source, "id", SOURCE_ID_MAX)
            system = identity_of(source, "system", SOURCE_SYSTEM_MAX) or self.source_system
            pictures = self._pictures(record)
        except (ValueError, RecursionError, AttributeError, TypeError, OSError, LineError):
            return None  # whatever is wrong, the line is read and reported as before
        if not source_id or pictures is None:
            return None
        digest = hashlib.sha256(
            f"{reader_version()}|{self.source_system}|{self.brand_key}|".encode()
        )
        digest.update(line.rstrip(b"\r\n"))
        digest.update("|".join(sorted(pictures)).encode())
        return (system, source_id), digest.hexdigest()

    def _pictures(self, record):
        """The digests of the picture files a decoded line names, or None when one cannot
        be found or told without parsing the line."""
        body = record.get("body_html")
        sources = image_sources(body, every=True) if isinstance(body, str) else []
        if sources is None:
            return None
        sources = [src for src in sources if urlsplit(src).scheme not in {"http", "https"}]
        featured = record.get("featured_image")
        if featured:
            sources.append(featured.get("src"))
        for author in record.get("authors") or []:
            if author.get("photo"):
                sources.append(author["photo"])
        digests = []
        for src in sources:
            try:
                path = self.images.local_path(src, "a picture")
            except LineError:
                return None
            if path not in self.file_digests:
                with path.open("rb") as handle:
                    self.file_digests[path] = hashlib.file_digest(handle, "sha256").hexdigest()
            digests.append(self.file_digests[path])
        return digests
