"""Imports started from the admin: the job, the parts workers take, and the report they write.

A job is one file (a WordPress export, a JSON Lines file) or one feed fetched when it was
asked for. Its work is done by parts (`ImportPart`): part 0 of a WordPress export creates what
every post shares (authors, topics, pictures); parts 1… each take a range of the source's
items, and several workers take parts at once. A part writes its items in batches; each batch
commits with the part's tally, its report lines and how far it got, so a worker killed
mid-batch leaves the part exactly where the last batch left it (docs/importing.md).

Who may import is one rule, `may_import`: the `importers.add_importjob` permission (the
Editor and Administrator roles hold it; superusers hold everything).
"""

from django.conf import settings
from django.db import models
from django.db.models import Sum


def may_import(user):
    """Whether `user` may start imports and see, follow, cancel and download them."""
    return user.is_active and user.is_staff and user.has_perm("importers.add_importjob")


class ImportJob(models.Model):
    """One import asked for in the admin, and how far it has got."""

    class Kind(models.TextChoices):
        WORDPRESS = "wordpress", "WordPress export (WXR)"
        INTERCHANGE = "interchange", "Newsroom JSON Lines"
        FEED = "feed", "News feed"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    FINISHED = (Status.DONE, Status.FAILED, Status.CANCELLED)

    kind = models.CharField(max_length=20, choices=Kind.choices)
    source_name = models.CharField(
        max_length=255, help_text="The uploaded file's name, or the feed's address."
    )
    feed_url = models.URLField(max_length=2000, blank=True)
    file_name = models.CharField(
        max_length=500,
        help_text="The file's name in the private import storage (importers.storage); a feed "
        "is stored as it was fetched.",
    )
    source_system = models.CharField(
        max_length=50, blank=True, help_text="The source system its items are keyed by."
    )
    section = models.CharField(max_length=100, blank=True)
    # A brand deleted later (refused while it has articles) leaves its jobs, brandless: a
    # brandless job imports to the default brand, as every job before brands did.
    brand = models.ForeignKey(
        "sites.Site",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The brand the imported articles belong to (empty: the default brand).",
    )
    dry_run = models.BooleanField(default=False)
    strict = models.BooleanField(default=False)
    fetch_media = models.BooleanField(default=False)
    detailed = models.BooleanField(default=False)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    items_total = models.PositiveIntegerField(
        null=True, blank=True, help_text="The source's items, once it has been read."
    )
    planned = models.BooleanField(
        default=False, help_text="Whether its parts have been made and queued."
    )
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    error = models.TextField(blank=True, help_text="Why the import failed.")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "import"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.source_name}"

    @property
    def finished(self):
        return self.status in self.FINISHED

    @property
    def cancellable(self):
        return not self.finished and self.cancel_requested_at is None

    def items_processed(self):
        """Items of the source dealt with so far, over its parts. One query."""
        return self.parts.aggregate(done=Sum("items_done"))["done"] or 0


class ImportPart(models.Model):
    """A range of a job's items that one task imports, in batches, resuming where it stopped."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveIntegerField(
        help_text="0: what every item shares (authors, topics, pictures); 1…: ranges of items."
    )
    first_item = models.PositiveIntegerField(default=1)
    last_item = models.PositiveIntegerField(default=0)
    file_name = models.CharField(
        max_length=500, blank=True,
        help_text="This part's own file in the import storage, when the source is split.",
    )
    done_through = models.PositiveIntegerField(
        default=0, help_text="The last item written; a run that stopped resumes after it."
    )
    items_done = models.PositiveIntegerField(default=0)
    tally = models.JSONField(
        default=list, blank=True, help_text="[kind, {outcome: count}] pairs, in order met."
    )
    lines_written = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)

    class Meta:
        ordering = ["job", "number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="unique_import_part")
        ]

    def __str__(self):
        return f"{self.job} part {self.number}"


class ImportReportLine(models.Model):
    """One line of a job's report (a failure, a skipped item with its reason …), as the
    management commands print it; written in the same transaction as the items it is about."""

    part = models.ForeignKey(ImportPart, on_delete=models.CASCADE, related_name="lines")
    number = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["part__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["part", "number"], name="unique_import_report_line")
        ]

    def __str__(self):
        return self.text
