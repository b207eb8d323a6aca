"""One poll of a feed subscription: claimed, fetched conditionally, imported, recorded.

`poll(subscription_id)` is the whole of it, and safe to run twice (the import upserts on each
entry's id; a second poll of an unchanged feed is a 304). What it promises:

- One poll of a subscription at a time: `claim` takes the subscription with one conditional
  UPDATE (a lease, `polling_until`), so a second worker, or "Poll now" during a scheduled
  poll, finds it taken and does nothing. A worker killed mid-poll leaves the lease to expire.
- The request carries the stored ETag and Last-Modified. A 304 is a success that imports
  nothing; a 200 goes through `importers.feed_import`, the code `import_feed` runs, with all
  its safeguards: public addresses only, size and time limits, hostile XML refused.
- Expected failures (the network, the server's answer, a refused address or file) are
  recorded on the subscription in plain words and push the next poll back: the interval
  doubled per failure in a row, at most `MAX_BACKOFF` (or the interval, when longer). They
  are not raised: the subscription's own schedule is the retry. A success resets the count.
- Anything else (a bug, the database) is recorded the same way and then raised, so the task's
  failure is kept where operators look (jobs.FailedTask).
"""

import io
import logging
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from importers.download import DownloadError
from importers.feed_import import DEFAULT_SECTION, fetch_feed, load_feed
from importers.records import SourceRefused
from importers.run import ImportRun
from importers.subscriptions.models import FeedSubscription, free_to_poll

logger = logging.getLogger(__name__)

# Longer than a poll can take (a 15 s fetch, then an import of at most 20 MB of feed, with its
# pictures when asked): a lease older than this belongs to a worker that died.
LEASE = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=6)


class PollFailed(Exception):
    """A poll failed for a reason outside our control; the message says why, for the desk."""


def claim(subscription_id, now=None):
    """Take the subscription for one poll; returns it, or None when it is gone or another poll
    holds it. One UPDATE, so two workers racing for it cannot both win."""
    now = now or timezone.now()
    taken = FeedSubscription.objects.filter(free_to_poll(now), pk=subscription_id).update(
        polling_until=now + LEASE
    )
    # .first(): an editor may delete it in between; there is nothing to poll then.
    return FeedSubscription.objects.filter(pk=subscription_id).first() if taken else None


def backoff(interval, failures):
    """How long the feed waits after `failures` failed polls in a row: the interval doubled
    per failure, at most MAX_BACKOFF (or the interval itself, when that is longer)."""
    longest = max(MAX_BACKOFF, interval)
    # Past 2**16 the cap has long been reached; the bound keeps the product a sane number.
    return min(interval * 2 ** min(failures, 16), longest)


def poll(subscription_id):
    """Poll one subscription (see the module's docstring). Returns what happened in a few
    words ("imported", "not modified", "failed", "busy"), for the task's log."""
    subscription = claim(subscription_id)
    if subscription is None:
        return "busy"
    try:
        outcome = _fetch_and_import(subscription)
    except PollFailed as error:
        _record_failure(subscription, str(error))
        return "failed"
    except Exception as error:
        _record_failure(
            subscription,
            f"The poll stopped on an unexpected error ({type(error).__name__}: {error}); "
            "operators will find it under Background work → Failed tasks.",
        )
        raise
    return outcome


def _fetch_and_import(subscription):
    try:
        download = fetch_feed(
            subscription.url, etag=subscription.etag, last_modified=subscription.last_modified
        )
    except DownloadError as error:
        raise PollFailed(f"{error} Nothing was imported.") from None
    if download.not_modified:
        _record_success(
            subscription,
            taken=0,
            report="The feed had not changed since the last poll (304 Not Modified).",
            etag=download.etag or subscription.etag,
            last_modified=download.last_modified or subscription.last_modified,
        )
        return "not modified"

    try:
        label, write = load_feed(
            download.data,
            source=subscription.url,
            section=subscription.section.name if subscription.section else DEFAULT_SECTION,
            fetch_media=subscription.fetch_media,
            source_system=subscription.source_name,
        )
    except SourceRefused as error:
        raise PollFailed(f"{subscription.url}: {error} Nothing was imported.") from None
    out, err = io.StringIO(), io.StringIO()
    run = ImportRun(label=label, stdout=out, stderr=err, progress=False)
    try:
        with run.writing():
            write(run)
    except SourceRefused as error:
        raise PollFailed(f"{label}: {error}") from None
    finally:
        run.finish()
    entries = run.tally["entry"]
    # An entry that failed is tried again at the next poll only if the feed is fetched whole:
    # keep no validators then (the unchanged entries cost one query per batch).
    keep_validators = not run.failed
    _record_success(
        subscription,
        taken=entries["created"] + entries["updated"],
        report=(out.getvalue() + err.getvalue()).strip(),
        etag=download.etag if keep_validators else "",
        last_modified=download.last_modified if keep_validators else "",
    )
    return "imported"


def _record_success(subscription, *, taken, report, etag, last_modified):
    now = timezone.now()
    FeedSubscription.objects.filter(pk=subscription.pk).update(
        last_polled_at=now,
        last_success_at=now,
        consecutive_failures=0,
        next_poll_at=now + subscription.interval,
        items_taken_last=taken,
        items_taken_total=F("items_taken_total") + taken,
        last_report=report,
        etag=etag,
        last_modified=last_modified,
        polling_until=None,
    )


def _record_failure(subscription, message):
    """Note the failure, push the next poll back, and let go of the subscription. Only the
    status fields are written: an editor saving the form meanwhile keeps their changes."""
    now = timezone.now()
    failures = subscription.consecutive_failures + 1
    logger.warning("Feed subscription %s failed (%d in a row): %s",
                   subscription.pk, failures, message)
    FeedSubscription.objects.filter(pk=subscription.pk).update(
        last_polled_at=now,
        last_error=message,
        last_error_at=now,
        consecutive_failures=failures,
        next_poll_at=now + backoff(subscription.interval, failures),
        items_taken_last=0,
        polling_until=None,
    )
