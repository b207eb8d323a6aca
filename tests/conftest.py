import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

from articles import body


@pytest.fixture(autouse=True, scope="session")
def plain_http():
    """Tests speak http to the test client and the live server, so production's redirect to
    https is off for the run (before any live server starts); test_security turns it back on."""
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(autouse=True)
def isolated_site(settings, tmp_path):
    """Each test gets its own media folder, an empty cache and plain static file names."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
    body._content_blocks.cache_clear()
    yield
    cache.clear()


DEMO = Path(__file__).resolve().parent.parent / "demo"

# The importers' conformance tests read real-world files kept outside the repository; where
# that folder is absent the module is not collected (rather than reported as skipped).
SHARED_FIXTURES = Path(
    os.environ.get("NEWSROOM_FIXTURES", Path(__file__).resolve().parents[2] / "shared" / "fixtures")
)
collect_ignore = [] if SHARED_FIXTURES.is_dir() else ["test_import_conformance.py"]


@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory):
    """The demo JSONL beside freshly drawn pictures, outside the project tree (drawn once)."""
    folder = tmp_path_factory.mktemp("demo")
    shutil.copy(DEMO / "articles.jsonl", folder / "articles.jsonl")
    subprocess.run(
        [
            sys.executable,
            str(DEMO / "draw_images.py"),
            str(folder / "images"),
            "--articles",
            str(folder / "articles.jsonl"),
        ],
        check=True,
        capture_output=True,
    )
    return folder


def load_demo(folder):
    """Import the demo articles and dress the site as `make run` does; returns the report."""
    out = io.StringIO()
    call_command("import_articles", str(folder / "articles.jsonl"), stdout=out)
    call_command("demo_site", stdout=io.StringIO())
    return out.getvalue()


@pytest.fixture
def reader(client):
    """An anonymous member of the public."""
    return client


def parse(response):
    """The response's HTML as a BeautifulSoup tree."""
    return BeautifulSoup(response.content, "html.parser")


def text_of(node):
    """A node's visible text with whitespace collapsed."""
    return " ".join(node.get_text(" ").split())
