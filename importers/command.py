"""The options and the ending every import command shares (import_articles, import_wordpress,
import_feed)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from importers.brands import UnknownBrand, brand_for_host
from importers.records import SourceRefused
from importers.run import ImportRun, StrictStop


class ImportCommand(BaseCommand):
    """A management command that reads a source and writes it through an `ImportRun`.

    Subclasses implement `load(source, options)`, which checks the source (raising
    `SourceRefused` before anything is written) and returns `(label, write)`, where
    `write(run)` writes the records. `options["brand"]` is then the brand (Site) `--brand`
    names, or None for the default brand.
    """

    # What `--brand HOST` means for this command's items.
    brand_help = (
        "The brand the imported articles belong to, named by its primary host name (its "
        "domain under Sites in the admin, exactly as stored; default: the default brand)."
    )

    # What `--source NAME` means for this command's files.
    source_help = "The source system name that keys imported items (default: from the file)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read everything and report what would change, writing nothing.",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Stop at the first item that fails, with nothing written.",
        )
        parser.add_argument(
            "--redirect-map",
            metavar="FILE",
            help="Write every old address and its new one to FILE as CSV (old_url,new_url).",
        )
        parser.add_argument(
            "--source",
            dest="source_system",
            metavar="NAME",
            help=self.source_help,
        )
        parser.add_argument("--brand", metavar="HOST", help=self.brand_help)

    def load(self, source, options):
        raise NotImplementedError

    def handle(self, *args, source, **options):
        if options.get("brand"):
            try:  # before the source is read or anything written
                options["brand"] = brand_for_host(options["brand"])
            except UnknownBrand as error:
                raise CommandError(f"--brand: {error} Nothing was imported.") from None
        try:
            label, write = self.load(source, options)
        except SourceRefused as error:
            raise CommandError(f"{Path(source).name}: {error} Nothing was imported.") from None
        run = ImportRun(
            label=label,
            stdout=self.stdout,
            stderr=self.stderr,
            dry_run=options["dry_run"],
            strict=options["strict"],
            verbosity=options["verbosity"],
        )
        try:
            with run.writing():
                write(run)
        except StrictStop as error:
            run.finish()
            raise CommandError(
                f"--strict: stopped at the first failure ({error}); nothing was written."
            ) from None
        except SourceRefused as error:
            run.finish()
            raise CommandError(f"{label}: {error}") from None
        run.finish()
        if options["redirect_map"] and run.dry_run:
            self.stdout.write(f"Dry run: {len(run.redirects)} old addresses would be mapped.")
        elif options["redirect_map"]:
            run.write_redirect_map(options["redirect_map"])
            self.stdout.write(
                f"Wrote {len(run.redirects)} old → new addresses to {options['redirect_map']}."
            )
        if run.failed:
            raise CommandError(f"{run.failed} item(s) failed; see the messages above.")
