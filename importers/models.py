"""The importers' records; each concern keeps its models in its own module."""

from importers.digests import ImportedDigest
from importers.job_models import ImportJob, ImportPart, ImportReportLine
from importers.subscriptions.models import FeedSubscription

__all__ = ["FeedSubscription", "ImportedDigest", "ImportJob", "ImportPart", "ImportReportLine"]
