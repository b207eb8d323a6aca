"""A job's report, as the management command would have printed it: the lines its parts
wrote (failures with where and why; with the detailed option, skipped items and notes), then
the summary of its tally, then how it ended.

Written by `JobRun`, the run each part writes through, whose lines and tally are saved with
each batch (`importers.job_parts.checkpoint`); read back by `report_lines`.
"""

import io
from pathlib import Path
from urllib.parse import urlsplit

from django.utils.formats import number_format

from importers.job_models import ImportJob, ImportReportLine
from importers.run import ImportRun


class JobRun(ImportRun):
    """An `ImportRun` whose lines are kept for the job's report, and which starts from a
    part's saved tally when the part resumes."""

    def __init__(self, job, tally=()):
        self.buffer = io.StringIO()
        super().__init__(
            label=job_label(job),
            stdout=self.buffer,
            stderr=self.buffer,  # one stream: the report keeps the order things happened in
            dry_run=job.dry_run,
            strict=job.strict,
            verbosity=2 if job.detailed else 1,
            progress=False,
        )
        for kind, outcomes in tally:
            self.tally[kind].update(outcomes)

    def advance(self, number=1):
        # The job's page shows progress; "12,000 items read" lines would only fill the report.
        self.items_seen += number

    def take_lines(self):
        """The report lines written since the last call."""
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return [line for line in text.splitlines() if line.strip()]

    def saved_tally(self):
        # Pairs, not an object: PostgreSQL's jsonb would reorder the kinds.
        return [[kind, dict(outcomes)] for kind, outcomes in self.tally.items()]


def job_label(job):
    """The name the report gives the source, as the command would: the file's, or the last
    part of the feed's address."""
    if job.kind == ImportJob.Kind.FEED:
        return Path(urlsplit(job.feed_url).path).name or job.feed_url
    return job.source_name


def merged_run(job, parts):
    """An `ImportRun` holding the tally of all the job's parts, in the order they were met."""
    run = ImportRun(
        label=job_label(job), stdout=io.StringIO(), dry_run=job.dry_run, progress=False
    )
    for part in parts:
        for kind, outcomes in part.tally:
            run.tally[kind].update(outcomes)
    return run


def summary(job, parts):
    """The summary lines: "Imported export.xml:" and a line per kind, as the command ends."""
    run = merged_run(job, parts)
    if job.finished:
        run.finish()
        return run.stdout.getvalue().splitlines()
    return ["So far:", *(run.summary_lines() or ["  nothing yet"])]


def ending(job, processed):
    """How the job ended, in a sentence (none while it runs)."""
    total = number_format(job.items_total or 0, force_grouping=True)
    done = number_format(processed, force_grouping=True)
    if job.status == ImportJob.Status.CANCELLED:
        by = f" by {job.cancelled_by}" if job.cancelled_by else ""
        return [f"Cancelled{by} after {done} of {total} items; what was imported stays."]
    if job.status == ImportJob.Status.FAILED:
        return [f"Failed: {job.error}"]
    return []


def report_lines(job, limit=None):
    """Every line of the report (the item lines capped at `limit`, then a line saying how
    many more there are). Three queries."""
    parts = list(job.parts.all())
    lines = ImportReportLine.objects.filter(part__job=job).values_list("text", flat=True)
    shown = list(lines[:limit] if limit else lines)
    written = sum(part.lines_written for part in parts)
    if limit and written > len(shown):
        more = number_format(written - len(shown), force_grouping=True)
        shown.append(f"… and {more} more lines in the downloaded report.")
    processed = sum(part.items_done for part in parts)
    return [*shown, *summary(job, parts), *ending(job, processed)]
