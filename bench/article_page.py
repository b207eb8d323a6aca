"""Render the demo's lead article page many times in process; print the median and the queries.

    make bench                                   # SQLite (the embedded default)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom make bench

A throwaway test database is created (in memory for SQLite, `test_<name>` on PostgreSQL), the
demo content is imported into it, the page is requested once to warm the caches, and then it is
requested --runs times through Django's test client: URL routing, middleware, the view, the
template and the response, as a server would run them, minus the network.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300, help="timed requests (default 300)")
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-insecure-key")
    os.environ["DEBUG"] = "0"
    media = tempfile.TemporaryDirectory(prefix="newsroom-bench-media-")
    os.environ["MEDIA_ROOT"] = media.name

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from articles.models import Article

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    try:
        with override_settings(
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": plain_static,
            }
        ):
            subprocess.run(
                [sys.executable, str(ROOT / "demo" / "draw_images.py")],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            call_command(
                "import_articles", str(ROOT / "demo" / "articles.jsonl"), stdout=StringIO()
            )
            call_command("demo_site", stdout=StringIO())
            lead = Article.objects.get(source_system="demo", source_id="demo-001")
            url = lead.get_absolute_url()
            client = Client()
            # Warm up: templates compiled, header and footer cached, page fragments cached.
            assert client.get(url).status_code == 200
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200
            query_count = len(queries)
            timings = []
            for _ in range(options.runs):
                start = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        media.cleanup()

    vendor = connection.vendor
    timings.sort()
    print(
        f"{vendor}: {url} x{options.runs}: median {statistics.median(timings):.2f} ms, "
        f"p90 {timings[int(len(timings) * 0.9)]:.2f} ms, min {timings[0]:.2f} ms, "
        f"{query_count} queries, {len(response.content) / 1024:.1f} KiB"
    )


if __name__ == "__main__":
    main()
