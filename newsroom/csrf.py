"""The page for a form refused by the CSRF check (CSRF_FAILURE_VIEW), in the site's own look."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """403 with the site's header and footer and a way back to the form.

    The form's own address, fetched again, gives a fresh token; Django's `reason` is for
    developers (it names cookies and headers) and is not shown.
    """
    context = {"form_address": request.get_full_path()}
    return render(request, "403_csrf.html", context, status=403)
