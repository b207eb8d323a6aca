"""Feed subscriptions in the admin: add a partner's feed, see how its polling goes, poll now."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from importers.subscriptions.models import FeedSubscription
from importers.subscriptions.tasks import queue_poll
from importers.url_vetting import DownloadError, vet_url
from newsroom.admin import HTTPS_URL_FIELDS

STATUS_FIELDS = ["next_poll_at", "last_polled_at", "last_success_at", "last_error_at",
                 "last_error", "consecutive_failures", "items_taken_last", "items_taken_total",
                 "last_report"]
VALIDATOR_FIELDS = ["etag", "last_modified"]


class FeedSubscriptionForm(forms.ModelForm):
    """The admin makes the fields (its fieldsets, `formfield_overrides`); this adds the check."""

    def clean_url(self):
        """Refuse now what every poll would refuse: a scheme other than http(s), credentials
        in the address, a host that cannot be found or that is on a private network."""
        url = self.cleaned_data["url"]
        try:
            vet_url(url, allow_private=settings.IMPORT_FETCH_ALLOW_PRIVATE)
        except DownloadError as error:
            raise forms.ValidationError(str(error)) from None
        return url


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("failing", "Failing"),
            ("working", "Working"),
            ("never", "Not polled yet"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "failing":
            return queryset.filter(consecutive_failures__gt=0)
        if self.value() == "working":
            return queryset.filter(consecutive_failures=0, last_success_at__isnull=False)
        if self.value() == "never":
            return queryset.filter(last_polled_at__isnull=True)
        return queryset


@admin.register(FeedSubscription)
class FeedSubscriptionAdmin(admin.ModelAdmin):
    form = FeedSubscriptionForm
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["name", "status", "last_success_at", "error", "items_taken_last",
                    "items_taken_total", "next_poll_at", "active"]
    list_filter = [StatusFilter, "active", ("section", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "url"]
    readonly_fields = [*STATUS_FIELDS, *VALIDATOR_FIELDS]
    fieldsets = [
        (None, {"fields": ["name", "url", "active", "poll_interval"]}),
        ("What the articles get", {"fields": ["section", "fetch_media", "source_name"]}),
        ("Status", {"fields": STATUS_FIELDS}),
        (
            "Conditional requests",
            {
                "classes": ["collapse"],
                "description": "What the feed's server said of its last full answer; sent "
                "back with each poll, so that an unchanged feed answers “304 Not Modified” "
                "and costs nothing.",
                "fields": VALIDATOR_FIELDS,
            },
        ),
    ]
    actions = ["poll_now"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is not None else fieldsets[:2]  # no status before a poll

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section")

    @admin.display(description="status", ordering="consecutive_failures")
    def status(self, subscription):
        if not subscription.active:
            return "Paused"
        if subscription.consecutive_failures:
            return f"Failing ({subscription.consecutive_failures} in a row)"
        if subscription.last_success_at is None:
            return "Not polled yet"
        return "Working"

    @admin.display(description="last error")
    def error(self, subscription):
        return Truncator(subscription.last_error).chars(120) if subscription.last_error else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.save()
            return
        if "url" in form.changed_data:
            # The old address's validators and failures say nothing about the new one.
            obj.etag = obj.last_modified = ""
            obj.consecutive_failures = 0
            obj.next_poll_at = timezone.now()
        # Only what the editor changed: a poll may have written the status meanwhile.
        changed = [*form.changed_data]
        if "url" in changed:
            changed += ["etag", "last_modified", "consecutive_failures", "next_poll_at"]
        obj.save(update_fields=changed)

    @admin.action(description="Poll the selected feeds now", permissions=["change"])
    def poll_now(self, request, queryset):
        with transaction.atomic():
            ids = list(queryset.values_list("pk", flat=True))
            for subscription_id in ids:
                queue_poll(subscription_id)
        self.message_user(
            request,
            f"Polling {len(ids)} feed(s) now; the list shows how each poll went once it ends.",
            messages.SUCCESS,
        )
