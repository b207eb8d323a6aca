"""Helpers for the task-queue tests: point this process at a broker, start real workers.

The Celery app reads its configuration from the settings once; these change the app's own
configuration for the length of a test and put it back after."""

import os
import subprocess
import sys
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from jobs import outbox
from newsroom.celery import app
from tests.servers import stop_process

ROOT = Path(__file__).resolve().parent.parent
CELERY = Path(sys.executable).with_name("celery")


def spare_redis_url():
    """REDIS_URL's server (redis://127.0.0.1:6379/ by default) with a database of its own."""
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/")
    return urlunsplit(parts._replace(path="/13"))


RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
BROKERS = {"redis": spare_redis_url(), "rabbitmq": RABBITMQ_URL}
# Nothing listens on port 1: a broker that is down.
DOWN = {"redis": "redis://127.0.0.1:1/0", "rabbitmq": "amqp://guest:guest@127.0.0.1:1//"}


@contextmanager
def broker(url, queue=None):
    """This process publishes to `url` (and to `queue`, one of the test's own, so that no
    other run's worker takes its messages)."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager",
                                            "task_default_queue")}
    app.conf.update(broker_url=url, task_always_eager=False,
                    task_default_queue=queue or saved["task_default_queue"])
    outbox.broker_answered()
    try:
        yield
    finally:
        app.conf.update(saved)
        outbox.broker_answered()


def new_queue():
    return f"newsroom-test-{uuid.uuid4().hex[:12]}"


def start_worker(url, queue, *, name, extra_env=None):
    """A real `celery -A newsroom worker` process on `url`, taking only `queue`."""
    env = {
        **os.environ,
        "CELERY_BROKER_URL": url,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "test-only-insecure-key",
        "ENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        **(extra_env or {}),
    }
    return subprocess.Popen(
        [str(CELERY), "-A", "newsroom", "worker", "-I", "tests.worker_tasks", "-Q", queue,
         # A node name of its own: RabbitMQ lets one connection at a time hold a node's control
         # queue, and two test runs at once would both start "first@<host>".
         "-n", f"{name}-{uuid.uuid4().hex[:8]}@%h", "-c", "1", "-l", "info", "--without-gossip", "--without-mingle",
         "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def stop(worker):
    """Stop the worker; its output not read yet."""
    stop_process(worker)
    return worker.stdout.read() if worker.stdout else ""


class OutputReader:
    """Collects a process's output as it comes, so a test can wait for a line without
    blocking on a read (`stop` then returns only what was not read here)."""

    def __init__(self, process):
        self._lines = []
        self._thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self._thread.start()

    def _read(self, stream):
        for line in stream:
            self._lines.append(line)

    def text(self):
        return "".join(self._lines)
