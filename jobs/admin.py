"""What an operator sees of background work: failed tasks (with "run again") and the outbox.
Both are records of what happened, so nothing here is edited by hand."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone

from jobs.models import FailedTask, OutboxMessage
from jobs.outbox import enqueue


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(FailedTask)
class FailedTaskAdmin(ReadOnlyAdmin):
    list_display = ["task_name", "error", "attempts", "first_failed_at", "last_failed_at",
                    "retried_at"]
    list_filter = ["task_name"]
    search_fields = ["task_name", "error", "task_id", "request_id"]
    date_hierarchy = "last_failed_at"
    actions = ["run_again"]

    @admin.action(description="Run the selected tasks again", permissions=["change"])
    def run_again(self, request, queryset):
        with transaction.atomic():
            records = list(queryset.select_for_update())
            for record in records:
                enqueue(record.task_name, *record.args, **record.kwargs)
            queryset.update(retried_at=timezone.now())
        self.message_user(
            request, f"Queued {len(records)} task(s) to run again.", messages.SUCCESS
        )


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["task_name", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "task_name"]
    search_fields = ["task_name", "id", "request_id"]
