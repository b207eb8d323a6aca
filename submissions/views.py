"""The public "Submit Your Content" form, its thank-you page, and the staff file download.

The form's view reads the request body only after it has put its own upload handler first
(submissions.limits), which Django allows only before `request.POST` is touched. Django's CSRF
middleware would touch it, so the view is exempt from the middleware and applies the same
check itself, after the handler is in place (the pattern of Django's upload handler docs).
"""

import math
from pathlib import Path

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFilesSent
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView, TemplateView
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit

from newsroom.db_routing import reads_from_primary
from newsroom.pages import PublicPageMixin
from submissions.forms import SubmissionForm
from submissions.limits import UploadLimits, body_limit, too_large_message
from submissions.models import Submission, SubmissionFile
from submissions.receiving import receive_submission, send_receipt
from submissions.storage import signed_download_url


def submission_rate(group, request):
    """SUBMISSIONS_RATE, read on each request so that a changed setting applies at once."""
    return settings.SUBMISSIONS_RATE


# POSTs per client address, counted in the cache. "ip" is REMOTE_ADDR: behind a proxy it must
# be the reader's address, not the proxy's (see RATELIMIT_IP_META_KEY in settings).
RATE_LIMIT = {"group": "submissions:submit", "key": "ip", "rate": submission_rate, "method": "POST"}


@method_decorator(never_cache, name="dispatch")
@method_decorator(ratelimit(**RATE_LIMIT, block=False), name="dispatch")
@method_decorator(csrf_exempt, name="dispatch")  # checked in dispatch, see the module's note
class SubmissionCreateView(FormView):
    """Shows and receives the form. Never cached: each copy carries its own CSRF token."""

    template_name = "submissions/submission_form.html"
    form_class = SubmissionForm
    success_url = reverse_lazy("submissions:thanks")

    def dispatch(self, request, *args, **kwargs):
        # Each refusal comes before the body is read, so it costs the server nothing.
        if request.limited:
            return self.refuse_rate()
        if request.method == "POST" and _declared_length(request) > body_limit():
            return self.refuse_size()
        self.limits = UploadLimits(request)
        request.upload_handlers.insert(0, self.limits)
        try:
            return csrf_protect(super().dispatch)(request, *args, **kwargs)
        except (RequestDataTooBig, TooManyFilesSent):
            return self.refuse_size()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "POST":
            kwargs["upload_problems"] = self.limits.problems
        return kwargs

    def post(self, request, *args, **kwargs):
        form = self.get_form()  # reads the body, through self.limits
        if self.limits.stopped:
            return self.refuse_size()
        if form.is_from_a_robot():
            # Thanked like anyone else, so that the robot learns nothing; nothing is kept.
            return redirect(self.success_url)
        if form.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def form_valid(self, form):
        submission = receive_submission(
            form=form,
            client_ip=self.request.META.get("REMOTE_ADDR"),
            user_agent=self.request.headers.get("User-Agent"),
        )
        send_receipt(submission)
        return super().form_valid(form)

    def refuse(self, message, status):
        """The form page, empty, with `message` above it, answered with `status`."""
        return self.render_to_response(
            self.get_context_data(form=SubmissionForm(), refusal=message), status=status
        )

    def refuse_size(self):
        return self.refuse(too_large_message(), 413)

    def refuse_rate(self):
        usage = get_usage(self.request, **RATE_LIMIT, increment=False)
        wait = max(1, usage["time_left"]) if usage else 60
        minutes = math.ceil(wait / 60)
        response = self.refuse(
            "You have sent several submissions in a short time. Please wait "
            f"{minutes} minute{'s' if minutes != 1 else ''} and try again. If it is urgent, "
            "email our newsdesk instead.",
            429,
        )
        response["Retry-After"] = str(wait)
        return response


def _declared_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class SubmissionThanksView(PublicPageMixin, TemplateView):
    """The same for everyone: it names no submission, so a CDN may keep it."""

    template_name = "submissions/submission_thanks.html"


@reads_from_primary  # for the desk: a submission that just arrived is there
@never_cache
@staff_member_required
def file_download(request, pk):
    """A submitted file, as a download, for staff who may view submissions.

    Sent as an attachment of the type its content was found to be, never shown in the browser,
    so a file that fooled the checks still cannot run as a page of this site. From a private
    bucket, staff are sent on to a signed link (submissions.storage.signed_download_url).
    """
    if not request.user.has_perm("submissions.view_submission"):
        raise PermissionDenied
    # Another brand's submission is none of this desk's (editors per brand): not found.
    seen = Submission.objects.seen_by(request.user)
    stored = get_object_or_404(SubmissionFile, pk=pk, submission__in=seen)
    stem = slugify(Path(stored.original_name).stem)[:60] or stored.kind
    filename = stem + Path(stored.file.name).suffix
    signed = signed_download_url(stored.file.name, filename, stored.content_type)
    if signed:  # in a private bucket: a link of the store's that works for a few minutes
        response = redirect(signed)
        add_never_cache_headers(response)
        return response
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response
