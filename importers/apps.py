from django.apps import AppConfig


class ImportersConfig(AppConfig):
    """Bringing articles in from elsewhere, and taking them out again.

    An app of its own because importing is a concern of its own: it reads other systems' files
    (the interchange JSONL, WordPress exports, news feeds), fetches from the network and writes
    through the rules `articles`, `authors` and `library` define. Those apps know nothing of
    importers; dependencies flow one way, importers -> articles, authors, library -> newsroom.
    Its models are the imports' own records: imports started from the admin (`job_models`)
    and the feed subscriptions polled on a schedule (`subscriptions`).
    """

    name = "importers"

    def ready(self):
        # Celery's autodiscovery imports `tasks` modules in workers only; without a broker the
        # web process runs queued work itself (jobs.outbox), so it must know the tasks too.
        from importers import system_checks, tasks  # noqa: F401
