from django.apps import AppConfig


class EdgeConfig(AppConfig):
    name = "edge"
    verbose_name = "Edge caches"

    def ready(self):
        # Registers edge.purge in every process, not only in workers (which find it by
        # autodiscovery): without a broker, the web process runs it itself.
        from edge import tasks  # noqa: F401
