"""What every public page shares: caching headers for a CDN, and its canonical address."""

import hashlib

from django.conf import settings
from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.http import http_date

from newsroom import surrogate
from newsroom.fragments import cached


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


class CappedCountPaginator(Paginator):
    """A paginator that counts at most `max_pages` pages of rows and keeps the count in the
    cache for a short while (a fragment naming `latest`). For search, whose page says how many
    results there are; `capped` says the real total is larger.
    """

    def __init__(self, *args, cache_key=None, max_pages=500, **kwargs):
        super().__init__(*args, **kwargs)
        self.cache_key = cache_key
        self.max_rows = max_pages * self.per_page

    def _count_rows(self):
        # Kept until the set of public articles changes (`latest`), or for FRAGMENT_SECONDS.
        surrogate.note(surrogate.LATEST)
        return self.object_list.values("pk")[: self.max_rows + 1].count()

    @cached_property
    def count(self):
        if self.cache_key is None:
            rows = self._count_rows()
        else:
            rows = cached("count", self._count_rows, self.cache_key)
        return min(rows, self.max_rows)

    @cached_property
    def capped(self):
        return self.count >= self.max_rows


class ArchivePage(Page):
    def __init__(self, object_list, number, paginator, *, more):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more

    def start_index(self):
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0

    def end_index(self):
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


class ArchivePaginator(Paginator):
    """Pages through an archive without counting it: each page reads one row more than it shows
    to know whether a next page exists. Page 50 of a 100,000-article archive then costs what
    page 50 of a 1,000-article one does; pages carry "Newer" and "Older" links, not a total.
    """

    # Far beyond any archive, and below what a database accepts as an OFFSET.
    MAX_PAGE = 1_000_000

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not a whole number.") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1.")
        if number > self.MAX_PAGE:
            raise EmptyPage("That page is beyond the archive.")
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results.")
        return ArchivePage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    @property
    def count(self):
        raise NotImplementedError("An archive is not counted; see ArchivePaginator.")

    num_pages = count


class PublicListMixin(PublicPageMixin):
    """A public listing of articles: Last-Modified is the newest change among those shown, and
    pages are read without counting the archive."""

    paginator_class = ArchivePaginator

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        try:
            page = paginator.page(self.request.GET.get(self.page_kwarg) or 1)
        except InvalidPage:
            raise Http404("There is no such page.") from None
        return paginator, page, page.object_list, page.has_other_pages()

    def get_paginator(self, queryset, per_page, **kwargs):
        if self.paginator_class is CappedCountPaginator:
            # The address without its page names the listing: its pages share one count.
            params = self.request.GET.copy()
            params.pop(self.page_kwarg, None)
            address = f"{self.request.path}?{params.urlencode()}"
            kwargs["cache_key"] = hashlib.sha256(address.encode()).hexdigest()
        return super().get_paginator(queryset, per_page, **kwargs)

    def get_last_modified(self, context):
        stamps = [article.modified for article in context.get("object_list") or ()]
        return max(stamps, default=None)
