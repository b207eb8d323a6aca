"""The importers' admin, each concern in a module of its own (registered where defined)."""

from importers.admin_imports import ImportJobAdmin

__all__ = ["ImportJobAdmin"]
