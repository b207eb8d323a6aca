"""One id per web request, on its response and on every log record written while it runs.

An operator who sees an error line can find every other line of the same request, and a reader
who quotes the `X-Request-ID` header of a failed response points at exactly those lines. A proxy
or load balancer in front may send its own id in `X-Request-ID`; it is kept when it looks like an
id (letters, digits, `-`, `_`, `.`, at most 64 characters), otherwise a new one is made, so a
hostile header can never forge log lines or bloat them.

The id lives in a context variable: `current_request_id()` gives it anywhere inside the request
(a task queued from a view can carry it to the worker), and "-" outside any request.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished

HEADER = "X-Request-ID"
NO_REQUEST = "-"
_VALID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_request_id = ContextVar("request_id", default=NO_REQUEST)


def current_request_id():
    """The id of the request being served, or "-" outside a request."""
    return _request_id.get()


def _forget_request_id(**kwargs):
    _request_id.set(NO_REQUEST)


def accepted_or_new(incoming):
    """`incoming` if it is a sane id, otherwise a fresh uuid4 in hex."""
    if incoming and _VALID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Give the request its id (`request.id`), set it for the logs, and send it back.

    First in MIDDLEWARE, so that the log records of every other middleware carry the id too.
    The id is forgotten when the response is finished (`request_finished`), not when this
    middleware returns: Django logs a 4xx or 5xx answer ("Not Found: /x") after the whole
    middleware chain, and that line belongs to the request too.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        request_finished.connect(_forget_request_id, dispatch_uid="newsroom.request_id")

    def __call__(self, request):
        request.id = accepted_or_new(request.headers.get(HEADER))
        _request_id.set(request.id)
        response = self.get_response(request)
        response[HEADER] = request.id
        return response


class RequestIdFilter(logging.Filter):
    """Put the current request's id on each record as `request_id` (see LOGGING in settings)."""

    def filter(self, record):
        record.request_id = current_request_id()
        return True
