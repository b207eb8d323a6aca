"""How tasks are declared (`job`), and the outbox's own periodic task.

Every task is idempotent: running it twice with the same arguments leaves the same state as
running it once (acks_late and the outbox both may run a task again). So a task takes ids, reads
the current rows, and upserts or checks before it writes (docs/tasks.md).
"""

from celery import shared_task
from django.conf import settings

from jobs import outbox


def job(*args, **options):
    """`shared_task` with the project's retry rule: any exception retries the task with
    exponential backoff (1 s, 2 s, 4 s … with jitter, at most 10 minutes apart), up to
    TASK_MAX_RETRIES times; after the last, jobs.failures records it for the admin.

    Use as `@job` or `@job(name="app.thing", max_retries=2)`."""
    defaults = {
        "autoretry_for": (Exception,),
        "retry_backoff": True,
        "retry_backoff_max": 600,
        "retry_jitter": True,
        "max_retries": settings.NEWSROOM_TASK_MAX_RETRIES,
    }
    return shared_task(*args, **{**defaults, **options})


@shared_task(name="jobs.flush_outbox", ignore_result=True)
def flush_outbox():
    """Send what the outbox kept while the broker was down (the worker's scheduler runs it)."""
    sent, pending = outbox.flush()
    return {"sent": sent, "pending": pending}
