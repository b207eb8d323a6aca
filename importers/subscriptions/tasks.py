"""The feed subscriptions' tasks: the scheduler's minute tick, and one poll.

`importers.poll_due_feeds` runs every minute from the scheduler (the periodic task "Poll due
feed subscriptions", made by the migration and editable in the admin). It queues a poll of each
subscription whose time has come and pushes that subscription's next poll time one lease ahead,
so that the next tick does not queue it again while it waits for a worker; the poll itself sets
the real next time when it ends.
"""

from django.db import transaction
from django.utils import timezone

from importers.subscriptions.models import FeedSubscription
from importers.subscriptions.polling import LEASE, poll
from jobs.outbox import enqueue
from jobs.tasks import job


# No retries: a poll's expected failures are recorded on the subscription and retried on its
# own schedule, with backoff; what is left (a bug) is recorded at once in jobs.FailedTask.
@job(name="importers.poll_due_feeds", max_retries=0)
def poll_due_feeds():
    """Queue a poll of every subscription due now; returns how many."""
    now = timezone.now()
    with transaction.atomic():
        # SKIP LOCKED (PostgreSQL): two ticks running at once never queue the same feed.
        due = list(
            FeedSubscription.objects.due(now)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        FeedSubscription.objects.filter(pk__in=due).update(next_poll_at=now + LEASE)
        for subscription_id in due:
            enqueue("importers.poll_feed", subscription_id)
    return len(due)


@job(name="importers.poll_feed", max_retries=0)
def poll_feed(subscription_id):
    """Poll one subscription now (importers.subscriptions.polling.poll)."""
    return poll(subscription_id)


def queue_poll(subscription_id):
    """Queue a poll of one subscription now, after the caller's transaction commits ("Poll
    now"). Importing this module is what registers the tasks in a web process, where they run
    at once when there is no broker."""
    return enqueue("importers.poll_feed", subscription_id)
