from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.changes import purge_articles
from articles.models import Article
from library.images import make_renditions


class Command(BaseCommand):
    help = (
        "Make the WebP renditions of every featured image that has none recorded yet (articles "
        "stored before renditions existed). Safe to run again: existing renditions are reused."
    )

    def handle(self, *args, **options):
        # Read in full before writing: SQLite gives no isolation between a cursor and updates
        # to the table it reads.
        pending = list(
            Article.objects.filter(featured_image_renditions=[])
            .exclude(featured_image="")
            .order_by("pk")
            .values_list("pk", "featured_image")
        )
        progress = self.stdout.isatty()
        widths_by_name, filled, left = {}, [], 0
        for number, (pk, name) in enumerate(pending, start=1):
            if name not in widths_by_name:  # articles may share a picture
                widths_by_name[name] = make_renditions(name)
            widths = widths_by_name[name]
            if widths:
                # `modified` moves because the page's markup does: caches and Last-Modified
                # follow it.
                Article.objects.filter(pk=pk).update(
                    featured_image_renditions=widths, modified=timezone.now()
                )
                filled.append(pk)
            else:
                left += 1
            if progress:
                self.stdout.write(f"\r{number}/{len(pending)}", ending="")
        if progress and pending:
            self.stdout.write("")
        purge_articles(filled)  # update() sends no signal
        self.stdout.write(
            f"{len(pending)} featured images without renditions: {len(filled)} given renditions, "
            f"{left} left as they are (missing, unreadable or animated files)."
        )
