"""`manage.py flush_outbox`: send what the outbox kept while the broker was down."""

from django.core.management.base import BaseCommand

from jobs import outbox


class Command(BaseCommand):
    help = "Send the outbox's pending messages to the broker (or run them here without one)."

    def handle(self, *args, **options):
        sent, pending = outbox.flush()
        self.stdout.write(f"Sent {sent} message(s); {pending} still pending.")
