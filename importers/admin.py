"""The importers' pages in the admin; each concern keeps its own module."""

from importers.subscriptions.admin import FeedSubscriptionAdmin

__all__ = ["FeedSubscriptionAdmin"]
