"""The importers' models, each concern in a module of its own."""

from importers.job_models import ImportJob, ImportPart, ImportReportLine

__all__ = ["ImportJob", "ImportPart", "ImportReportLine"]
