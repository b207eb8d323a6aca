"""`make stack`: web, worker and scheduler together (the Procfile, run by honcho) on PostgreSQL
and Redis, after migrating. The web answers /healthz and /readyz with every service up, the
worker takes a task from the broker and the scheduler starts; Ctrl-C (SIGTERM) stops them all."""

import os
import signal
import subprocess
import urllib.error
import urllib.request

import pytest

from jobs.outbox import enqueue
from tests.servers import free_port, wait_for
from tests.task_queue import BROKERS, ROOT, OutputReader, broker
from tests.test_task_workers import worker_database_url

pytestmark = [pytest.mark.services, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def get(port, path):
    """(status, body) of a GET to the stack's web process; (0, "") while it does not answer."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def setup_stamp():
    """The Makefile's record that the venv is set up, for `make -o` (the venv is already)."""
    checksum = subprocess.run(
        ["cksum", "pyproject.toml"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()[0]
    return f".venv/.installed-{checksum}"


@pytest.fixture
def stack():
    """`make stack` on a free port, the test database and a Redis database of the tests' own;
    yields (port, its output so far); stopped as Ctrl-C stops it."""
    port = free_port()
    env = {
        **os.environ,
        "ENV_FILE": "",
        "SECRET_KEY": "stack-test-only-insecure-key",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": BROKERS["redis"],
        "CELERY_BROKER_URL": BROKERS["redis"],
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        ["make", "-o", setup_stamp(), "stack", f"PORT={port}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its own process group: make, honcho and the three processes
    )
    output = OutputReader(process)
    try:
        yield port, output, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        print(output.text())


def test_make_stack_serves_the_site_with_a_worker_and_the_scheduler(stack):
    port, output, process = stack

    assert wait_for(lambda: get(port, "/healthz")[0] == 200, timeout=30), output.text()
    status, body = get(port, "/readyz")
    assert status == 200, body
    assert body.splitlines() == ["database: OK", "cache: OK", "storage: OK", "broker: OK"]
    for started in ("web.1 started", "worker.1 started", "scheduler.1 started"):
        assert started in output.text()
    assert wait_for(lambda: "beat: Starting..." in output.text(), timeout=15), output.text()
    assert wait_for(lambda: " ready." in output.text(), timeout=15), output.text()

    # The worker is connected: a task sent to the stack's broker runs there.
    with broker(BROKERS["redis"]):
        message = enqueue("jobs.flush_outbox")
    done = f"Task jobs.flush_outbox[{message.pk}] succeeded"
    assert wait_for(lambda: done in output.text(), timeout=15), output.text()

    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)
    for stopped in ("web.1 stopped", "worker.1 stopped", "scheduler.1 stopped"):
        assert stopped in output.text()
