"""Placeholder: the public corrections page and its feed (filled in by the workflow feature)."""

from django.http import Http404


def corrections_page(request):
    raise Http404("Not built yet.")
