"""The Celery app: `celery -A newsroom worker` finds it here (the Django convention).

Its configuration is Django's settings whose names start with CELERY_ (newsroom/settings/tasks.py
says which, docs/tasks.md why); tasks are found in each installed app's `tasks` module. Without
CELERY_BROKER_URL nothing here connects anywhere: `jobs.outbox` runs queued work in the process,
after the transaction that queued it commits.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

app = Celery("newsroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
