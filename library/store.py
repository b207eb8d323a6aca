"""When the picture store (MEDIA_ROOT on disk, or the S3 bucket) cannot be written to.

An upload is checked and cleaned before anything is stored (library.uploads); storing it is the
one step that needs the store. `storing()` turns the store's failures (an unwritable folder, a
full disk, an S3 endpoint that refuses or does not answer) into `StoreUnreachable`, and
`StoreFailureAdminMixin` answers that in the admin: the same form again, everything typed kept,
the message on the upload field, nothing saved (the admin's transaction rolls back). Never a
500.
"""

import logging
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError

logger = logging.getLogger(__name__)

# What the storages raise when they cannot write: the file system's OSError (PermissionError,
# no space left, a missing mount), botocore's for S3 (no connection, timeouts, 5xx answers).
STORE_ERRORS = (OSError, BotoCoreError, ClientError)

UNREACHABLE = (
    "The picture store cannot be reached, so the picture was not saved (nor anything else on "
    "this form). What you typed is still here: choose the picture file again and save in a "
    "moment. If this keeps happening, tell whoever runs the site."
)


class StoreUnreachable(Exception):
    """Storing a picture failed because of the store, not the picture."""


@contextmanager
def storing():
    """Run a block that writes to the picture store; its failures become `StoreUnreachable`."""
    try:
        yield
    except STORE_ERRORS as error:
        logger.warning("The picture store could not be written to: %r", error)
        raise StoreUnreachable(UNREACHABLE) from error


class StoreFailureAdminMixin:
    """For a ModelAdmin whose save stores an uploaded picture (inside `storing()`).

    When the store fails, the save's transaction has rolled back; the POST is then validated
    again with a form that says so on `store_failure_field` (or above the form if it has no
    such field), so the page comes back as for any invalid form: every value typed kept."""

    store_failure_field = "file"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StoreUnreachable as failure:
            request.picture_store_failure = str(failure)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        failure = getattr(request, "picture_store_failure", None)
        if failure is None:
            return form
        field = self.store_failure_field

        class StoreFailedForm(form):
            def clean(self):
                cleaned_data = super().clean()
                self.add_error(field if field in self.fields else None, failure)
                return cleaned_data

        StoreFailedForm.__name__ = form.__name__
        return StoreFailedForm
