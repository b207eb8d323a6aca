from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from importers.interchange.lines import import_lines


class Command(BaseCommand):
    help = (
        "Import articles from a JSON Lines file in the interchange format "
        "(docs/interchange-format.md). "
        "Re-importing is safe: articles are matched on their source identity."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .jsonl file; image paths are relative to its folder.")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        progress = self.stdout.isatty()

        def report(number, outcome, message):
            if outcome == "failed":
                if progress:
                    self.stdout.write("")
                self.stderr.write(f"{path.name}, line {number}: {message} (line skipped)")
            elif progress:
                self.stdout.write(f"\rline {number}: {outcome}   ", ending="")
            elif options["verbosity"] > 1:
                self.stdout.write(f"line {number}: {outcome}")

        # Read as bytes and decode line by line, so one badly encoded line is reported and
        # skipped like any other bad line.
        with path.open("rb") as lines:
            result = import_lines(lines, path.parent, report=report)
        if progress:
            self.stdout.write("")
        self.stdout.write(f"Imported {path.name}: {result.summary()}")
        if result.failed:
            raise CommandError(f"{result.failed} line(s) failed; see the messages above.")
