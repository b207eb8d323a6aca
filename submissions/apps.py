from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = "Reader submissions"

    def ready(self):
        """Register the deployment checks and delete a submitted file's stored copy with its
        row."""
        # Inside ready(): models may be imported only once the app registry is ready (Django's
        # loading order, not an import cycle).
        from django.db.models.signals import post_delete

        from submissions import system_checks  # noqa: F401  (registers the checks)
        from submissions.models import SubmissionFile, delete_stored_file

        post_delete.connect(
            delete_stored_file, sender=SubmissionFile, dispatch_uid="submissions-delete-file"
        )
