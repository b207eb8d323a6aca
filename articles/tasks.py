"""The articles app's background work: scheduled publishing's side effects, at the minute.

A scheduled article becomes public by itself when its time comes (the public rule compares
`published_at` with now). What needs doing then, the cached fragments retired and
`publication_due` sent for its receivers (`workflow.come_due`), is done by `handle_due`, which
the worker's scheduler runs at the start of every minute (`articles.publish_due`,
CELERY_BEAT_SCHEDULE) and `manage.py publish_due` runs by hand.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from articles.models import Article, HandledPublication
from articles.workflow import come_due
from jobs.tasks import job

# How far back the scheduler looks. An article whose time came while no scheduler ran (a
# deploy, an outage) still gets its side effects when one runs again within this long; older
# publication times are the archive (an import of last year's stories), never announced.
CATCH_UP = timedelta(hours=24)


def handle_due(*, since=CATCH_UP, now=None):
    """Do the side effects of every article that became public in the `since` before `now`
    and whose publication at that time was not handled yet; returns those articles, oldest
    first (their sections loaded).

    Exactly once per article and publication time (`HandledPublication`), however often it
    runs and however many run at once: the articles are locked (SELECT … FOR UPDATE SKIP
    LOCKED on PostgreSQL; another run skips them), checked again once locked, and marked in
    the same transaction that sends `publication_due`. A receiver that raises rolls it all
    back, to be tried again at the next run; receivers should queue their work with
    `jobs.outbox.enqueue`, which then happens exactly once too.
    """
    now = timezone.now() if now is None else now
    handled = HandledPublication.objects.filter(
        article=OuterRef("pk"),
        published_at=OuterRef("published_at"),
        # Implied by the line above; said so that the index's range is only the window.
        published_at__gt=now - since,
    )
    with transaction.atomic():
        candidates = list(
            Article.objects.published(None, now=now)
            .filter(published_at__gt=now - since)
            .exclude(Exists(handled))
            .select_related("section")
            .defer("body", "body_rendered", "search_vector")
            .order_by("published_at", "pk")
            .select_for_update(skip_locked=True, of=("self",))
        )
        # A run that committed after this one's query began, but before the lock was taken,
        # is seen now: each statement reads what is committed when it starts.
        done = set(
            HandledPublication.objects.filter(article__in=candidates).values_list(
                "article_id", "published_at"
            )
        )
        due = [a for a in candidates if (a.pk, a.published_at) not in done]
        HandledPublication.objects.bulk_create(
            [HandledPublication(article=a, published_at=a.published_at) for a in due]
        )
        come_due(due, now=now)
    return due


@job(name="articles.publish_due", ignore_result=True)
def publish_due():
    """The scheduler's every-minute run of `handle_due`."""
    return len(handle_due())
