"""What every public page shares: caching headers for a CDN, and its canonical address."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.http import http_date

from articles.fragments import content_version


def page_url(path, number):
    """The address of page `number` of a listing at `path`; page 1 has no query string."""
    return path if number <= 1 else f"{path}?page={number}"


class PublicPageMixin:
    """For public views: Cache-Control, Last-Modified, and canonical/prev/next addresses.

    A paginated page beyond the first is its own canonical address and links its neighbours.
    ETags and 304 answers come from ConditionalGetMiddleware, which compares them.
    """

    def get_last_modified(self, context):
        """The newest change shown on the page, or None. Override per view."""
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        path = self.request.path
        context["canonical_url"] = self.request.build_absolute_uri(
            page_url(path, page.number if page else 1)
        )
        if page is not None:
            if page.has_previous():
                context["prev_url"] = page_url(path, page.previous_page_number())
            if page.has_next():
                context["next_url"] = page_url(path, page.next_page_number())
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_cache_control(response, public=True, **settings.NEWSROOM_PUBLIC_CACHE)
        last_modified = self.get_last_modified(context)
        if last_modified is not None:
            response.headers["Last-Modified"] = http_date(last_modified.timestamp())
        return response


class ArchivePaginator(Paginator):
    """A paginator for large archives: it counts at most `max_pages` pages of rows, and keeps
    the count in the cache for a short while.

    Counting every row of a 100,000-article archive on each request costs more than the page
    itself; beyond a few hundred pages readers use search, and sitemaps list everything.
    `capped` says the real total is larger.
    """

    def __init__(self, *args, cache_key=None, max_pages=500, **kwargs):
        super().__init__(*args, **kwargs)
        self.cache_key = cache_key
        self.max_rows = max_pages * self.per_page

    def _count_rows(self):
        return self.object_list.values("pk")[: self.max_rows + 1].count()

    @cached_property
    def count(self):
        if self.cache_key is None:
            rows = self._count_rows()
        else:
            key = f"newsroom:count:{content_version()}:{self.cache_key}"
            rows = cache.get(key)
            if rows is None:
                rows = self._count_rows()
                cache.set(key, rows, settings.NEWSROOM_FRAGMENT_SECONDS)
        return min(rows, self.max_rows)

    @cached_property
    def capped(self):
        return self.count >= self.max_rows


class PublicListMixin(PublicPageMixin):
    """A public listing of articles: Last-Modified is the newest change among those shown, and
    the archive paginator counts a bounded number of rows."""

    paginator_class = ArchivePaginator

    def get_paginator(self, queryset, per_page, **kwargs):
        # The address (path and query) names the listing; the count is shared between pages.
        params = self.request.GET.copy()
        params.pop("page", None)
        address = f"{self.request.path}?{params.urlencode()}"
        key = hashlib.sha256(address.encode()).hexdigest()
        return super().get_paginator(queryset, per_page, cache_key=key, **kwargs)

    def get_last_modified(self, context):
        stamps = [article.modified for article in context.get("object_list") or ()]
        return max(stamps, default=None)
