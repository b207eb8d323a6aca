"""The importers' tasks, found here by Celery's autodiscovery; each concern keeps its own."""

from importers.subscriptions.tasks import poll_due_feeds, poll_feed

__all__ = ["poll_due_feeds", "poll_feed"]
