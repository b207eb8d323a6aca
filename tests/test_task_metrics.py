"""Background work at /metrics, as Prometheus reads it: work waiting in the outbox, messages
waiting in the broker's queue, and tasks that failed after all their retries. The figures come
from the database and the broker at each scrape, so they move as the work does, and /metrics
answers promptly with the broker down."""

import time

import pytest
from django.db import transaction
from django.utils import timezone
from kombu import Connection
from prometheus_client.parser import text_string_to_metric_families

from jobs.models import FailedTask
from jobs.outbox import enqueue
from tests import worker_tasks  # noqa: F401  (registers the tests' tasks)
from tests.task_queue import BROKERS, DOWN, broker, new_queue

pytestmark = pytest.mark.django_db(transaction=True)


def scrape(client):
    """{(metric name, labels as sorted tuple): value} from /metrics, parsed as Prometheus does."""
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_with_nothing_queued_the_outbox_is_empty_and_no_task_failed(client):
    figures = scrape(client)
    assert figures[("newsroom_outbox_pending", ())] == 0
    assert figures[("newsroom_outbox_oldest_pending_seconds", ())] == 0
    assert figures[("newsroom_tasks_failed_not_run_again", ())] == 0
    assert not [key for key in figures if key[0] == "newsroom_tasks_failed"]
    # No broker configured: tasks run in the web process, there is no queue to measure.
    assert not [key for key in figures if key[0] == "newsroom_broker_queue_messages"]


@pytest.mark.parametrize("kind", sorted(DOWN))
def test_work_queued_with_the_broker_down_shows_as_pending(client, kind, tmp_path):
    with broker(DOWN[kind]):
        with transaction.atomic():
            enqueue("tests.write_file", str(tmp_path / "later.txt"), "later")
        time.sleep(0.01)
        started = time.monotonic()
        figures = scrape(client)
        took = time.monotonic() - started

    assert figures[("newsroom_outbox_pending", ())] == 1
    assert figures[("newsroom_outbox_oldest_pending_seconds", ())] > 0
    # The broker's own queue cannot be read: left out, and the page did not wait for it.
    assert not [key for key in figures if key[0] == "newsroom_broker_queue_messages"]
    assert took < 3


def test_a_task_that_fails_for_good_raises_the_failed_figure(client, tmp_path):
    assert ("newsroom_tasks_failed", (("task", "tests.always_fails"),)) not in scrape(client)

    with transaction.atomic():
        enqueue("tests.always_fails", "the feed answered 500")
    with transaction.atomic():
        enqueue("tests.always_fails", "the feed answered 502")
    with transaction.atomic():
        enqueue("tests.write_file", str(tmp_path / "fine.txt"), "fine")

    figures = scrape(client)
    assert figures[("newsroom_tasks_failed", (("task", "tests.always_fails"),))] == 2
    assert ("newsroom_tasks_failed", (("task", "tests.write_file"),)) not in figures
    assert figures[("newsroom_tasks_failed_not_run_again", ())] == 2

    FailedTask.objects.update(retried_at=timezone.now())  # as "Run again" marks them
    figures = scrape(client)
    assert figures[("newsroom_tasks_failed_not_run_again", ())] == 0
    assert figures[("newsroom_tasks_failed", (("task", "tests.always_fails"),))] == 2


@pytest.mark.services
@pytest.mark.parametrize("kind", sorted(BROKERS))
def test_messages_waiting_at_the_broker_are_counted(client, kind, tmp_path):
    queue = new_queue()  # no worker takes from it: what is sent stays there
    try:
        with broker(BROKERS[kind], queue):
            assert scrape(client)[("newsroom_broker_queue_messages", (("queue", queue),))] == 0
            for number in range(3):
                with transaction.atomic():
                    enqueue("tests.write_file", str(tmp_path / f"{number}.txt"), "waiting")
            figures = scrape(client)
    finally:
        with Connection(BROKERS[kind]) as connection:
            connection.default_channel.queue_delete(queue)
    assert figures[("newsroom_broker_queue_messages", (("queue", queue),))] == 3
    assert figures[("newsroom_outbox_pending", ())] == 0
