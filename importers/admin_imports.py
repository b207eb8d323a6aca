"""Imports in the admin: the form that starts one, and the job's page (progress, report so far,
"Download report", "Cancel").

Everything here is open to those `may_import` allows (the Editor and Administrator roles,
superusers) and to no one else, the list, the pages, the download and the cancel alike.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from importers import job_run
from importers.import_forms import ImportJobForm
from importers.job_models import ImportJob, may_import
from importers.job_report import report_lines
from importers.storage import import_storage
from jobs.outbox import enqueue

# The job's page shows the first lines of a long report; the download has them all.
PAGE_LINES = 300


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    form = ImportJobForm
    list_display = ["source_name", "kind", "status", "progress_display", "started_by",
                    "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["source_name"]
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["upload", "feed_url", "brand", "section"]}),
        ("Options", {"fields": ["fetch_media", "dry_run", "strict", "detailed"]}),
    ]

    # Who may do what: one rule -------------------------------------------------------------

    def has_module_permission(self, request):
        return may_import(request.user)

    def has_view_permission(self, request, obj=None):
        return may_import(request.user)

    def has_add_permission(self, request):
        return may_import(request.user)

    def has_change_permission(self, request, obj=None):
        return False  # a job is a record of what happened; "Cancel" is its own button

    def has_delete_permission(self, request, obj=None):
        allowed = may_import(request.user) and super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.finished)

    # The list ------------------------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("started_by")

    @admin.display(description="progress")
    def progress_display(self, job):
        """Items done of the total. One query per row: the list shows 100 jobs at most."""
        total = job.items_total
        done = job.items_processed()
        return f"{done:,} of {total:,}" if total is not None else "—"

    # Starting one --------------------------------------------------------------------------

    def get_form(self, request, obj=None, **kwargs):
        """The form, knowing its user (whose brands it offers: `ImportJobForm.brand_choices`)."""
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def add_view(self, request, form_url="", extra_context=None):
        extra = {
            "title": "Start an import",
            "show_save_and_add_another": False,
            "show_save_and_continue": False,
            **(extra_context or {}),
        }
        return super().add_view(request, form_url, extra)

    def save_model(self, request, obj, form, change):
        obj.file_name = form.store_source()
        obj.started_by = request.user
        try:
            obj.save()
        except Exception:
            import_storage().delete(obj.file_name)
            raise
        # Queued when the admin's transaction commits, and not at all if it rolls back.
        enqueue("importers.plan_import", obj.pk)

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, f"The import of {obj.source_name} is queued.", messages.SUCCESS)
        return HttpResponseRedirect(self.job_url("change", obj))

    # Deleting a finished one, with its files -------------------------------------------------

    def delete_model(self, request, obj):
        self._delete_files([obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        queryset = queryset.filter(status__in=ImportJob.FINISHED)  # running ones stay
        self._delete_files(queryset)
        super().delete_queryset(request, queryset)

    def _delete_files(self, jobs):
        """Remove the jobs' files once their rows are gone (not at all if that rolls back)."""
        names = []
        for job in jobs:
            names += [job.file_name, *job.parts.exclude(file_name="").values_list(
                "file_name", flat=True)]

        def delete():
            storage = import_storage()
            for name in names:
                storage.delete(name)

        transaction.on_commit(delete)

    # The job's page, its progress, its report, cancelling -----------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<int:job_id>/progress/", view(self.progress_view), name=f"{name}_progress"),
            path("<int:job_id>/report/", view(self.report_view), name=f"{name}_report"),
            path("<int:job_id>/cancel/", view(self.cancel_view), name=f"{name}_cancel"),
            *super().get_urls(),
        ]

    def job_url(self, view, job):
        return reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}",
            args=[job.pk],
        )

    def _job(self, request, job_id):
        if not may_import(request.user):
            raise PermissionDenied
        job = ImportJob.objects.select_related("started_by", "cancelled_by", "brand").filter(
            pk=job_id
        ).first()
        if job is None:
            raise Http404("No such import.")
        return job

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            job = self._job(request, int(object_id))
        except ValueError:
            raise Http404("No such import.") from None
        processed = job.items_processed()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(job),
            "job": job,
            "processed": processed,
            "lines": report_lines(job, limit=PAGE_LINES),
            "progress_url": self.job_url("progress", job),
            "report_url": self.job_url("report", job),
            "cancel_url": self.job_url("cancel", job),
            "has_delete_permission": self.has_delete_permission(request, job),
            "delete_url": self.job_url("delete", job),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/importers/importjob/job_detail.html", context)

    def progress_view(self, request, job_id):
        job = self._job(request, job_id)
        return JsonResponse(
            {
                "status": job.status,
                "status_display": job.get_status_display(),
                "processed": job.items_processed(),
                "total": job.items_total,
                "finished": job.finished,
            },
            headers={"Cache-Control": "private, no-store"},
        )

    def report_view(self, request, job_id):
        job = self._job(request, job_id)
        text = "\n".join(report_lines(job)) + "\n"
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.txt"'
        response["Cache-Control"] = "private, no-store"
        return response

    def cancel_view(self, request, job_id):
        return require_POST(self._cancel)(request, job_id)

    def _cancel(self, request, job_id):
        job = self._job(request, job_id)
        if job_run.cancel(job, request.user):
            self.message_user(
                request,
                f"Cancelling the import of {job.source_name}: it stops after the batch it is "
                "writing; what was imported stays.",
                messages.SUCCESS,
            )
        else:
            self.message_user(request, "This import has already ended or is stopping.",
                              messages.WARNING)
        return HttpResponseRedirect(self.job_url("change", job))
