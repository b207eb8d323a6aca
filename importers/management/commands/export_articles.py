import json
from pathlib import Path

from django.core.management.base import BaseCommand

from importers.interchange.export import ImageExporter, export_article, export_queryset


class Command(BaseCommand):
    help = (
        "Export every article as JSON Lines in the interchange format. With --output, images are "
        "copied into an images/ folder beside the file, so the export imports anywhere."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="Write to this .jsonl file (and its images/ folder) instead of standard output, "
            "where images are named by their public address.",
        )

    def handle(self, *args, output=None, **options):
        if output:
            path = Path(output)
            path.parent.mkdir(parents=True, exist_ok=True)
            images = ImageExporter(path.parent)
            with path.open("w", encoding="utf-8") as handle:
                count = self.write_all(handle.write, images)
            self.stdout.write(f"Exported {count} articles to {path}.")
        else:
            self.write_all(lambda line: self.stdout.write(line, ending=""), ImageExporter())

    def write_all(self, write, images):
        count = 0
        for article in export_queryset().iterator(chunk_size=500):
            write(json.dumps(export_article(article, images), ensure_ascii=False) + "\n")
            count += 1
        return count
