import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from importers.brands import UnknownBrand, brand_for_host
from importers.interchange.export import ImageExporter, export_article, export_queryset


class Command(BaseCommand):
    help = (
        "Export every article (or one brand's, with --brand) as JSON Lines in the interchange "
        "format. With --output, images are copied into an images/ folder beside the file, so "
        "the export imports anywhere. Each line names its article's brand."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="Write to this .jsonl file (and its images/ folder) instead of standard output, "
            "where images are named by their public address.",
        )
        parser.add_argument(
            "--brand",
            metavar="HOST",
            help="Export only the articles of this brand, named by its primary host name (its "
            "domain under Sites in the admin, exactly as stored).",
        )
        parser.add_argument(
            "--with-syndicated",
            action="store_true",
            help="With --brand, also export the articles other brands syndicate to it (their "
            "lines still name their own brand, which they import to).",
        )

    def handle(self, *args, output=None, brand=None, with_syndicated=False, **options):
        if with_syndicated and not brand:
            raise CommandError("--with-syndicated needs --brand.")
        if brand:
            try:
                brand = brand_for_host(brand)
            except UnknownBrand as error:
                raise CommandError(f"--brand: {error} Nothing was exported.") from None
        articles = export_queryset(brand, syndicated=with_syndicated)
        if output:
            path = Path(output)
            path.parent.mkdir(parents=True, exist_ok=True)
            images = ImageExporter(path.parent)
            with path.open("w", encoding="utf-8") as handle:
                count = self.write_all(articles, handle.write, images)
            self.stdout.write(f"Exported {count} articles to {path}.")
        else:
            self.write_all(
                articles, lambda line: self.stdout.write(line, ending=""), ImageExporter()
            )

    def write_all(self, articles, write, images):
        count = 0
        for article in articles.iterator(chunk_size=500):
            write(json.dumps(export_article(article, images), ensure_ascii=False) + "\n")
            count += 1
        return count
