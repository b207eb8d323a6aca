"""What readers get while the database cannot answer: a branded 503 with Retry-After.

A database that is down, restarting or refusing connections makes Django raise
`OperationalError` or `InterfaceError` (psycopg's and sqlite3's own errors arrive wrapped in
these). Left alone they become a 500, which says "our bug" to readers and "do not retry" to
crawlers and CDNs; a 503 with `Retry-After` says "come back shortly", which is the truth.

The error can surface in three places, and `DatabaseUnavailableMiddleware` answers all three:

- in a view, or while a `TemplateResponse` renders (a lazy queryset evaluated by the template):
  Django hands both to `process_exception`;
- in another middleware (a session or a redirect looked up on the way out) or in the 404
  handler: Django turns those into a 500 response before this middleware sees anything, so
  `note_database_error` (a `got_request_exception` receiver) marks the request and `__call__`
  swaps the 500 for the 503.

Each outage is logged once, as one warning line of this module's; Django's own "Internal Server
Error" record of the same request (with its traceback) is dropped by `OutageAlreadyLogged`, a
filter on the `django.request` logger (see LOGGING in settings).

`templates/503.html` is rendered without the request, so no context processor runs and
nothing on the page can query the database that just failed. Under the admin's address the page
is `templates/503_admin.html`, "Saving is paused": the admin reads and writes the primary only,
and says plainly that nothing was saved (the request's transaction, if one began, rolled back).
"""

import logging
import sys

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from newsroom.security import admin_prefix

logger = logging.getLogger(__name__)

# OperationalError also covers a lock wait or statement timeout and a serialisation failure:
# all of them pass if the reader tries again, which is what a 503 asks.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
_MARK = "_newsroom_database_error"


def service_unavailable(request, error):
    """The 503 page, its Retry-After, and one log line naming the error but no settings."""
    first_line = next(iter(str(error).strip().splitlines()), "")[:200]
    # An outage is the platform's weather, not the code's bug: a warning, told once.
    setattr(request, _MARK, error)
    logger.warning(
        "Database unavailable (%s: %s) on %s %s; answered 503.",
        type(error).__name__,
        first_line,
        request.method,
        request.path,
    )
    retry_after = settings.NEWSROOM_RETRY_AFTER_SECONDS
    prefix = admin_prefix()
    in_admin = bool(prefix) and request.path_info.startswith(prefix)
    page = render_to_string(
        "503_admin.html" if in_admin else "503.html",
        {"retry_after": retry_after, "replicas": bool(settings.NEWSROOM_REPLICAS)},
    )
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(retry_after)
    # A CDN that kept the 503 would go on serving it after the database is back.
    add_never_cache_headers(response)
    return response


def note_database_error(sender, request=None, **kwargs):
    """Mark a request whose 500 was caused by the database being unreachable.

    Django sends `got_request_exception` from inside its own `except` block, so the error
    being handled is still `sys.exc_info()`.
    """
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_UNAVAILABLE):
        setattr(request, _MARK, error)


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After, never a 500, when the database cannot be reached.

    Place it near the top of MIDDLEWARE so that the errors of the middleware below it are
    seen too (see the module docstring).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, _MARK, None)
        if error is not None and response.status_code == 500:
            return service_unavailable(request, error)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return service_unavailable(request, exception)
        return None


class OutageAlreadyLogged(logging.Filter):
    """Drop `django.request`'s records of a request answered 503 for a database outage.

    Django logs such a request as "Internal Server Error" with a traceback (when the error
    passed through its exception handling) and then as "Service Unavailable";
    `service_unavailable` has already said all of it in one line.
    """

    def filter(self, record):
        request = getattr(record, "request", None)
        return getattr(request, _MARK, None) is None
