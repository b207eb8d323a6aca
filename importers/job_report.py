"""A job's report, as the management command would have printed it: the lines its parts
wrote (failures with where and why; with the detailed option, skipped items and notes), then
the summary of its tally, then how it ended."""

import io

from django.utils.formats import number_format

from importers.job_models import ImportJob, ImportReportLine
from importers.job_run import job_label
from importers.run import ImportRun


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
