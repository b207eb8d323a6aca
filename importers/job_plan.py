"""Planning an import job: reading its source once, and splitting it into parts for workers.

A WordPress export is checked and mapped in one pass (`importers.wxr_scan`), part 0 writes
what every post shares (authors, topics, pictures: `importers.job_parts.import_shared`), then
the items are split into parts of IMPORT_PART_ITEMS, each stored as a WXR file of its own
and queued as its own task: several workers take them at once. A JSON Lines file or a feed
is one part. A dry run or a strict run is not split (`importers.job_whole`).
"""

from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from importers.feeds import read_feed
from importers.job_models import ImportJob, ImportPart
from importers.job_parts import import_shared
from importers.job_report import job_label
from importers.job_state import end_cancelled, finish_if_done
from importers.job_whole import run_whole
from importers.storage import import_storage, local_file
from importers.wordpress import open_wxr
from importers.wxr_scan import part_bytes, ranges
from jobs.outbox import enqueue


def plan(job_id):
    """Start a job: read its source, write what is shared, split and queue its parts."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.finished or job.planned:
        return  # gone, over, or planned by an earlier run of this task
    if job.cancel_requested_at is not None:
        end_cancelled(job)
        return
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    job.refresh_from_db()
    if job.finished:  # cancelled while this task waited
        return
    if job.dry_run or job.strict:
        run_whole(job)
        return
    with local_file(job.file_name, job_label(job)) as path:
        if job.kind == ImportJob.Kind.WORDPRESS:
            plan_wordpress(job, path)
        elif job.kind == ImportJob.Kind.INTERCHANGE:
            with path.open("rb") as lines:
                count = sum(1 for _ in lines)
            queue_parts(job, [(1, count, "")], total=count)
        else:
            entries = len(read_feed(path.read_bytes(), url=job.feed_url).entries)
            queue_parts(job, [(1, entries, "")], total=entries)


def plan_wordpress(job, path):
    export = open_wxr(path)
    export.check(names=True)  # where the items are, and what names they use
    items = export.items
    count = len(items.items)
    ImportJob.objects.filter(pk=job.pk).update(items_total=count)
    shared, _ = ImportPart.objects.get_or_create(job=job, number=0)
    if shared.status != ImportPart.Status.DONE:
        import_shared(job, shared, export, items)
        shared.refresh_from_db()
        if shared.status != ImportPart.Status.DONE:
            return  # cancelled
    storage = import_storage()
    folder = str(Path(job.file_name).parent)
    parts = []
    for number, (first, last) in enumerate(ranges(count, settings.IMPORT_PART_ITEMS), 1):
        name = f"{folder}/part-{number:04d}.xml"
        if storage.exists(name):  # written by an earlier run of this task, which died
            storage.delete(name)
        stored = storage.save(name, ContentFile(part_bytes(path, items, first, last)))
        parts.append((first, last, stored))
    queue_parts(job, parts, total=count)


def queue_parts(job, parts, *, total):
    """Record the parts and queue a task for each, with the job marked planned: one
    transaction, so a task killed before it ends queues them on its next run instead."""
    with transaction.atomic():
        created = [
            ImportPart.objects.update_or_create(
                job=job,
                number=number,
                defaults={"first_item": first, "last_item": last, "file_name": name},
            )[0]
            for number, (first, last, name) in enumerate(parts, 1)
        ]
        ImportJob.objects.filter(pk=job.pk).update(planned=True, items_total=total)
        for part in created:
            enqueue("importers.import_part", part.pk)
    if not created:
        finish_if_done(job.pk)
