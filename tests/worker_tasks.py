"""Tasks that the task-queue tests queue, in the test process and in real worker processes
(started with `-I tests.worker_tasks`). Their effects are files, which a worker can write
whatever database the test uses."""

import logging
import os
import time
from pathlib import Path

from jobs.outbox import enqueue
from jobs.tasks import job

logger = logging.getLogger(__name__)


def _write_whole(path, text):
    """Write beside the file, then rename: a test that sees the file never reads it half-written.
    Anything but a plain file (a device such as /dev/null) is written in place, never replaced."""
    if Path(path).exists() and not Path(path).is_file():
        Path(path).write_text(text)
        return
    partial = Path(f"{path}.partial")
    partial.write_text(text)
    partial.replace(path)


@job(name="tests.write_file")
def write_file(path, text):
    """Idempotent: the file holds `text` however many times this runs."""
    _write_whole(path, text)


@job(name="tests.always_fails", max_retries=2, retry_backoff=1, retry_jitter=False)
def always_fails(reason):
    raise RuntimeError(reason)


@job(name="tests.slow_write_file")
def slow_write_file(started, path, text, seconds):
    """Says it started (a line per run), waits, then writes: a worker can be killed between."""
    with Path(started).open("a") as runs:
        runs.write("started\n")
    time.sleep(seconds)
    _write_whole(path, text)


# A worker started with NEWSROOM_TEST_RENDITION_LOG set writes a line to that file for each
# rendition it stores ("saved <name>"), after waiting NEWSROOM_TEST_RENDITION_SECONDS before
# each: slow enough to be killed in the middle of a picture's renditions, and a count of what
# each worker made. Only the tests' workers import this module (-I tests.worker_tasks).
if os.environ.get("NEWSROOM_TEST_RENDITION_LOG"):
    from library import images

    _log = Path(os.environ["NEWSROOM_TEST_RENDITION_LOG"])
    _pause = float(os.environ.get("NEWSROOM_TEST_RENDITION_SECONDS") or 0)
    _save = images._save

    def _logged_save(image, width, height, fmt, target):
        time.sleep(_pause)
        _save(image, width, height, fmt, target)
        with _log.open("a") as log:
            log.write(f"saved {target}\n")

    images._save = _logged_save


@job(name="tests.log_line")
def log_line(text):
    """Writes one log line (nothing else): its record shows which request id the task ran with."""
    logger.warning("%s", text)


@job(name="tests.queue_log_line")
def queue_log_line(text):
    """Queues `tests.log_line` from inside a task, as a task that fans out work does."""
    enqueue("tests.log_line", text)
