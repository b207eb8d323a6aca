"""PgBouncer in transaction mode in front of PostgreSQL, as docs/deploy.md describes it: the site
served through it (DATABASE_PGBOUNCER=1) answers its pages, takes an editor's save, and exports
the archive (a server-side cursor without DATABASE_PGBOUNCER: PgBouncer may hand each
transaction another server connection, where the cursor does not exist).

PgBouncer (Debian's `pgbouncer`, installed by `make pg-tools`) runs as the `postgres` user on a
free port, in front of this machine's PostgreSQL, in a database of the test's own.
"""

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.servers import free_port, stop_process, wait_until_serving
from tests.site_server import Server, manage, server_environment
from tests.test_replicas import EDITOR, PASSWORD, Story, Visitor, headline_on, save_headline

pytestmark = [pytest.mark.postgres, pytest.mark.services]

POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
CONFIG = """
[databases]
{database} = host=127.0.0.1 port=5432 dbname={database} user=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/users.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = 4
max_client_conn = 100
logfile = {folder}/pgbouncer.log
"""


def pgbouncer_binary():
    found = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(found).exists():
        pytest.fail("pgbouncer is not installed: `make pg-tools` installs it (Debian's package)")
    return found


@pytest.fixture(scope="module")
def database():
    """A database of the test's own on the machine's PostgreSQL, dropped at the end."""
    name = f"newsroom_pgbouncer_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**POSTGRES, dbname="postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(**POSTGRES, dbname="postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def pgbouncer(database):
    """PgBouncer in transaction mode on a free port; yields the port."""
    folder = Path(tempfile.mkdtemp(prefix="newsroom-pgbouncer-"))
    port = free_port()
    (folder / "users.txt").write_text('"postgres" ""\n')
    config = CONFIG.format(database=database, port=port, folder=folder)
    (folder / "pgbouncer.ini").write_text(config)
    as_postgres = {"user": "postgres", "group": "postgres"} if os.geteuid() == 0 else {}
    if as_postgres:
        shutil.chown(folder, "postgres", "postgres")
        for path in folder.iterdir():
            shutil.chown(path, "postgres", "postgres")
    process = subprocess.Popen(
        [pgbouncer_binary(), str(folder / "pgbouncer.ini")],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, **as_postgres,
    )

    def answers():
        psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=database).close()
        return True

    try:
        wait_until_serving(
            answers,
            process,
            name="pgbouncer",
            log=folder / "pgbouncer.log",
            timeout=20,
            interval=0.1,
            not_yet=(psycopg.OperationalError,),
        )
        yield port
    finally:
        stop_process(process, timeout=10)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def site(database, pgbouncer, demo_folder, static_root, tmp_path_factory):
    """The demo's first ten stories, migrated directly, served through PgBouncer."""
    folder = tmp_path_factory.mktemp("pgbouncer")
    shutil.copytree(demo_folder / "images", folder / "images")
    lines = (demo_folder / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    (folder / "articles.jsonl").write_text("\n".join(lines[:10]) + "\n", encoding="utf-8")
    env = server_environment(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        STATIC_ROOT=static_root,
        MEDIA_ROOT=folder / "media",
    )
    manage("migrate", "--noinput", "-v0", env=env)
    manage("import_articles", str(folder / "articles.jsonl"), env=env)
    manage("demo_site", env=env)
    through = {
        **env,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pgbouncer}/{database}",
        "DATABASE_PGBOUNCER": "1",
    }
    server = Server(through, folder / "gunicorn.log")
    server.env = through
    yield server
    server.stop()


def pgbouncer_figures(port, database):
    """PgBouncer's own view of the database: its pool mode and the transactions it carried."""
    with psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", dbname="pgbouncer", autocommit=True,
        row_factory=dict_row,
    ) as console:
        pool = next(row for row in console.execute("SHOW POOLS") if row["database"] == database)
        stat = next(row for row in console.execute("SHOW STATS") if row["database"] == database)
    return pool["pool_mode"], stat["total_xact_count"]


def test_the_site_serves_and_saves_through_pgbouncer_in_transaction_mode(
    site, pgbouncer, database
):
    mode, transactions_before = pgbouncer_figures(pgbouncer, database)
    assert mode == "transaction"

    reader = Visitor(site)
    home = reader.get("/")
    assert home.status == 200
    link = home.page.select_one(".card__headline a")
    path = link["href"]
    with psycopg.connect(**POSTGRES, dbname=database) as connection:
        slug = path.rstrip("/").rsplit("/", 1)[-1]
        pk = connection.execute(
            "SELECT id FROM articles_article WHERE slug = %s", [slug]
        ).fetchone()[0]
    story = Story(path, pk, headline_on(reader.get(path)))

    editor = Visitor(site).sign_in(EDITOR, PASSWORD)
    assert save_headline(editor, story, "Saved through the pooler").status == 302
    assert headline_on(reader.get(story.path)) == "Saved through the pooler"
    for page in ["/latest/", "/feeds/rss/", "/sitemap.xml", "/search/?q=saved"]:
        assert reader.get(page).status == 200, page

    _, transactions_after = pgbouncer_figures(pgbouncer, database)
    assert transactions_after > transactions_before
    assert "Traceback" not in site.log(), site.log()


def test_the_archive_exports_through_pgbouncer(site, tmp_path):
    # A server-side cursor, were they on: the export walks the articles with iterator().
    output = tmp_path / "export.jsonl"
    manage("export_articles", "--output", str(output), env=site.env)
    assert len(output.read_text(encoding="utf-8").splitlines()) == 10
