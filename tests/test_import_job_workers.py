"""An import from the admin run by real workers (Redis and RabbitMQ, PostgreSQL): one worker is
killed with SIGKILL in the middle of a batch, another takes its part over, and the database
holds each article exactly once, the job done and its report complete: nothing lost, nothing
doubled, in the articles or in the report's counts and lines."""

import signal
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from articles.models import Article
from importers.job_models import ImportJob, ImportPart
from importers.job_report import report_lines
from jobs.models import FailedTask
from tests.import_job_files import wxr
from tests.servers import wait_for
from tests.task_queue import BROKERS, broker, new_queue, start_worker, stop

pytestmark = [pytest.mark.services, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

POSTS = 3000
PART_ITEMS = 1500  # two parts of three batches each (job_run.BATCH_ITEMS = 500)


def worker_database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


@pytest.mark.parametrize("kind", sorted(BROKERS))
def test_a_worker_killed_mid_batch_leaves_its_part_to_another_and_nothing_doubles(
    kind, editor, settings, tmp_path
):
    settings.IMPORTS_ROOT = tmp_path / "imports"
    queue = new_queue()
    env = {
        "DATABASE_URL": worker_database_url(),
        "IMPORTS_ROOT": str(settings.IMPORTS_ROOT),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "IMPORT_PART_ITEMS": str(PART_ITEMS),
        "CELERY_QUEUE": queue,  # the parts the plan queues go to this test's queue too
        # Redis hands a dead worker's message on once older than this, at a worker's start.
        "CELERY_VISIBILITY_TIMEOUT": "5",
    }
    first = start_worker(BROKERS[kind], queue, name="first", extra_env=env)
    second = None
    try:
        with broker(BROKERS[kind], queue):
            response = editor.post(
                reverse("admin:importers_importjob_add"),
                {
                    "upload": SimpleUploadedFile("archive.xml", wxr(POSTS), "text/xml"),
                    "brand": settings.DEFAULT_SITE_ID,  # the form's choice, required
                },
            )
        assert response.status_code == 302
        job = ImportJob.objects.get()

        def a_batch_committed_and_more_to_come():
            return ImportPart.objects.filter(
                job=job, number__gte=1, done_through__gt=0, status=ImportPart.Status.RUNNING
            ).exists()

        assert wait_for(a_batch_committed_and_more_to_come, timeout=90), stop(first)
        first.send_signal(signal.SIGKILL)  # batches follow each other: it is inside one
        first.wait()
        killed = ImportPart.objects.get(job=job, status=ImportPart.Status.RUNNING)
        assert killed.done_through < killed.last_item
        written_before = Article.objects.count()
        assert 0 < written_before < POSTS

        if kind == "redis":
            time.sleep(6)
        second = start_worker(BROKERS[kind], queue, name="second", extra_env=env)
        assert wait_for(lambda: ImportJob.objects.get().finished, timeout=180), stop(second)
    finally:
        stop(first)
        if second is not None:
            print(stop(second))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.error
    ids = list(Article.objects.values_list("source_id", flat=True))
    assert len(ids) == len(set(ids)) == POSTS
    assert job.items_processed() == job.items_total == POSTS
    report = report_lines(job)
    # Every post counted once, as created: the killed batch left nothing, its rerun made them.
    assert f"  post: {POSTS} created, 0 updated, 0 unchanged, 0 skipped, 0 failed" in report
    assert f"  comment: 0 created, 0 updated, 0 unchanged, {POSTS // 3} skipped, 0 failed" in report
    assert "  author: 1 created, 0 updated, 0 unchanged, 0 skipped, 0 failed" in report
    assert not FailedTask.objects.exists()
    assert set(job.parts.values_list("status", flat=True)) == {ImportPart.Status.DONE}
