"""What every public page shares: caching headers for a CDN, and its canonical address."""

import hashlib
import re
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator
from django.db.models import Q
from django.http import Http404
from django.utils import formats, timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.http import http_date

from newsroom import surrogate
from newsroom.fragments import cached


def page_url(path, number):
    """The address of page `number` of a listing at `path`; page 1 has no query string."""
    return path if number <= 1 else f"{path}?page={number}"


def with_query(path, query):
    """`path` with the query string `query` ("" for none)."""
    return f"{path}?{query}" if query else path


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
        if page is not None and not isinstance(page, ArchivePage):
            # A numbered page (search's): its view writes its own addresses.
            context["canonical_url"] = self.request.build_absolute_uri(page_url(path, page.number))
            return context
        context["canonical_url"] = self.request.build_absolute_uri(
            with_query(path, page.query) if page is not None else path
        )
        if page is not None:
            if page.has_previous():
                context["prev_url"] = with_query(path, page.newer_query())
            if page.has_next():
                context["next_url"] = with_query(path, page.older_query())
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
        surrogate.note(surrogate.lists(surrogate.LATEST))
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
    """A page of an archive read in order. Its neighbours' addresses are query strings
    (`newer_query`, `older_query`; "" is the listing's first page), as is its own (`query`)."""

    def __init__(self, object_list, number, paginator, *, more):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more

    def start_index(self):
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0

    def end_index(self):
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0

    @property
    def query(self):
        return f"page={self.number}" if self.number > 1 else ""

    @property
    def label(self):
        """How a title names this page: "page 3" (nothing for the first)."""
        return f"page {self.number}" if self.number > 1 else ""

    def newer_query(self):
        return f"page={self.number - 1}" if self.number > 2 else ""

    def older_query(self):
        return f"page={self.number + 1}"


class ArchivePaginator(Paginator):
    """Pages through an archive without counting it: each page reads one row more than it shows
    to know whether a next page exists, and pages carry "Newer" and "Older" links, not a total.
    Page N is read with an OFFSET, so its cost grows with N: for short lists (corrections).
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

    def page_for(self, params):
        """The page a request's query `params` ask for (`?page=N`)."""
        return self.page(params.get("page") or 1)

    @property
    def count(self):
        raise NotImplementedError("An archive is not counted; see ArchivePaginator.")

    num_pages = count


class Cursor:
    """A place in a list of articles newest first: the publication time and id of the article
    at that place, written `<microseconds since 1970>.<id>` in addresses (`?before=…`).

    Any place is a valid one (a place between two articles shows those older than it), so a
    link stays good when articles are added or removed around it.
    """

    EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
    PATTERN = re.compile(r"([0-9]{1,18})\.([0-9]{1,19})")
    MAX_ID = 2**63 - 1  # the database's biggest id

    def __init__(self, moment, pk):
        self.moment, self.pk = moment, pk

    @classmethod
    def of(cls, article, field="published_at"):
        return cls(getattr(article, field), article.pk)

    @classmethod
    def parse(cls, text):
        """The cursor written as `text`; ValueError if it is not one."""
        match = cls.PATTERN.fullmatch(text or "")
        if match is None:
            raise ValueError("That is not a place in the archive.")
        micros, pk = (int(part) for part in match.groups())
        if not 0 < pk <= cls.MAX_ID:
            raise ValueError("That is not a place in the archive.")
        try:
            moment = cls.EPOCH + timedelta(microseconds=micros)
        except OverflowError:
            raise ValueError("That is not a place in the archive.") from None
        return cls(moment, pk)

    def __str__(self):
        return f"{(self.moment - self.EPOCH) // timedelta(microseconds=1)}.{self.pk}"


