"""The importers' records; each concern keeps its model in its own module."""

from importers.subscriptions.models import FeedSubscription

__all__ = ["FeedSubscription"]
