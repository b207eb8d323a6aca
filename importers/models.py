"""The importers' records; each concern keeps its models in its own module."""

from importers.job_models import ImportJob, ImportPart, ImportReportLine
from importers.subscriptions.models import FeedSubscription

__all__ = ["FeedSubscription", "ImportJob", "ImportPart", "ImportReportLine"]
