"""A real server for tests, started as a deployment starts it: gunicorn serving the project on
a free local port with DEBUG off, plain http and no .env file (`Server`, `server_environment`),
and `manage(...)` to run a management command in that environment first.

Standard library only, like tests/servers.py, so that a test can start a server before Django
is set up for it.
"""

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tests.servers import free_port, stop_process, wait_until_listening

ROOT = Path(__file__).resolve().parents[1]


def server_environment(**values):
    """The environment of a production-like process: DEBUG off, plain http, no .env file."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"} and not key.startswith("DATABASE_")
    }
    env.update(
        ENV_FILE="",
        DEBUG="0",
        SECRET_KEY="fault-tests-only-insecure-key",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
    )
    env.update({key: str(value) for key, value in values.items()})
    return env


def manage(*args, env):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


class Server:
    """gunicorn serving the project on a free local port; its log is kept for the tests.
    `options` are gunicorn's, added to the command line (`--threads 4`)."""

    def __init__(self, env, log_path, options=()):
        self.port = free_port()
        self.log_path = log_path
        self.log_file = log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "30",
                *options,
                "newsroom.wsgi",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_listening(
                "127.0.0.1",
                self.port,
                self.process,
                name="gunicorn",
                log=log_path,
                timeout=20,
                interval=0.1,
            )
        except RuntimeError:
            self.stop()
            raise

    def get(self, path):
        """(status, headers, body text) of a GET, without following redirects."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def log(self):
        self.log_file.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self):
        stop_process(self.process, timeout=10)
        self.log_file.close()
