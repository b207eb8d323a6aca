"""The importers' pages in the admin; each concern keeps its own module (registered there)."""

from importers.admin_imports import ImportJobAdmin
from importers.subscriptions.admin import FeedSubscriptionAdmin

__all__ = ["FeedSubscriptionAdmin", "ImportJobAdmin"]
