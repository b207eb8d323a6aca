"""`manage.py publish_due`: the side effects of scheduled articles becoming public."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles.tasks import handle_due
from newsroom.templatetags.newsroom import dateline


class Command(BaseCommand):
    help = (
        "Run the side effects of publication for articles whose publication time passed in the "
        "last --since minutes and that were not handled yet: retire cached page fragments and "
        "send articles.workflow.publication_due for each, which a deployment connects "
        "receivers to. Each article's are done once per publication time, whoever runs this: "
        "the worker's scheduler does every minute (the articles.publish_due task), so this is "
        "for a catch-up by hand. Scheduled articles become public on time without it (the "
        "public pages compare their time with now)."
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
        # The scheduler's own function (articles.tasks), so a run by hand and the scheduler's
        # never both handle an article.
        due = handle_due(since=timedelta(minutes=since), now=timezone.now())
        for article in due:
            self.stdout.write(
                f"{dateline(article.published_at)}  {article.get_absolute_url()}  "
                f"{article.headline}"
            )
        noun = "article" if len(due) == 1 else "articles"
        self.stdout.write(
            f"Handled {len(due)} {noun} that became public in the last {since} minutes."
        )
