"""The importers' tasks, found by Celery's autodiscovery (each app's `tasks` module); each
concern keeps its tasks in a module of its own."""

from importers.import_tasks import import_part, plan_import

__all__ = ["import_part", "plan_import"]
