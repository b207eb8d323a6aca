"""Background work: the Celery app's configuration (docs/tasks.md)."""

from celery.schedules import crontab

from newsroom.env import env_int, env_str
from newsroom.settings.base import TIME_ZONE, VAR_DIR

# Background work (Celery 5; the jobs app; docs/tasks.md). Only CELERY_BROKER_URL makes a
# broker (Redis or RabbitMQ): REDIS_URL alone is the cache. Without it, work queued through
# jobs.outbox.enqueue runs in this process once the transaction that queued it commits.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
# A direct .delay() with no broker runs at once instead of trying a broker that is not there.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# A message is acknowledged when its task ends, not when it starts, and one whose worker died
# is handed out again: a killed worker loses nothing (tasks are idempotent, docs/tasks.md).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The queue tasks go to, and workers take: sites (or test runs) sharing one broker name their own.
# A worker's tasks queue more tasks (an import's parts) on it too.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
# No result backend: tasks report through the database (jobs.models), never a return value.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web process gives up on an unreachable broker quickly: the outbox keeps the message.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Redis hands an unacknowledged message (its worker killed) to another worker after this long;
# longer than the longest task, or a slow task runs twice at once.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
# How often a task that failed is tried again (with exponential backoff) before it is recorded
# as failed in the admin (jobs.tasks.job).
NEWSROOM_TASK_MAX_RETRIES = env_int("TASK_MAX_RETRIES", 5)
# The scheduler embedded in `make worker` sends what the outbox kept while the broker was down.
CELERY_BEAT_SCHEDULE = {
    "flush-outbox": {"task": "jobs.flush_outbox", "schedule": env_int("OUTBOX_FLUSH_SECONDS", 60)}
}
# The scheduler reads its timetable from the database (django-celery-beat): operators edit it in
# the admin ("Periodic tasks"). The entries above are written there each time it starts (change
# them here); the others (polling feed subscriptions) are made by migrations and kept as edited.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Scheduled publishing's side effects at the start of every minute (articles.tasks), so an
# article due at 06:00 has them at 06:00, not up to a minute later.
CELERY_BEAT_SCHEDULE["publish-due"] = {
    "task": "articles.publish_due",
    "schedule": crontab(minute="*"),
}
