import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache

from articles import body


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
