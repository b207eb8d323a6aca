"""The site shell. The Celery app is loaded with Django, as Celery's Django convention asks, so
that tasks queued by the web process and the worker's own use the same configured app."""

from newsroom.celery import app as celery_app

__all__ = ["celery_app"]
