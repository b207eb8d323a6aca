"""Where submitted files are kept, with no public address: STORAGES["submissions"].

Without object storage that is `PrivateFileSystemStorage`, on disk under SUBMISSIONS_ROOT, and
staff download files through the view (submissions.views.file_download), which sends them
itself. With a bucket (newsroom.settings, docs/storage.md) it is a private S3 storage: the
same view, after the same permission check, hands staff a link signed for a few minutes.

The model's field holds `private_storage`, which looks STORAGES["submissions"] up on every use,
so a test (or a command run with other settings) that changes STORAGES or SUBMISSIONS_ROOT is
obeyed, and the field's migration stays the same whichever storage is configured.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.deconstruct import deconstructible


class PrivateFileSystemStorage(FileSystemStorage):
    """Files on disk under SUBMISSIONS_ROOT, read from the settings on every use."""

    def __init__(self, **options):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.SUBMISSIONS_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        # FileSystemStorage would fall back to MEDIA_URL, an address that must never exist.
        raise ValueError("Submitted files have no public address; use the staff download view.")


@deconstructible(path="submissions.storage.PrivateStorage")
class PrivateStorage:
    """Stands for STORAGES["submissions"]: every attribute is that storage's, looked up now."""

    def __getattr__(self, name):
        if name.startswith("__"):  # copy, pickle and friends ask the proxy, not the storage
            raise AttributeError(name)
        return getattr(storages["submissions"], name)


private_storage = PrivateStorage()


def signed_download_url(name, filename, content_type):
    """A short-lived address at which the store hands the file `name` out as a download.

    None where the storage signs no addresses (files on disk): the caller sends the file
    itself. The link names the download's file name and type, which the store answers with.
    """
    storage = storages["submissions"]
    if not getattr(storage, "querystring_auth", False):
        return None
    return storage.url(
        name,
        parameters={
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
            "ResponseContentType": content_type,
        },
    )
