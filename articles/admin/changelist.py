"""The newsdesk's list of articles over a million rows: a count that does not read them all, a
date drill-down that probes the index instead of grouping every row, and a search served by
the stored search vector.

Django's list counts every matching row twice (the filtered and the full count), groups every
row by year for the date drill-down, and searches with `LIKE '%…%'`, which no index serves:
about a second each at a million articles. Here the count is the planner's estimate for a long
list (the list says "about") and exact up to 1,000 rows, the drill-down asks the index whether
each year, month or day has a row (one query), and a search (on PostgreSQL) matches words and
word beginnings in headlines and standfirsts through the search vector's GIN index, or a slug
exactly.
"""

import json
import re
from datetime import datetime, timedelta

from django.contrib.admin.views.main import ChangeList
from django.contrib.postgres.search import SearchQuery
from django.core.paginator import EmptyPage, Paginator
from django.db import connection
from django.db.models import IntegerField, Max, Min, Q, Value
from django.utils import timezone
from django.utils.functional import cached_property

from articles.models import ArticleQuerySet

# What the newsdesk's search reads: the words of headlines (weight A) and standfirsts (B).
SEARCHED_WEIGHTS = "AB"
WORD = re.compile(r"\w+")


class EstimatedCountPaginator(Paginator):
    """On PostgreSQL, asks the planner first (an EXPLAIN, which reads no rows): a list it
    expects to hold more than ESTIMATED_FROM rows is given that estimate (`estimated` is then
    True). A shorter one is counted, reading at most EXACT_UP_TO + 1 rows; beyond those it is
    estimated too. (A small table's estimate can be far off, after many deletions for
    instance, so short lists are always counted.) Other databases (SQLite, small) count
    exactly. Pages go up to MAX_PAGE: deeper than that, filter or search."""

    EXACT_UP_TO = 1000
    ESTIMATED_FROM = 100_000
    MAX_PAGE = 100

    estimated = False

    @cached_property
    def count(self):
        if connection.vendor != "postgresql":
            return self.object_list.count()  # the small embedded database: counted exactly
        planned = planned_rows(self.object_list)
        if planned <= self.ESTIMATED_FROM:
            rows = self.object_list.order_by().values("pk")[: self.EXACT_UP_TO + 1].count()
            if rows <= self.EXACT_UP_TO:
                return rows
        self.estimated = True
        return max(planned, self.EXACT_UP_TO + 1)

    @cached_property
    def num_pages(self):
        return min(super().num_pages, self.MAX_PAGE)

    def validate_number(self, number):
        number = super().validate_number(number)
        if number > self.MAX_PAGE:
            raise EmptyPage("That page is beyond the pages the list offers.")
        return number


def planned_rows(queryset):
    """How many rows PostgreSQL's planner expects `queryset` to give (one EXPLAIN, which does
    not run it); none for a query that can match nothing."""
    explained = queryset.order_by().values("pk").explain(format="json")
    if not explained:
        # A condition that can match nothing (an `__in` of no values) is never sent to the
        # database, so there is no plan: no rows.
        return 0
    return int(json.loads(explained)[0]["Plan"]["Plan Rows"])


class NewsdeskQuerySet(ArticleQuerySet):
    """The newsdesk list's queryset: its date drill-down probes each period (see the module)."""

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        probing = connection.features.supports_slicing_ordering_in_compound
        if kind not in ("year", "month", "day") or not probing:
            return super().datetimes(field_name, kind, order, tzinfo)
        bounds = self.aggregate(first=Min(field_name), last=Max(field_name))
        if bounds["first"] is None:
            return []
        zone = tzinfo or timezone.get_current_timezone()
        first, last = (timezone.localtime(bounds[end], zone) for end in ("first", "last"))
        periods = list(periods_between(first, last, kind))
        probes = [
            self.filter(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
            # In the field's order, the first row of the period: the field's index is walked
            # from the period's start until a row passes the list's filters.
            .order_by(field_name)
            .values_list(Value(number, output_field=IntegerField()))[:1]
            for number, (start, end) in enumerate(periods)
        ]
        found = {row[0] for row in probes[0].union(*probes[1:], all=True)}
        chosen = [periods[number][0] for number in sorted(found)]
        return chosen if order == "ASC" else chosen[::-1]


def periods_between(first, last, kind):
    """(start, end) of every year, month or day from the one holding `first` to the one
    holding `last` (aware datetimes in one time zone), as aware datetimes in that zone."""
    zone = first.tzinfo
    start = datetime(
        first.year,
        1 if kind == "year" else first.month,
        1 if kind in ("year", "month") else first.day,
    )
    while start <= last.replace(tzinfo=None):
        if kind == "year":
            end = start.replace(year=start.year + 1)
        elif kind == "month":
            end = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
        else:
            end = start + timedelta(days=1)
        yield timezone.make_aware(start, zone), timezone.make_aware(end, zone)
        start = end


class NewsdeskChangeList(ChangeList):
    """The article list, on `NewsdeskQuerySet`, its rows without their bodies."""

    def get_queryset(self, request, exclude_parameters=None):
        # The list shows no body: its rows are read without the two largest columns.
        queryset = super().get_queryset(request, exclude_parameters).defer("body", "body_rendered")
        queryset.__class__ = NewsdeskQuerySet
        return queryset


def search_articles(queryset, term):
    """Articles whose headline or standfirst has words starting with each word of `term`, or
    whose slug is `term`: on PostgreSQL, through the search vector's GIN index. None where the
    database has no search vector (the admin's own search then applies)."""
    if connection.vendor != "postgresql":
        return None
    words = WORD.findall(term.lower())
    slug = Q(slug=term.strip())
    if not words:
        return queryset.filter(slug)
    # Only word characters reach the query, each as a prefix in the searched weights.
    prefixes = " & ".join(f"{word}:*{SEARCHED_WEIGHTS}" for word in words)
    query = SearchQuery(prefixes, search_type="raw", config="english")
    return queryset.filter(Q(search_vector=query) | slug)
