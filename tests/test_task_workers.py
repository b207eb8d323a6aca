"""Queued work with a real broker (Redis and RabbitMQ) and real worker processes: a task queued
in a transaction is published after the commit and a worker runs it; what waited in the outbox
while the broker was down is sent by flush_outbox when it is back; a worker killed in the middle
of a task leaves it to another worker (late acknowledgement).

The tasks' effects are files, so the workers need no view of the test database."""

import signal
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from jobs.models import FailedTask, OutboxMessage
from jobs.outbox import enqueue
from tests import worker_tasks  # noqa: F401  (registers the tests' tasks)
from tests.servers import wait_for
from tests.task_queue import BROKERS, DOWN, broker, new_queue, start_worker, stop

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=sorted(BROKERS))
def kind(request):
    return request.param


@pytest.fixture
def queue():
    return new_queue()


@pytest.fixture
def worker(kind, queue):
    process = start_worker(BROKERS[kind], queue, name="first")
    yield process
    print(stop(process))


def test_a_worker_runs_what_a_committed_transaction_queued(kind, queue, worker, tmp_path):
    target = tmp_path / "done.txt"
    with broker(BROKERS[kind], queue):
        with transaction.atomic():
            message = enqueue("tests.write_file", str(target), kind)
        message.refresh_from_db()
        assert message.sent_at is not None
        assert wait_for(lambda: target.exists()), "no worker ran the task"
    assert target.read_text() == kind


def test_what_waited_while_the_broker_was_down_is_sent_when_it_is_back(
    kind, queue, worker, tmp_path
):
    target = tmp_path / "done.txt"
    with broker(DOWN[kind], queue), transaction.atomic():
        enqueue("tests.write_file", str(target), "late but there")
    assert OutboxMessage.objects.get().sent_at is None

    with broker(BROKERS[kind], queue):
        call_command("flush_outbox")
        assert OutboxMessage.objects.get().sent_at is not None
        assert wait_for(lambda: target.exists()), "no worker ran the task"
    assert target.read_text() == "late but there"


def test_a_task_whose_worker_is_killed_runs_again_on_another(kind, queue, tmp_path):
    started, target = tmp_path / "started.txt", tmp_path / "done.txt"
    # Redis hands an unacknowledged message on once it is older than the visibility timeout,
    # when a worker next sweeps (one starting up does): a short timeout here, and the second
    # worker starts after it. RabbitMQ hands it on as soon as the first worker's connection drops.
    quick = {"CELERY_VISIBILITY_TIMEOUT": "5"}
    first = start_worker(BROKERS[kind], queue, name="first", extra_env=quick)
    second = None
    try:
        with broker(BROKERS[kind], queue), transaction.atomic():
            enqueue("tests.slow_write_file", str(started), str(target), "finished", 4)
        assert wait_for(lambda: started.exists()), "the first worker never started the task"
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert not target.exists()
        time.sleep(6)

        second = start_worker(BROKERS[kind], queue, name="second", extra_env=quick)
        assert wait_for(lambda: target.exists(), timeout=60), "the task was lost"
        assert target.read_text() == "finished"
        assert started.read_text().count("started") == 2
    finally:
        stop(first)
        if second is not None:
            print(stop(second))


def worker_database_url():
    """The test database, for a worker process to write to (PostgreSQL: another process can
    see what a transactional_db test commits)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


@pytest.mark.postgres
def test_a_worker_records_a_task_that_keeps_failing_and_one_it_does_not_know(kind, queue):
    worker = start_worker(
        BROKERS[kind], queue, name="first", extra_env={"DATABASE_URL": worker_database_url()}
    )
    try:
        with broker(BROKERS[kind], queue), transaction.atomic():
            failing = enqueue("tests.always_fails", "the feed answered 500")
            unknown = enqueue("tests.not_in_this_release", 7)
        assert wait_for(lambda: FailedTask.objects.count() == 2), "no failure was recorded"
    finally:
        print(stop(worker))

    failure = FailedTask.objects.get(task_id=failing.pk)
    assert failure.error == "RuntimeError: the feed answered 500"
    assert failure.attempts == 3  # the first run and max_retries=2
    lost = FailedTask.objects.get(task_id=unknown.pk)
    assert lost.task_name == "tests.not_in_this_release"
    assert lost.args == [7]
