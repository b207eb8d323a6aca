from django.apps import AppConfig


class JobsConfig(AppConfig):
    """The outbox, task failures and the tasks that look after them (jobs/__init__.py says
    why this is an app)."""

    name = "jobs"
    verbose_name = "Background work"

    def ready(self):
        # Connecting the failure signal needs the models, which are only ready now.
        from jobs import failures, metrics, purges
        from newsroom import purging
        from newsroom.request_id import follow_into_tasks

        failures.connect()
        follow_into_tasks()
        metrics.register()
        purging.set_queue(purges.queue_purge)
