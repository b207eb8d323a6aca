"""Tasks that the task-queue tests queue, in the test process and in real worker processes
(started with `-I tests.worker_tasks`). Their effects are files, which a worker can write
whatever database the test uses."""

import logging
import time
from pathlib import Path

from jobs.outbox import enqueue
from jobs.tasks import job

logger = logging.getLogger(__name__)


@job(name="tests.write_file")
def write_file(path, text):
    """Idempotent: the file holds `text` however many times this runs."""
    Path(path).write_text(text)


@job(name="tests.always_fails", max_retries=2, retry_backoff=1, retry_jitter=False)
def always_fails(reason):
    raise RuntimeError(reason)


@job(name="tests.slow_write_file")
def slow_write_file(started, path, text, seconds):
    """Says it started (a line per run), waits, then writes: a worker can be killed between."""
    with Path(started).open("a") as runs:
        runs.write("started\n")
    time.sleep(seconds)
    Path(path).write_text(text)


@job(name="tests.log_line")
def log_line(text):
    """Writes one log line (nothing else): its record shows which request id the task ran with."""
    logger.warning("%s", text)


@job(name="tests.queue_log_line")
def queue_log_line(text):
    """Queues `tests.log_line` from inside a task, as a task that fans out work does."""
    enqueue("tests.log_line", text)
