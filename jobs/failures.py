"""A task that fails after its last retry is recorded (jobs.models.FailedTask), for every task,
ours or a library's, through Celery's task_failure signal: nothing fails silently."""

import json
import logging

from celery.signals import task_failure, task_unknown

from jobs.models import FailedTask
from newsroom.request_id import TASK_HEADER

logger = logging.getLogger(__name__)


def as_json(value):
    """The value as stored JSON; what JSON cannot hold is kept as its repr."""
    return json.loads(json.dumps(value, default=repr))


def record_failure(sender=None, task_id=None, exception=None, args=None, kwargs=None,
                   einfo=None, **_):
    """Write or update the task's FailedTask row. Never raises: a task's failure must not be
    hidden behind a second one (the database down, say), which is logged instead."""
    request = getattr(sender, "request", None)
    headers = getattr(request, "headers", None) or {}
    try:
        FailedTask.objects.update_or_create(
            task_id=task_id or "",
            defaults={
                "task_name": getattr(sender, "name", "") or "",
                "args": as_json(list(args or ())),
                "kwargs": as_json(dict(kwargs or {})),
                "error": f"{type(exception).__name__}: {exception}",
                "traceback": str(einfo.traceback) if einfo else "",
                "attempts": getattr(request, "retries", 0) + 1,
                "request_id": str(headers.get(TASK_HEADER) or "")[:64],
            },
        )
    except Exception:
        logger.exception("Could not record the failure of task %s (%s)", task_id, sender)


def record_unknown(sender=None, name=None, id=None, message=None, exc=None, **_):
    """A message for a task this worker does not know (an older or newer release) is dropped
    by Celery: recorded here first, so "run again" can queue it once the workers know it."""
    try:
        body = message.decode() if message is not None else None
        args, kwargs = (body[0], body[1]) if isinstance(body, (list, tuple)) else ([], {})
        FailedTask.objects.update_or_create(
            task_id=id or "",
            defaults={
                "task_name": name or "",
                "args": as_json(list(args)),
                "kwargs": as_json(dict(kwargs)),
                "error": f"No worker task named {name!r} ({exc})",
                "attempts": 0,
            },
        )
    except Exception:
        logger.exception("Could not record the unknown task %s (%s)", name, id)


def connect():
    task_failure.connect(record_failure, weak=False, dispatch_uid="jobs.record_failure")
    task_unknown.connect(record_unknown, weak=False, dispatch_uid="jobs.record_unknown")
