"""Where submitted files are kept: on disk under SUBMISSIONS_ROOT, with no public address.

The folder is read from the settings on every use rather than once, so a test (or a command
run with other settings) that changes SUBMISSIONS_ROOT is obeyed. Files are reached only
through the staff download view (submissions.views.file_download).
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="submissions.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    def __init__(self):
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


private_storage = PrivateStorage()
