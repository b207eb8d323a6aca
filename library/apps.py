from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = "Media library"

    def ready(self):
        # Registers the library's tasks in every process, not only in workers (which find them
        # by autodiscovery): without a broker, the web process runs them itself.
        from library import tasks  # noqa: F401
        from library.uses import media_keys
        from newsroom import media

        media.set_media_keys(media_keys)
