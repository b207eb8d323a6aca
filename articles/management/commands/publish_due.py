"""`manage.py publish_due`: the side effects of scheduled articles becoming public."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles.models import Article
from articles.workflow import come_due
from newsroom.templatetags.newsroom import dateline


class Command(BaseCommand):
    help = (
        "Run the side effects of publication for articles whose publication time passed in the "
        "last --since minutes: retire cached page fragments and send "
        "articles.workflow.publication_due for each, which a deployment connects receivers to. "
        "Scheduled articles become public on time without it (the public pages compare their "
        "time with now); run it every few minutes, with a window a little longer than the "
        "interval. Safe to run again over the same window."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            type=int,
            default=10,
            metavar="MINUTES",
            help="How far back to look for articles that became public (default 10).",
        )

    def handle(self, *args, since, **options):
        if since < 1:
            raise CommandError("--since takes a whole number of minutes, at least 1.")
        now = timezone.now()
        due = list(
            Article.objects.published(now=now)
            .filter(published_at__gt=now - timedelta(minutes=since))
            .select_related("section")
            .defer("body", "search_vector")
            .order_by("published_at", "pk")
        )
        # The side effects of becoming public, the one way (see `workflow.come_due`).
        come_due(due)
        for article in due:
            self.stdout.write(
                f"{dateline(article.published_at)}  {article.get_absolute_url()}  "
                f"{article.headline}"
            )
        noun = "article" if len(due) == 1 else "articles"
        self.stdout.write(f"{len(due)} {noun} became public in the last {since} minutes.")
