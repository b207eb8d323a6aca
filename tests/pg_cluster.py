"""Throwaway PostgreSQL servers for tests: a primary and its streaming replicas, made with the
PostgreSQL binaries on this machine (`pg_config --bindir`: initdb, pg_basebackup, pg_ctl), each
on a free port, their data in a temporary folder, stopped and removed at the end.

The servers run as the `postgres` user when the tests run as root (PostgreSQL refuses to run as
root), through `runuser`. Every server trusts local connections as `postgres` (these are a
test's own, on 127.0.0.1 only), and is tuned for speed over durability: no fsync.
"""

import os
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from tests.servers import free_port

BINDIR = Path(
    subprocess.run(
        ["pg_config", "--bindir"], capture_output=True, text=True, check=True
    ).stdout.strip()
)
# What the servers are told besides their port (the primary's file is copied to its replicas).
SETTINGS = """
listen_addresses = '127.0.0.1'
unix_socket_directories = '{sockets}'
fsync = off
full_page_writes = off
wal_level = replica
max_wal_senders = 10
hot_standby = on
max_connections = 60
shared_buffers = 16MB
"""


def run_as_postgres(*command, **options):
    """Run a PostgreSQL program as the `postgres` user (as ourselves when not root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    result = subprocess.run(
        [*prefix, *map(str, command)], capture_output=True, text=True, **options
    )
    if result.returncode:
        raise RuntimeError(f"{Path(str(command[0])).name} failed:\n{result.stdout}{result.stderr}")
    return result


class Server:
    """One PostgreSQL server of the cluster: its data folder, port and log."""

    def __init__(self, folder, name):
        self.name = name
        self.folder = folder
        self.data = folder / name
        self.log = folder / f"{name}.log"
        self.port = free_port()

    def url(self, database):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self):
        run_as_postgres(
            BINDIR / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60",
            "-o", f"-p {self.port}", "start",
        )

    def stop(self):
        """Stop at once, as a crash or a pulled cable would: no checkpoint, no goodbye."""
        run_as_postgres(BINDIR / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")

    def running(self):
        result = subprocess.run(
            [BINDIR / "pg_isready", "-h", "127.0.0.1", "-p", str(self.port)], capture_output=True
        )
        return result.returncode == 0

    def connect(self, database="postgres"):
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True
        )

    def value(self, sql, params=(), database="postgres"):
        """The first column of the first row `sql` returns (None when it returns none)."""
        with self.connect(database) as connection:
            cursor = connection.execute(sql, params)
            row = cursor.fetchone() if cursor.description else None
        return row[0] if row else None

    def log_text(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class Cluster:
    """A primary and `replica_count` streaming replicas of it (pg_basebackup -R)."""

    def __init__(self, replica_count=1):
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self.primary = Server(self.folder, "primary")
        self.replicas = [Server(self.folder, f"replica{n}") for n in range(1, replica_count + 1)]

    def start(self):
        if not stat.S_ISCHR(os.stat(os.devnull).st_mode):
            # initdb, run as postgres, writes to it: a root-owned plain file there stops it.
            raise RuntimeError(f"{os.devnull} is a plain file, not the null device: recreate it")
        run_as_postgres(
            BINDIR / "initdb", "-D", self.primary.data, "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--locale=C",
        )
        with (self.primary.data / "postgresql.conf").open("a") as conf:
            conf.write(SETTINGS.format(sockets=self.folder))
        self.primary.start()
        for replica in self.replicas:
            run_as_postgres(
                BINDIR / "pg_basebackup", "-h", "127.0.0.1", "-p", self.primary.port,
                "-U", "postgres", "-D", replica.data, "-R", "-X", "stream", "-c", "fast",
            )
            replica.start()
        return self

    def create_database(self, name):
        with self.primary.connect() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        self.wait_for_replicas()

    def wait_for_replicas(self, timeout=30):
        """Until every running replica has replayed all the primary has written so far."""
        target = self.primary.value("SELECT pg_current_wal_insert_lsn()::text")
        deadline = time.monotonic() + timeout
        for replica in self.replicas:
            if not replica.running():
                continue
            while not replica.value(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)
            ):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{replica.name} did not catch up with the primary")
                time.sleep(0.05)

    def pause_replay(self):
        """The replicas keep receiving the primary's changes but apply none: lag, on demand."""
        for replica in self.replicas:
            replica.value("SELECT pg_wal_replay_pause()")
            while replica.value("SELECT pg_get_wal_replay_pause_state()") != "paused":
                time.sleep(0.02)

    def resume_replay(self):
        for replica in self.replicas:
            replica.value("SELECT pg_wal_replay_resume()")
        self.wait_for_replicas()

    def stop(self):
        for server in [*self.replicas, self.primary]:
            if server.running():
                server.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
