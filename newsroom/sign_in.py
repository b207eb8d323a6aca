"""The admin's sign-in page, with a `next` address that always stays inside the admin.

Django's sign-in already refuses an off-site `next`, but then sends the editor to
LOGIN_REDIRECT_URL, and follows any on-site `next`, a mistyped one included, to a 404. Here a
`next` that is not a page of the admin becomes the admin's home page before the admin's own
view sees it; a link into the admin (an article's edit page) still comes back there.
"""

from urllib.parse import urlsplit

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache


def is_admin_page(request, url):
    """Whether `url` is a safe address on this site that names one of the admin's pages.

    The admin answers every address under its prefix (a catch-all that 404s), so only a
    named admin page counts.
    """
    if not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return False
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return False
    return match.namespace == "admin" and match.url_name is not None


def _with_safe_next(request, query):
    if REDIRECT_FIELD_NAME not in query or is_admin_page(request, query[REDIRECT_FIELD_NAME]):
        return query
    query = query.copy()
    query[REDIRECT_FIELD_NAME] = reverse("admin:index")
    return query


@never_cache
def admin_login(request):
    """admin.site.login, after putting the admin's home page in place of an unsafe `next`."""
    request.GET = _with_safe_next(request, request.GET)
    if request.method == "POST":
        request.POST = _with_safe_next(request, request.POST)
    return admin.site.login(request)
