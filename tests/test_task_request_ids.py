"""One request id from the web request into the tasks it queues: the response's X-Request-ID is
kept on the outbox message, sent with the task, and on every log record the task writes, whether
it runs in this process (no broker) or on a real worker (Redis, RabbitMQ). Work queued from a
task carries that task's id on; work queued from anywhere else gets an id of its own.

The request that queues work here is the admin's "Run the selected tasks again", which goes
through `jobs.outbox.enqueue` as every other caller does."""

import logging
import re

import pytest
from django.db import transaction
from django.urls import reverse

from jobs.models import FailedTask, OutboxMessage
from jobs.outbox import enqueue
from newsroom.request_id import NO_REQUEST, RequestIdFilter, current_request_id
from tests import worker_tasks  # noqa: F401  (registers the tests' tasks)
from tests.conftest import parse, text_of
from tests.servers import wait_for
from tests.task_queue import (
    BROKERS,
    OutputReader,
    broker,
    new_queue,
    start_worker,
    stop,
)

pytestmark = pytest.mark.django_db(transaction=True)


def failed(text):
    """A recorded failure of `tests.log_line`, for an operator to run again."""
    return FailedTask.objects.create(
        task_id=f"earlier-{text}", task_name="tests.log_line", args=[text], error="RuntimeError",
        attempts=1,
    )


def run_again(client, failure, **headers):
    """The admin's action on the changelist, as the page posts it; returns the response."""
    return client.post(
        reverse("admin:jobs_failedtask_changelist"),
        {"action": "run_again", "_selected_action": [failure.pk]},
        **headers,
    )


def task_records(caplog, text):
    return [r for r in caplog.records if r.name == "tests.worker_tasks" and r.getMessage() == text]


@pytest.fixture
def logged(caplog):
    """caplog, its records carrying `request_id` as the site's log handler's do."""
    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.WARNING, logger="tests.worker_tasks")
    return caplog


def test_a_task_queued_by_a_request_logs_with_the_request_id(superuser, logged):
    response = run_again(superuser, failed("renditions made"))

    assert response.status_code == 302
    request_id = response["X-Request-ID"]
    [record] = task_records(logged, "renditions made")
    assert record.request_id == request_id
    assert OutboxMessage.objects.get().request_id == request_id
    # The request is over: what is logged now belongs to no request.
    assert current_request_id() == NO_REQUEST


def test_an_id_sent_by_the_proxy_reaches_the_task(superuser, logged):
    run_again(superuser, failed("feed polled"), HTTP_X_REQUEST_ID="lb-7f3a")

    [record] = task_records(logged, "feed polled")
    assert record.request_id == "lb-7f3a"


def test_a_task_queued_by_a_task_carries_the_same_id(superuser, logged):
    failure = failed("unused")
    failure.task_name, failure.args = "tests.queue_log_line", ["fanned out"]
    failure.save()

    response = run_again(superuser, failure)

    [record] = task_records(logged, "fanned out")
    assert record.request_id == response["X-Request-ID"]
    ids = set(OutboxMessage.objects.values_list("request_id", flat=True))
    assert ids == {response["X-Request-ID"]}


def test_work_queued_outside_a_request_gets_an_id_of_its_own(logged):
    with transaction.atomic():
        first = enqueue("tests.log_line", "from a command")
    with transaction.atomic():
        second = enqueue("tests.log_line", "from a command")

    assert re.fullmatch(r"[0-9a-f]{32}", first.request_id)
    assert second.request_id != first.request_id
    records = task_records(logged, "from a command")
    assert [r.request_id for r in records] == [first.request_id, second.request_id]
    assert current_request_id() == NO_REQUEST


def test_a_task_that_fails_for_good_is_recorded_with_its_request_id(superuser):
    failure = failed("unused")
    failure.task_name, failure.args = "tests.always_fails", ["the feed answered 500"]
    failure.save()

    response = run_again(superuser, failure)

    again = FailedTask.objects.exclude(pk=failure.pk).get()
    assert again.request_id == response["X-Request-ID"]
    # An operator holding the id finds the record in the admin.
    changelist = reverse("admin:jobs_failedtask_changelist")
    rows = parse(superuser.get(changelist, {"q": response["X-Request-ID"]})).select(
        "#result_list tbody tr"
    )
    assert len(rows) == 1
    assert "the feed answered 500" in text_of(rows[0])


@pytest.mark.services
@pytest.mark.parametrize("kind", sorted(BROKERS))
def test_a_worker_logs_the_task_with_the_request_id(kind, superuser):
    queue = new_queue()
    worker = start_worker(BROKERS[kind], queue, name="first")
    lines = OutputReader(worker)
    try:
        with broker(BROKERS[kind], queue):
            response = run_again(superuser, failed(f"on a {kind} worker"))
            assert OutboxMessage.objects.get().sent_at is not None
        # The worker's own log lines (Django's LOGGING: "... [request <id>]") name the id.
        line = f"WARNING tests.worker_tasks: on a {kind} worker [request {response['X-Request-ID']}]"
        assert wait_for(lambda: line in lines.text(), timeout=40), "the task's line never came"
    finally:
        stop(worker)
        print(lines.text())
