"""One id per web request, on its response and on every log record written while it runs.

An operator who sees an error line can find every other line of the same request, and a reader
who quotes the `X-Request-ID` header of a failed response points at exactly those lines. A proxy
or load balancer in front may send its own id in `X-Request-ID`; it is kept when it looks like an
id (letters, digits, `-`, `_`, `.`, at most 64 characters), otherwise a new one is made, so a
hostile header can never forge log lines or bloat them.

The id lives in a context variable: `current_request_id()` gives it anywhere inside the request,
and "-" outside any request. Work queued from the request carries it along (`jobs.outbox` sends
it in the task message's `request_id` header), and `follow_into_tasks` sets it again while the
task runs, in a worker or in this process, so the task's log lines carry the id of the request
that queued it. Work queued from a task carries that task's id on; work queued from anywhere
else (a command, the scheduler) gets an id of its own (`id_for_new_work`).
"""

import logging
import re
import uuid
from contextvars import ContextVar

from celery.signals import task_postrun, task_prerun
from django.core.signals import request_finished

HEADER = "X-Request-ID"
# The header of a task message that carries the id of the request (or task) that queued it.
TASK_HEADER = "request_id"
NO_REQUEST = "-"
_VALID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_request_id = ContextVar("request_id", default=NO_REQUEST)


def current_request_id():
    """The id of the request being served, or "-" outside a request."""
    return _request_id.get()


def id_for_new_work():
    """The id queued work should carry: the current request's (or task's), or a fresh one
    when there is none (a command, the scheduler), so the work's lines still share an id."""
    current = current_request_id()
    return current if current != NO_REQUEST else uuid.uuid4().hex


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


# The tokens to put each running task's previous id back with, by task id: a stack, since a
# task run in-process may retry itself (the same id again) before it ends.
_task_tokens = {}


def _task_started(task_id=None, task=None, **kwargs):
    headers = getattr(task.request, "headers", None) or {}
    task_request_id = accepted_or_new(headers.get(TASK_HEADER))
    _task_tokens.setdefault(task_id, []).append(_request_id.set(task_request_id))


def _task_ended(task_id=None, **kwargs):
    tokens = _task_tokens.get(task_id)
    if not tokens:
        return
    # Back to what was current before: "-" in a worker, the request's id in a request that
    # ran the task in-process.
    try:
        _request_id.reset(tokens.pop())
    except ValueError:  # set in another context (a pool that switched threads): start clean
        _request_id.set(NO_REQUEST)
    if not tokens:
        del _task_tokens[task_id]


def follow_into_tasks():
    """While a task runs, its log records carry the id its message brought (or a fresh one,
    for a task sent without: the scheduler's). Connected once, by the jobs app."""
    task_prerun.connect(_task_started, weak=False, dispatch_uid="newsroom.request_id.started")
    task_postrun.connect(_task_ended, weak=False, dispatch_uid="newsroom.request_id.ended")


class RequestIdFilter(logging.Filter):
    """Put the current request's id on each record as `request_id` (see LOGGING in settings)."""

    def filter(self, record):
        record.request_id = current_request_id()
        return True
