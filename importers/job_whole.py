"""Dry runs and strict runs of an import job: all or nothing, so one task and one transaction,
run exactly as the command runs it (`ImportCommand.load`); its counts appear when it ends."""

from django.core.management.base import CommandError
from django.db import transaction

from importers.brands import reach_of
from importers.job_models import ImportJob, ImportPart
from importers.job_parts import checkpoint
from importers.job_report import JobRun, job_label
from importers.job_state import fail, finish_if_done
from importers.management.commands import import_articles, import_feed, import_wordpress
from importers.records import SourceRefused
from importers.run import StrictStop
from importers.storage import local_file


def run_whole(job):
    """A dry run or a strict run: one transaction, exactly as the command runs it."""
    command = {
        ImportJob.Kind.WORDPRESS: import_wordpress,
        ImportJob.Kind.INTERCHANGE: import_articles,
        ImportJob.Kind.FEED: import_feed,
    }[job.kind].Command()
    options = {
        "source_system": job.source_system or None,
        "section": job.section or (None if job.kind == ImportJob.Kind.WORDPRESS else "News"),
        "fetch_media": job.fetch_media,
        "uploads": None,
        "timezone": "UTC",
        "brand": job.brand,  # a Site, as `ImportCommand.handle` makes of --brand
        "allowed_brands": reach_of(job),  # lines' own brand keys stay within it
    }
    part, _ = ImportPart.objects.get_or_create(job=job, number=1)
    run = JobRun(job)
    error = ""
    # One transaction for the run and its report: a strict run's writes commit with it.
    with local_file(job.file_name, job_label(job)) as path, transaction.atomic():
        try:
            _, write = command.load(str(path), options)
            with run.writing():
                write(run)
        except StrictStop as stop:
            error = f"Strict: stopped at the first failure ({stop}); nothing was written."
        except (SourceRefused, CommandError) as refusal:
            error = str(refusal)
        ImportPart.objects.filter(pk=part.pk).update(last_item=run.items_seen)
        part.first_item, part.last_item = 1, run.items_seen
        checkpoint(part, run, run.items_seen, items_done=run.items_seen, finished=True)
        ImportJob.objects.filter(pk=job.pk).update(planned=True, items_total=run.items_seen)
    if error:
        fail(job.pk, error)
    else:
        finish_if_done(job.pk)
