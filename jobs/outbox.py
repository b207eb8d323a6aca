"""The one way to queue work: `enqueue("app.task_name", *args, **kwargs)`.

`enqueue` writes an `OutboxMessage` in the caller's transaction, so the work is queued exactly
when the change that asked for it is saved, and not at all if that change rolls back. After the
commit the message is handed on:

- with a broker (CELERY_BROKER_URL), it is published and marked sent. While the broker is down
  the publish fails fast, the message stays pending, and nothing reaches the editor;
  `flush_outbox` (a management command, and a task the worker's scheduler runs) sends it later;
- without one, it is marked sent and its task runs here, in this process.

Each message keeps the id of the request (X-Request-ID) or task that queued it, and the task
runs with that id in its log lines (newsroom.request_id), on a worker or here.

A message is claimed with SELECT ... FOR UPDATE SKIP LOCKED (PostgreSQL), so the web process and
a flush never send the same row at once. A message can still be sent twice (published, then the
process dies before marking it sent): its id is the task id, and tasks are idempotent.
"""

import logging
import time

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from jobs.models import OutboxMessage
from newsroom.celery import app
from newsroom.request_id import TASK_HEADER, id_for_new_work

logger = logging.getLogger(__name__)

# What an unreachable or refusing broker raises while we publish.
BROKER_ERRORS = (OperationalError, OSError)
# After the broker fails to answer, this process leaves it alone for this many seconds: each
# try costs up to the connection timeout, and an editor's save should not pay it every time.
# Messages queued meanwhile stay pending for flush_outbox.
QUIET_SECONDS = 30
_quiet_until = 0.0


class BrokerResting(OperationalError):
    """Not tried: the broker failed to answer less than QUIET_SECONDS ago."""


def enqueue(task_name, *args, **kwargs):
    """Queue `task_name(*args, **kwargs)` to run after the current transaction commits.

    Arguments must be JSON values (ids, strings, numbers), never model instances: the task reads
    the rows it needs when it runs. Returns the outbox message."""
    message = OutboxMessage.objects.create(
        task_name=task_name, args=list(args), kwargs=kwargs, request_id=id_for_new_work()
    )
    transaction.on_commit(lambda: deliver(message.pk), robust=True)
    return message


def broker_configured():
    """Whether messages go to a broker (CELERY_BROKER_URL) or run in this process."""
    return bool(app.conf.broker_url)


def deliver(message_id, connection=None):
    """Send one pending message (or run it here without a broker). Returns False only when the
    broker could not be reached; a message already sent or claimed elsewhere is skipped."""
    run_here = None
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, sent_at__isnull=True)
            .first()
        )
        if message is None:
            return True
        if broker_configured():
            try:
                if connection is None and time.monotonic() < _quiet_until:
                    raise BrokerResting("the broker did not answer a moment ago; not tried")
                publish(message, connection)
                broker_answered()
            except BROKER_ERRORS as error:
                if not isinstance(error, BrokerResting):
                    broker_failed()
                message.attempts += 1
                message.last_error = f"{type(error).__name__}: {error}"
                message.save(update_fields=["attempts", "last_error"])
                logger.warning(
                    "Broker unreachable; %s stays in the outbox (%s)", message, message.last_error
                )
                return False
        else:
            run_here = message
        message.sent_at = timezone.now()
        message.save(update_fields=["sent_at"])
    if run_here is not None:
        run_in_process(run_here)
    return True


def broker_failed():
    global _quiet_until
    _quiet_until = time.monotonic() + QUIET_SECONDS


def broker_answered():
    global _quiet_until
    _quiet_until = 0.0


def publish(message, connection=None):
    """Hand the message to the broker, its id as the task id. The task need not be known to
    this process: the worker that takes it must know it."""
    options = {"task_id": str(message.pk), "retry": False, "headers": task_headers(message)}
    if connection is not None:
        app.send_task(message.task_name, message.args, message.kwargs, connection=connection,
                      **options)
        return
    with app.connection_for_write() as own:
        app.send_task(message.task_name, message.args, message.kwargs, connection=own, **options)


def run_in_process(message):
    """Run the message's task here, with its retries; a failure is recorded (jobs.failures),
    never raised to the caller."""
    task = app.tasks.get(message.task_name)
    if task is None:
        # A worker imports every app's tasks module when it starts; a web process has imported
        # only those its code used so far.
        app.loader.import_default_modules()
        task = app.tasks.get(message.task_name)
    if task is None:
        logger.error("No task named %s; outbox message %s not run", message.task_name, message.pk)
        return
    task.apply(message.args, message.kwargs, task_id=str(message.pk),
               headers=task_headers(message))


def task_headers(message):
    """The headers a message's task is sent with: the request id it keeps (none for a
    message queued before ids were kept)."""
    return {TASK_HEADER: message.request_id} if message.request_id else {}


def flush(limit=1000):
    """Send pending messages, oldest first, until none is left or the broker fails again.
    Returns (sent, still pending)."""
    pending = OutboxMessage.objects.filter(sent_at__isnull=True)
    ids = list(pending.values_list("pk", flat=True)[:limit])
    sent = 0
    if ids and broker_configured():
        with app.connection_for_write() as connection:
            for message_id in ids:
                if not deliver(message_id, connection):
                    break
                sent += 1
    else:
        for message_id in ids:
            deliver(message_id)
            sent += 1
    return sent, pending.count()
