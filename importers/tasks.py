"""The importers' tasks, found here by Celery's autodiscovery; each concern keeps its own."""

from importers.import_tasks import import_part, plan_import
from importers.subscriptions.tasks import poll_due_feeds, poll_feed

__all__ = ["import_part", "plan_import", "poll_due_feeds", "poll_feed"]
