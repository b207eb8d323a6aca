"""The outbox (work waiting to be handed to the broker) and the record of tasks that failed."""

import uuid

from django.db import models


class OutboxMessage(models.Model):
    """One task to run, written in the same transaction as the change that asked for it.

    After that transaction commits it is handed to the broker and marked sent; while the broker
    is down it stays pending, and `manage.py flush_outbox` (also run by the worker's scheduler)
    sends it later. Its `id` is the task's id, so a message sent twice is one task id twice.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(
        default=0, help_text="How many times sending it to the broker failed."
    )
    last_error = models.TextField(blank=True, help_text="Why the last try to send it failed.")
    request_id = models.CharField(
        max_length=64,
        blank=True,
        help_text=(
            "The id of the web request (its X-Request-ID) or task that queued it; the task's "
            "log lines carry the same id."
        ),
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = "outbox message"

    def __str__(self):
        return f"{self.task_name} ({'sent' if self.sent_at else 'pending'})"


class FailedTask(models.Model):
    """A task that failed after all its retries: kept for an operator, never dropped."""

    task_id = models.CharField(max_length=255, unique=True)
    task_name = models.CharField(max_length=200, db_index=True)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    error = models.TextField(help_text="The exception the last attempt raised.")
    traceback = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(help_text="How many times the task was run.")
    first_failed_at = models.DateTimeField(auto_now_add=True)
    last_failed_at = models.DateTimeField(auto_now=True, db_index=True)
    retried_at = models.DateTimeField(
        null=True, blank=True, help_text="When an operator queued it to run again."
    )
    request_id = models.CharField(
        max_length=64,
        blank=True,
        help_text="The id of the request or task that queued it, as in the log lines of both.",
    )

    class Meta:
        ordering = ["-last_failed_at"]
        verbose_name = "failed task"

    def __str__(self):
        return f"{self.task_name} failed: {self.error[:80]}"