class KeysetPage(ArchivePage):
    """A page of a `KeysetPaginator`: the first (`number` 1), a numbered page of an old link, or
    the articles just before or just after a `Cursor` (`number` None)."""

    def __init__(
        self, object_list, paginator, *, number=None, direction=None, cursor=None, newer, older
    ):
        super().__init__(object_list, number, paginator, more=older)
        self.direction, self.cursor, self.newer = direction, cursor, newer

    def has_previous(self):
        return self.newer

    @property
    def query(self):
        if self.number is not None:
            return super().query
        return f"{self.direction}={self.cursor}"

    @property
    def label(self):
        if self.number is not None:
            return super().label
        first = getattr(self.object_list[0], self.paginator.field)
        return f"from {formats.date_format(timezone.localtime(first), 'j F Y')}"

    def newer_query(self):
        if self.number is not None:
            return super().newer_query()
        return f"after={Cursor.of(self.object_list[0], self.paginator.field)}"

    def older_query(self):
        return f"before={Cursor.of(self.object_list[-1], self.paginator.field)}"

    def start_index(self):
        return super().start_index() if self.number is not None else None

    end_index = start_index


class KeysetPaginator(ArchivePaginator):
    """Pages through a long list newest first by where the last page ended rather than by
    how many rows came before it (keyset pagination), so the page at the middle of a million
    articles costs what the first does: one query, served by an index on the list's order
    (see `read`).

    The list is ordered by `field` then the id, both descending; "Older" links carry the last
    shown row as a `Cursor` (`?before=…`), "Newer" links the first (`?after=…`). Old addresses
    with a page number (`?page=N`) keep working up to MAX_PAGE, read with an OFFSET that small
    numbers keep cheap; a larger number, a cursor that does not read, or a page beyond the
    end of the list is an `InvalidPage` (a 404), found without reading the list or after one
    read of it at most.
    """

    MAX_PAGE = 50

    def __init__(self, object_list, per_page, field="published_at", **kwargs):
        self.field = field
        order = (f"-{field}", "-pk")
        super().__init__(object_list.order_by(*order), per_page, **kwargs)

    def page_for(self, params):
        for direction in ("before", "after"):
            if direction in params:
                try:
                    cursor = Cursor.parse(params[direction])
                except ValueError as error:
                    raise InvalidPage(str(error)) from None
                return self.around(cursor, direction)
        number = self.validate_number(params.get("page") or 1)
        bottom = (number - 1) * self.per_page
        rows = self.read(self.object_list, bottom, bottom + self.per_page + 1)
        if not rows and number > 1:
            raise EmptyPage("That page contains no results.")
        return KeysetPage(
            rows[: self.per_page],
            self,
            number=number,
            newer=number > 1,
            older=len(rows) > self.per_page,
        )

    @staticmethod
    def read(rows, bottom, top, ascending=False):
        """`rows[bottom:top]`, as a list. When the queryset offers `rows_with_ids(ids)` (the
        listing's rows whose ids the subquery `ids` gives, newest first: articles do), it is read
        in two steps in one query: the ids alone, which indexes give without the table's rows,
        then those rows. A listing narrowed to a topic or an author then reads from the table
        the 21 rows it shows, not every candidate it sorts (360 for an occasional author)."""
        late = getattr(rows, "rows_with_ids", None)
        if late is None:
            return list(rows[bottom:top])
        found = list(late(rows.values("pk")[bottom:top]))
        return found[::-1] if ascending else found

    def around(self, cursor, direction):
        field, moment, pk = self.field, cursor.moment, cursor.pk
        if direction == "before":
            rows = self.object_list.filter(
                Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "pk__lt": pk}),
                **{f"{field}__lte": moment},
            )
        else:
            rows = self.object_list.filter(
                Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk}),
                **{f"{field}__gte": moment},
            ).reverse()
        rows = self.read(rows, 0, self.per_page + 1, ascending=direction == "after")
        if not rows:
            raise EmptyPage("That page contains no results.")
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if direction == "before":
            return KeysetPage(
                rows, self, direction=direction, cursor=cursor, newer=True, older=more
            )
        rows.reverse()
        return KeysetPage(rows, self, direction=direction, cursor=cursor, newer=more, older=True)


class PublicListMixin(PublicPageMixin):
    """A public listing of articles: Last-Modified is the newest change among those shown, and
    pages are read without counting the archive."""

    paginator_class = KeysetPaginator

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        try:
            if isinstance(paginator, ArchivePaginator):
                page = paginator.page_for(self.request.GET)
            else:
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
