from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import CommandError

from importers.command import ImportCommand
from importers.media import MediaImporter
from importers.pages import PageWriter
from importers.records import Media, Person, Skipped, Term
from importers.wordpress import open_wxr
from importers.wp_dispatch import write_content
from importers.write import ArticleWriter


class Command(ImportCommand):
    help = (
        "Import a WordPress export (WXR 1.0, 1.1 or 1.2): posts become articles, attachments "
        "join the media library, published pages become site pages, and every old permalink "
        "redirects to its new address. Re-importing is safe: items are matched on their "
        "WordPress ids."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="EXPORT.xml", help="The WXR file WordPress wrote.")
        parser.add_argument(
            "--uploads",
            metavar="DIR",
            help="A local copy of the site's wp-content/uploads folder, where attachment "
            "files are read from (matched by their address).",
        )
        parser.add_argument(
            "--fetch-media",
            action="store_true",
            help="Without --uploads, download attachment files from their addresses "
            "(public addresses only, with time and size limits).",
        )
        parser.add_argument(
            "--section",
            metavar="NAME",
            help="Put every post in this section; each post's first category then becomes "
            "one of its topics (default: the first category is the section).",
        )
        parser.add_argument(
            "--timezone",
            default="UTC",
            help="The WordPress site's time zone, for posts without a GMT date (default UTC).",
        )
        super().add_arguments(parser)

    def load(self, source, options):
        path = Path(source)
        if not path.is_file():
            raise CommandError(f"{source}: no such file.")
        if options["uploads"] and not Path(options["uploads"]).is_dir():
            raise CommandError(f"--uploads {options['uploads']}: no such folder.")
        export = open_wxr(path, timezone=options["timezone"])
        export.check()  # the whole file, before anything is written
        host = urlsplit(export.site_url).hostname or "unknown"
        source_system = (options["source_system"] or f"wordpress:{host}")[:50]

        def write(run):
            media = MediaImporter(
                run,
                source_system=source_system,
                uploads_dir=options["uploads"],
                fetch_media=options["fetch_media"],
            )
            articles = ArticleWriter(
                run,
                source_system=source_system,
                source_label=f"WordPress export {path.name}",
                media=media,
                section=options["section"] or "",
                brand=options.get("brand"),
            )
            pages = PageWriter(run, site=options.get("brand"))
            # First what posts refer to: authors, categories and tags, attachments (which
            # WordPress often writes after the posts that show them).
            persons, terms = [], []
            for record in export.records("library"):
                if isinstance(record, Person):
                    persons.append(record)
                elif isinstance(record, Term):
                    terms.append(record)
                elif isinstance(record, Media):
                    media.add(record)
                    run.advance()
                elif isinstance(record, Skipped):
                    run.skip(record.kind, record.where, record.reason, record.count)
            articles.people.ensure(persons)
            names = list(dict.fromkeys(" ".join(term.name.split()) for term in terms))
            articles.topics.ensure(
                [name for name in names if name],
                descriptions={term.name: term.description for term in terms},
            )
            content = export.records("content", known=articles.known_unchanged)
            write_content(content, run=run, articles=articles, pages=pages)

        return path.name, write
