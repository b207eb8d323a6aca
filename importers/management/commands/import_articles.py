from pathlib import Path

from django.core.management.base import CommandError

from articles.text import clean_text
from importers.command import ImportCommand
from importers.interchange.lines import LineImporter
from importers.interchange.reading import DEFAULT_SOURCE_SYSTEM, SOURCE_SYSTEM_MAX


class Command(ImportCommand):
    help = (
        "Import articles from a JSON Lines file in the interchange format "
        "(docs/interchange-format.md). Re-importing is safe: articles are matched on their "
        "source identity. A bad line is reported and skipped; the others are imported."
    )
    source_help = (
        f"The source system of lines whose `source` names none (default: {DEFAULT_SOURCE_SYSTEM})."
    )
    brand_help = (
        "The brand of lines whose `brand` key names none, by its primary host name (its domain "
        "under Sites in the admin, exactly as stored; default: the default brand). A line's own "
        "`brand` wins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source",
            metavar="FILE",
            help="The .jsonl file; image paths are relative to its folder.",
        )
        super().add_arguments(parser)

    def load(self, source, options):
        path = Path(source)
        if not path.is_file():
            raise CommandError(f"{source}: no such file.")
        source_system = clean_text(options["source_system"] or "") or DEFAULT_SOURCE_SYSTEM
        if len(source_system) > SOURCE_SYSTEM_MAX:
            raise CommandError(f"--source is longer than {SOURCE_SYSTEM_MAX} characters.")

        def write(run):
            importer = LineImporter(
                run,
                path.parent,
                label=path.name,
                source_system=source_system,
                brand=options.get("brand"),
                allowed_brands=options.get("allowed_brands"),
            )
            # Read as bytes and decode line by line, so one badly encoded line is reported and
            # skipped like any other bad line.
            with path.open("rb") as lines:
                importer.import_lines(lines)

        return path.name, write
