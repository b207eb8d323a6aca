"""Placeholder: previews of unpublished articles (filled in by the preview feature)."""

from django.http import Http404


def preview_page(request, token):
    raise Http404("Not built yet.")
