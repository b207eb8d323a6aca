"""Queued work without a broker (the embedded default): it runs in this process after the
transaction that queued it commits, never before and never after a rollback; a task that keeps
failing is recorded and shown to operators in the admin; with the broker down, saving still
works and the work waits in the outbox.

Commits here are real (transactional_db): an on_commit callback only runs on a real commit.
"""

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from articles.models import Article
from jobs.models import FailedTask, OutboxMessage
from jobs.outbox import enqueue
from tests import worker_tasks  # noqa: F401  (registers the tests' tasks)
from tests.conftest import parse, text_of
from tests.factories import ArticleFactory
from tests.task_queue import DOWN, ROOT, broker

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_runs_the_task_after_the_commit_not_before(tmp_path):
    target = tmp_path / "done.txt"
    with transaction.atomic():
        enqueue("tests.write_file", str(target), "written")
        assert not target.exists()
        assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 1
    assert target.read_text() == "written"
    assert OutboxMessage.objects.get().sent_at is not None


def test_it_runs_nothing_when_the_transaction_rolls_back(tmp_path):
    target = tmp_path / "done.txt"
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue("tests.write_file", str(target), "written")
        raise RuntimeError("the save failed")
    assert not target.exists()
    assert not OutboxMessage.objects.exists()


def test_a_task_that_keeps_failing_is_recorded_after_its_retries():
    with transaction.atomic():
        message = enqueue("tests.always_fails", "the feed answered 500")

    failure = FailedTask.objects.get()
    assert failure.task_id == str(message.pk)
    assert failure.task_name == "tests.always_fails"
    assert failure.args == ["the feed answered 500"]
    assert failure.error == "RuntimeError: the feed answered 500"
    assert "raise RuntimeError(reason)" in failure.traceback
    assert failure.attempts == 3  # the first run and max_retries=2


def test_operators_see_failed_tasks_in_the_admin_and_can_run_one_again(superuser):
    with transaction.atomic():
        enqueue("tests.always_fails", "the feed answered 500")

    changelist = reverse("admin:jobs_failedtask_changelist")
    rows = parse(superuser.get(changelist)).select("#result_list tbody tr")
    assert len(rows) == 1
    assert "tests.always_fails" in text_of(rows[0])
    assert "RuntimeError: the feed answered 500" in text_of(rows[0])
    assert " 3 " in f" {text_of(rows[0])} "

    failure = FailedTask.objects.get()
    response = superuser.post(
        changelist, {"action": "run_again", "_selected_action": [failure.pk]}, follow=True
    )
    assert "Queued 1 task(s) to run again." in text_of(parse(response))
    failure.refresh_from_db()
    assert failure.retried_at is not None
    # It ran again, and failed again: a second record, for the second run.
    assert FailedTask.objects.count() == 2
    assert OutboxMessage.objects.filter(sent_at__isnull=False).count() == 2


def test_failed_tasks_cannot_be_added_or_edited_in_the_admin(superuser):
    with transaction.atomic():
        enqueue("tests.always_fails", "boom")
    failure = FailedTask.objects.get()
    assert superuser.get(reverse("admin:jobs_failedtask_add")).status_code == 403
    page = parse(superuser.get(reverse("admin:jobs_failedtask_change", args=[failure.pk])))
    assert not page.select("form#failedtask_form input[name=error]")
    assert not page.select("form#failedtask_form textarea")


@pytest.mark.parametrize("kind", ["redis", "rabbitmq"])
def test_with_the_broker_down_saving_works_and_the_work_waits_in_the_outbox(kind, tmp_path):
    target = tmp_path / "done.txt"
    with broker(DOWN[kind]):
        with transaction.atomic():
            article = ArticleFactory(headline="Saved while the broker is down")
            enqueue("tests.write_file", str(target), "written")
        # A second save inside the quiet period does not wait for the broker again.
        with transaction.atomic():
            enqueue("tests.write_file", str(target), "written")

        assert Article.objects.get(pk=article.pk).headline == "Saved while the broker is down"
        # The article's edge purge waits too (newsroom.purging).
        pending = OutboxMessage.objects.filter(sent_at__isnull=True)
        assert sorted(pending.values_list("task_name", flat=True)) == [
            "edge.purge",
            "tests.write_file",
            "tests.write_file",
        ]
        first = pending.order_by("created_at").first()  # the one that met the broker down
        assert first.attempts == 1
        assert "OperationalError" in first.last_error

        out = io.StringIO()
        call_command("flush_outbox", stdout=out)
        assert "Sent 0 message(s); 3 still pending." in out.getvalue()
    assert not target.exists()


IN_A_FRESH_PROCESS = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from jobs.models import OutboxMessage
from jobs.outbox import enqueue
from newsroom.celery import app
print("known before:", "articles.publish_due" in app.tasks)
enqueue("articles.publish_due")
print("sent:", OutboxMessage.objects.filter(task_name="articles.publish_due", sent_at__isnull=False).count())
print("known after:", "articles.publish_due" in app.tasks)
"""


@pytest.mark.django_db(transaction=True)
def test_a_web_process_runs_a_task_whose_module_it_has_not_imported_yet(tmp_path):
    """Without a broker, a message names its task; the process finds it even when nothing it
    ran so far imported that app's tasks module (a worker imports them all when it starts)."""
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "SECRET_KEY": "test-only",
        "ENV_FILE": "",
        "CELERY_BROKER_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", IN_A_FRESH_PROCESS],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "known before: False" in result.stdout
    assert "sent: 1" in result.stdout and "known after: True" in result.stdout
    assert "No task named" not in result.stderr
