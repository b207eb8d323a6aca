"""A partner's feed the site takes articles from, and how its polling is going."""

from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

MINIMUM_INTERVAL = 5  # minutes; more often is rude to the partner's server
MAXIMUM_INTERVAL = 7 * 24 * 60  # a week


class FeedSubscriptionQuerySet(models.QuerySet):
    def due(self, now=None):
        """Active subscriptions whose next poll time has come and that no worker is polling."""
        now = now or timezone.now()
        return self.filter(active=True, next_poll_at__lte=now).filter(free_to_poll(now))


def free_to_poll(now):
    """No poll holds the subscription, or the one that did has outlived its lease (its worker
    died): see `importers.subscriptions.polling.claim`."""
    return Q(polling_until__isnull=True) | Q(polling_until__lt=now)


class FeedSubscription(models.Model):
    """A feed polled on a schedule, its entries imported as `import_feed` would import them."""

    name = models.CharField(
        max_length=200,
        help_text="What the desk calls this feed, for example “Harbour Gazette: sport”.",
    )
    url = models.URLField(
        "feed address",
        max_length=2000,
        unique=True,
        error_messages={"unique": "There is already a subscription to this feed address."},
        help_text="The address of the RSS, Atom or JSON Feed, starting with https:// or "
        "http://. Only public addresses can be polled.",
    )
    active = models.BooleanField(
        default=True,
        help_text="Poll this feed on its schedule. Untick to pause it: the articles it brought "
        "stay as they are.",
    )
    poll_interval = models.PositiveIntegerField(
        "poll every (minutes)",
        default=60,
        validators=[MinValueValidator(MINIMUM_INTERVAL), MaxValueValidator(MAXIMUM_INTERVAL)],
        help_text=f"How many minutes between polls, from {MINIMUM_INTERVAL} to "
        f"{MAXIMUM_INTERVAL:,} (a week). After a failure the feed waits longer each time, "
        "up to six hours (or this interval, if longer), until a poll succeeds.",
    )

    # The options of `import_feed`.
    section = models.ForeignKey(
        "articles.Topic",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"in_navigation": True},
        help_text="The section the feed's articles are filed in; the feed's own categories "
        "become their topics. Leave empty for News.",
    )
    fetch_media = models.BooleanField(
        "fetch pictures",
        default=False,
        help_text="Download each entry's lead picture into the media library (public "
        "addresses only, with time and size limits). Without it, articles come without "
        "pictures.",
    )
    source_name = models.CharField(
        "source name",
        max_length=50,
        blank=True,
        help_text="The name that keys this feed's articles, so that polling again updates "
        "them rather than adding copies. Leave empty to use “feed:” and the feed's host "
        "name, as the import_feed command does.",
    )

    # Status: written by polling, shown to the desk.
    next_poll_at = models.DateTimeField(
        "next poll due",
        default=timezone.now,
        help_text="When the feed is polled next: its interval after a success, later after "
        "failures.",
    )
    last_polled_at = models.DateTimeField("last polled", null=True, blank=True)
    last_success_at = models.DateTimeField("last success", null=True, blank=True)
    last_error = models.TextField(
        blank=True, help_text="Why the last poll that failed did, in plain words."
    )
    last_error_at = models.DateTimeField("last failure", null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(
        "failures in a row", default=0, help_text="Polls failed since the last success."
    )
    items_taken_last = models.PositiveIntegerField(
        "items taken last poll",
        default=0,
        help_text="Entries created or updated by the last poll.",
    )
    items_taken_total = models.PositiveIntegerField(
        "items taken in all", default=0, help_text="Entries created or updated by every poll."
    )
    last_report = models.TextField(
        blank=True, help_text="The import's report of the last poll that read the feed."
    )
    # The validators of the last full answer, sent back as If-None-Match / If-Modified-Since.
    etag = models.CharField("ETag", max_length=500, blank=True)
    last_modified = models.CharField("Last-Modified", max_length=500, blank=True)
    # A poll in progress holds the subscription until then (see polling.claim).
    polling_until = models.DateTimeField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeedSubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["active", "next_poll_at"])]

    def __str__(self):
        return self.name

    @property
    def interval(self):
        return timedelta(minutes=self.poll_interval)
