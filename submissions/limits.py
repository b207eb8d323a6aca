"""Size limits applied while a submission's body is read, before any of it is kept.

Three layers, from the outside in: the view refuses a request whose declared length is over
`body_limit()` without reading it; `UploadLimits`, the first upload handler of the view's
request, drops a file as soon as it passes SUBMISSIONS_MAX_FILE_BYTES or is one file too many
(the form then names it), and stops reading once the files together pass
SUBMISSIONS_MAX_TOTAL_BYTES; the form's checks (submissions.files) come last. The web server in
front should refuse bodies over `body_limit()` too, so that they never reach Django.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload

from submissions.files import megabytes

# Room for the form's text fields and the multipart framing on top of the files.
FORM_ALLOWANCE = 1024 * 1024


def body_limit():
    """The largest request body the submission form reads."""
    return settings.SUBMISSIONS_MAX_TOTAL_BYTES + FORM_ALLOWANCE


def too_large_message():
    return (
        f"What you sent is too large: all files together may be at most "
        f"{megabytes(settings.SUBMISSIONS_MAX_TOTAL_BYTES)}, and one file at most "
        f"{megabytes(settings.SUBMISSIONS_MAX_FILE_BYTES)}. Send fewer or smaller files, or "
        "give a link to where the video is posted."
    )


class UploadLimits(FileUploadHandler):
    """Counts the bytes of each file and of all files, passing them on to Django's handlers.

    `problems` lists, in words for the submitter, the files dropped; `stopped` is True when the
    upload was cut short for its total size (what arrived is then incomplete).
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.max_files = settings.SUBMISSIONS_MAX_FILES
        self.max_file_bytes = settings.SUBMISSIONS_MAX_FILE_BYTES
        self.max_total_bytes = settings.SUBMISSIONS_MAX_TOTAL_BYTES
        self.file_count = 0
        self.file_bytes = 0
        self.total_bytes = 0
        self.problems = []
        self.stopped = False

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.file_count += 1
        self.file_bytes = 0
        if self.file_count == self.max_files + 1:
            self.problems.append(f"Send at most {self.max_files} files at a time.")

    def receive_data_chunk(self, raw_data, start):
        # Files are skipped here rather than in new_file: skipping there would close the
        # previous file, still held by the handlers after this one (Django's MultiPartParser).
        if self.file_count > self.max_files:
            raise SkipFile()
        self.file_bytes += len(raw_data)
        self.total_bytes += len(raw_data)
        if self.total_bytes > self.max_total_bytes:
            self.stopped = True
            # The rest of the body is read and thrown away (it is no longer than body_limit()),
            # so that the browser, still sending, receives the answer.
            raise StopUpload(connection_reset=False)
        if self.file_bytes > self.max_file_bytes:
            self.problems.append(
                f"“{self.file_name}” is larger than {megabytes(self.max_file_bytes)}, the most "
                "we accept for one file."
            )
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler makes the file
