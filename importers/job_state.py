"""How an import job ends: done when its last part is, cancelled between batches, or failed."""

from django.db import transaction
from django.utils import timezone

from importers.job_models import ImportJob, ImportPart


def cancel_requested(job):
    return ImportJob.objects.filter(pk=job.pk, cancel_requested_at__isnull=False).exists()


def stop_part(job, part):
    ImportPart.objects.filter(pk=part.pk).update(status=ImportPart.Status.CANCELLED)
    if part.number == 0:
        end_cancelled(job)
    else:
        finish_if_done(job.pk)


def end_cancelled(job):
    ImportJob.objects.filter(pk=job.pk).exclude(status__in=ImportJob.FINISHED).update(
        status=ImportJob.Status.CANCELLED, finished_at=timezone.now()
    )
    ImportPart.objects.filter(job=job).exclude(status=ImportPart.Status.DONE).update(
        status=ImportPart.Status.CANCELLED
    )


def finish_if_done(job_id):
    """End the job once every part is done or cancelled. The job's row is locked, so of two
    parts ending at once exactly one ends the job."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished or not job.planned:
            return
        if job.parts.exclude(
            status__in=[ImportPart.Status.DONE, ImportPart.Status.CANCELLED]
        ).exists():
            return
        job.status = (
            ImportJob.Status.CANCELLED if job.cancel_requested_at else ImportJob.Status.DONE
        )
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "finished_at"])


def fail(job_id, error):
    """The job cannot go on: say why, for the job's page."""
    ImportJob.objects.filter(pk=job_id).exclude(status__in=ImportJob.FINISHED).update(
        status=ImportJob.Status.FAILED, error=error, finished_at=timezone.now()
    )


def cancel(job, by):
    """Ask a queued or running job to stop after the batch it is in. Returns False when it
    is already over or already asked."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not job.cancellable:
            return False
        job.cancel_requested_at = timezone.now()
        job.cancelled_by = by
        fields = ["cancel_requested_at", "cancelled_by"]
        if job.status == ImportJob.Status.QUEUED:  # nothing started: nothing to wait for
            job.status, job.finished_at = ImportJob.Status.CANCELLED, job.cancel_requested_at
            fields += ["status", "finished_at"]
        job.save(update_fields=fields)
    return True
