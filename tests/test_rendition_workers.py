"""Renditions made by real workers (Redis and RabbitMQ, PostgreSQL): an upload through the
library's form is answered with the task queued, a worker makes the renditions; a worker killed
with SIGKILL half-way through a picture leaves the task to another, which finishes it, and in
the end each rendition is stored once and recorded once.

The workers share the test's database (PostgreSQL: they see what the test commits) and media
folder. tests/worker_tasks.py slows the first worker's renditions down (an environment variable
only the tests' workers read) and has each worker log what it stored."""

import signal
import time
from pathlib import Path

import pytest
from django.conf import settings

from library.models import Image
from tests import worker_tasks  # noqa: F401  (the tests' tasks, and their rendition hook)
from tests.servers import wait_for
from tests.task_queue import BROKERS, broker, new_queue, start_worker, stop
from tests.test_library import admin_upload, picture, upload
from tests.test_task_workers import worker_database_url

pytestmark = [
    pytest.mark.services,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

# Redis hands on an unacknowledged message once it is older than this, when a worker next
# sweeps (one starting up does); RabbitMQ as soon as the killed worker's connection drops.
QUICK = {"CELERY_VISIBILITY_TIMEOUT": "5"}


@pytest.fixture(params=sorted(BROKERS))
def kind(request):
    return request.param


def worker(kind, queue, name, log, seconds=0):
    return start_worker(
        BROKERS[kind],
        queue,
        name=name,
        extra_env={
            **QUICK,
            "DATABASE_URL": worker_database_url(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "NEWSROOM_TEST_RENDITION_LOG": str(log),
            "NEWSROOM_TEST_RENDITION_SECONDS": str(seconds),
        },
    )


def saved(log):
    return log.read_text().split("\n")[:-1] if log.exists() else []


def rendition_files():
    root = Path(settings.MEDIA_ROOT) / "renditions"
    return sorted(str(p.relative_to(settings.MEDIA_ROOT)) for p in root.rglob("*") if p.is_file())


def test_a_worker_makes_the_renditions_of_an_upload(kind, editor, tmp_path):
    queue, log = new_queue(), tmp_path / "saved.log"
    process = worker(kind, queue, "first", log)
    try:
        with broker(BROKERS[kind], queue):
            assert (
                admin_upload(editor, upload("harbour.jpg", picture((1600, 900)))).status_code == 302
            )
        image = Image.objects.get()
        assert wait_for(lambda: Image.objects.get().renditions), "no worker made the renditions"
    finally:
        print(stop(process))
    image.refresh_from_db()
    assert len(image.renditions) == 8
    assert rendition_files() == sorted(r["name"] for r in image.renditions)


def test_a_worker_killed_mid_rendition_leaves_the_rest_to_another(kind, editor, tmp_path):
    queue, log = new_queue(), tmp_path / "saved.log"
    first = worker(kind, queue, "first", log, seconds=1.5)
    second = None
    try:
        with broker(BROKERS[kind], queue):
            response = admin_upload(editor, upload("harbour.jpg", picture((1600, 900))))
            assert response.status_code == 302
        assert wait_for(lambda: len(saved(log)) >= 2, timeout=60), "the first worker never began"
        first.send_signal(signal.SIGKILL)
        first.wait()
        made_by_first = saved(log)
        assert 2 <= len(made_by_first) < 8
        assert Image.objects.get().renditions == []  # nothing recorded: the run died first
        time.sleep(6)

        second = worker(kind, queue, "second", log)
        assert wait_for(lambda: Image.objects.get().renditions, timeout=60), "the task was lost"
    finally:
        stop(first)
        if second is not None:
            print(stop(second))

    image = Image.objects.get()
    names = [record["name"] for record in image.renditions]
    assert len(names) == len(set(names)) == 8  # each recorded once
    assert rendition_files() == sorted(names)  # each stored once, under its own name
    stored = saved(log)
    assert len(stored) == len(set(stored)) == 8  # the second made only what the first had not
    assert stored[: len(made_by_first)] == made_by_first
