from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = "Reader submissions"

    def ready(self):
        from submissions import system_checks  # noqa: F401  (registers the checks)
