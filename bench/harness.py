"""What the benchmarks share: Django set up as in production (DEBUG off), over a throwaway
database and media folder that are removed afterwards."""

import contextlib
import os
import sys
import tempfile
from pathlib import Path

# The code measured: this checkout, or another revision's tree that a bench's --baseline made
# (the bench's own script and harness stay this checkout's, so both sides are measured alike).
ROOT = Path(os.environ.get("NEWSROOM_BENCH_CODE") or Path(__file__).resolve().parent.parent)


@contextlib.contextmanager
def throwaway_site(**settings):
    """Set Django up on a new test database (`test_<name>`, or in memory for SQLite) and yield.

    Static files are named plainly, so no collectstatic is needed; `settings` are overridden
    for the duration.
    """
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-insecure-key")
    os.environ["DEBUG"] = "0"
    # The test client speaks plain http: production's redirect to https would answer everything.
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    media = tempfile.TemporaryDirectory(prefix="newsroom-bench-media-")
    os.environ["MEDIA_ROOT"] = media.name

    import django

    django.setup()
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    try:
        with override_settings(STORAGES=storages, **settings):
            yield connection
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        media.cleanup()
