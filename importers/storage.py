"""Where uploaded import files are kept, with no public address: STORAGES["imports"].

A WordPress export or a JSON Lines file holds what a site never published (drafts, private
posts, authors' e-mail addresses), so it is never stored where the web server serves files.
Without object storage that is `ImportFileStorage`, on disk under IMPORTS_ROOT; with a bucket
(newsroom.settings.storage, docs/storage.md) it is a private S3 storage, which workers on other
machines read as well. Nothing ever links to these files: the report is what staff download.
"""

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages


class ImportFileStorage(FileSystemStorage):
    """Files on disk under IMPORTS_ROOT, read from the settings on every use."""

    def __init__(self, **options):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.IMPORTS_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        # FileSystemStorage would fall back to MEDIA_URL, an address that must never exist.
        raise ValueError("Uploaded import files have no public address.")


def import_storage():
    """The storage of uploaded import files and the parts a large one is split into."""
    return storages["imports"]


@contextmanager
def local_file(name, filename):
    """The stored file `name` as a local path named `filename` (a copy, for object storage)."""
    storage = import_storage()
    try:
        local = Path(storage.path(name))
    except NotImplementedError:  # object storage has no local path
        local = None
    if local is not None:
        yield local
        return
    with tempfile.TemporaryDirectory(prefix="newsroom-import-") as folder:
        local = Path(folder) / filename
        with storage.open(name, "rb") as source, local.open("wb") as copy:
            shutil.copyfileobj(source, copy, 1 << 20)
        yield local
