"""Search at /search/?q=: which public articles match a reader's words, best first.

PostgreSQL does real full-text search: the query is parsed like a web search box
(`websearch_to_tsquery`: words, "quoted phrases", -exclusions, `or`), matched against the stored
`Article.search_vector` (kept current by a trigger, see migration 0002, and served by a GIN
index), ranked by `ts_rank` with the headline weighted above the standfirst above the body, and
shown with `ts_headline` snippets.

Any other database (SQLite in development and tests) gets a plain fallback: every word or quoted
phrase must appear in the headline, standfirst or body, -words must not; headline matches come
first, then the newest. Its snippets are cut in Python from the standfirst and the body's text,
around the first match, with the words marked.

Either way, only the brand's public articles (`Article.objects.latest(site)`) are searched,
an article whose headline is the query comes first, equal matches newest first, and a search
costs two queries, a count and one page, whatever the page size. PostgreSQL ranks only the
newest CANDIDATES matches (and exact headlines), so a search costs what it does on a small
archive however many articles match.
"""

import re
from html import unescape

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, Func, Q, TextField, Value, When
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.generic import ListView

from articles.models import Article
from newsroom.brands import current_site
from newsroom.pages import CappedCountPaginator, PublicListMixin

MAX_QUERY_LENGTH = 200
# The most matches a search ranks (the newest), besides exact headlines (FullTextSearch).
CANDIDATES = 500
# The fallback builds three LIKEs per term; a cap keeps a pasted paragraph from making a huge query.
MAX_FALLBACK_TERMS = 10
CONFIG = "english"

# Highlight markers from Unicode's private use area: no article text contains them, so after
# the whole snippet is escaped they are the only places a <mark> can go.
START, STOP = "\ue000", "\ue001"
MARKED = re.compile(f"{START}([^{START}{STOP}]*){STOP}")
STRAY_MARKERS = re.compile(f"[{START}{STOP}]")

# Tags, as the search trigger strips them from the body (each becomes a space).
TAG_PATTERN = "<[^>]*>"
TAG = re.compile(TAG_PATTERN)
# The fallback's snippet: a few words before the first match, and this many from it on.
SNIPPET_WORDS_BEFORE = 8
SNIPPET_WORDS = 25

# A search-box token as websearch_to_tsquery reads it: a "quoted phrase" or a word, and a
# leading - excludes it.
TOKEN = re.compile(r'(?P<negate>-?)(?:"(?P<phrase>[^"]*)"|(?P<word>\S+))')


def clean_query(raw):
    """The reader's query as searched: no NUL bytes (PostgreSQL rejects them), whitespace
    collapsed, at most MAX_QUERY_LENGTH characters."""
    return " ".join(raw.replace("\x00", " ").split())[:MAX_QUERY_LENGTH].strip()


def render_marked(text, *, html_entities=False):
    """Safe HTML for `text` in which START/STOP surround the words to highlight.

    Everything is escaped first; only then do the markers become `<mark>` elements, in pairs,
    so the result holds no markup but balanced `<mark>`s. `html_entities` decodes entities
    first (text cut from stored body HTML), so `&amp;` shows as `&`, not `&amp;amp;`.
    """
    if html_entities:
        text = unescape(text)
    text = " ".join(text.split())  # tag stripping leaves runs of spaces and line breaks
    marked = MARKED.sub(r"<mark>\1</mark>", escape(text))
    return mark_safe(STRAY_MARKERS.sub("", marked))


class StripTags(Func):
    """An HTML column's text with its tags replaced by spaces, as the search trigger reads it."""

    function = "regexp_replace"
    template = f"%(function)s(%(expressions)s, '{TAG_PATTERN}', ' ', 'g')"
    output_field = TextField()


def exact_headline_first(query):
    """1 for an article whose headline is the query (whatever the case), else 0: searches put
    those first."""
    return Case(When(headline__iexact=query, then=Value(1)), default=Value(0))


class FullTextSearch:
    """PostgreSQL: the stored search vector, ranked, with `ts_headline` snippets.

    Only a bounded set of candidates is ranked, so a search costs the same on a million
    articles as on a thousand, however many match: the CANDIDATES newest matches (an index
    walk newest first, or the GIN index for rare words) and any article whose headline is the
    query. An older article that matches less than exactly is not found once CANDIDATES newer
    ones match; the count says so ("500+ results").
    """

    def results(self, query):
        search = SearchQuery(query, search_type="websearch", config=CONFIG)
        # ts_rank scores every match of a query with a NOT alike (1e-20), so rank on the
        # words the reader wants and let the full query only filter.
        wanted = " ".join(token[0] for token in TOKEN.finditer(query) if not token["negate"])
        ranking = SearchQuery(wanted, search_type="websearch", config=CONFIG) if wanted else search
        public = Article.objects.latest(current_site())
        newest = public.filter(search_vector=search).values("pk")[:CANDIDATES]
        exact = public.filter(headline__iexact=query).values("pk")[:CANDIDATES]
        return (
            public.filter(pk__in=newest.union(exact, all=True))
            .annotate(
                exact=exact_headline_first(query),
                rank=SearchRank(F("search_vector"), ranking),
                # Only the page's rows pay for this: PostgreSQL evaluates costly output columns
                # after ORDER BY ... LIMIT.
                marked_snippet=SearchHeadline(
                    Concat("standfirst", Value(" "), StripTags("body"), output_field=TextField()),
                    search,
                    config=CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    max_fragments=2,
                    max_words=15,
                    min_words=5,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("-exact", "-rank", "-published_at", "-id")
        )

    def snippet(self, article, query):
        return render_marked(article.marked_snippet, html_entities=True)


class SubstringSearch:
    """Any other database: every term somewhere in the text, headline matches first."""

    EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")

    def terms(self, query):
        """(required, excluded) terms: words and "quoted phrases", a leading - excludes.

        Punctuation at a word's ends and words of punctuation alone are dropped, and so is a
        bare `or` (an operator to websearch_to_tsquery, which this fallback does not attempt).
        """
        required, excluded = [], []
        for token in TOKEN.finditer(query):
            phrase, word = token["phrase"], token["word"]
            if word is not None and word.lower() == "or":
                continue
            term = " ".join((phrase if phrase is not None else word).split())
            term = self.EDGE_PUNCTUATION.sub("", term)
            if term:
                (excluded if token["negate"] else required).append(term)
        return required[:MAX_FALLBACK_TERMS], excluded[:MAX_FALLBACK_TERMS]

    def results(self, query):
        required, excluded = self.terms(query)
        if not required and not excluded:
            return Article.objects.none()

        def anywhere(term):
            return (
                Q(headline__icontains=term)
                | Q(standfirst__icontains=term)
                | Q(body__icontains=term)
            )

        matches = Q()
        for term in required:
            matches &= anywhere(term)
        for term in excluded:
            matches &= ~anywhere(term)
        in_headline = Q()
        for term in required:
            in_headline &= Q(headline__icontains=term)
        headline_first = (
            Case(When(in_headline, then=Value(1)), default=Value(0)) if required else Value(0)
        )
        # Ranked as on PostgreSQL: the newest CANDIDATES matches and any exact headline.
        public = Article.objects.latest(current_site())
        newest = public.filter(matches).values("pk")[:CANDIDATES]
        return (
            public.filter(Q(pk__in=newest) | Q(headline__iexact=query))
            .annotate(
                exact=exact_headline_first(query),
                headline_match=headline_first,
                snippet_body=F("body"),
            )
            .order_by("-exact", "-headline_match", "-published_at", "-id")
        )

    def snippet(self, article, query):
        """The standfirst and body's text around the first match, the words marked: a match
        in the body alone shows too, not just the standfirst."""
        required, _ = self.terms(query)
        body = unescape(TAG.sub(" ", article.snippet_body))
        text = STRAY_MARKERS.sub("", " ".join(f"{article.standfirst} {body}".split()))
        if not required:
            return render_marked(self.window(text, None))
        words = sorted(required, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
        text = self.window(text, pattern.search(text))
        return render_marked(pattern.sub(lambda match: f"{START}{match[0]}{STOP}", text))

    def window(self, text, match):
        """SNIPPET_WORDS from `match` on (or from the start), after a few words of context."""
        start = match.start() if match else 0
        before = text[:start].split()
        after = text[start:].split()
        # A match inside a word keeps its whole word.
        if before and start and not text[start - 1].isspace():
            after[0] = before.pop() + after[0]
        shown = before[-SNIPPET_WORDS_BEFORE:] + after[:SNIPPET_WORDS]
        lead = "… " if len(before) > SNIPPET_WORDS_BEFORE else ""
        tail = " …" if len(after) > SNIPPET_WORDS else ""
        return f"{lead}{' '.join(shown)}{tail}"


def search_engine():
    """Full-text search on PostgreSQL, the substring fallback elsewhere."""
    return FullTextSearch() if connection.vendor == "postgresql" else SubstringSearch()


class SearchView(PublicListMixin, ListView):
    """Search results at /search/?q=, 20 to a page, in the site's cards.

    Two queries for a search (the count and the page), none for an empty query, which shows
    only the form. Each card's standfirst is replaced by the highlighted snippet (safe HTML, see
    `render_marked`), so the shared card shows it without a search-only variant. The page's
    own addresses (canonical, previous, next) keep the query.
    """

    template_name = "articles/search_results.html"
    context_object_name = "articles"
    paginate_by = 20
    paginator_class = CappedCountPaginator

    def get_paginator(self, queryset, per_page, **kwargs):
        # No more pages than the candidates fill: the count is capped at them ("500+").
        kwargs.setdefault("max_pages", max(1, CANDIDATES // per_page))
        return super().get_paginator(queryset, per_page, **kwargs)

    def get(self, request, *args, **kwargs):
        self.query = clean_query(request.GET.get("q", ""))
        self.engine = search_engine()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if not self.query:
            return Article.objects.none()
        return self.engine.results(self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            query=self.query, query_max_length=MAX_QUERY_LENGTH, **kwargs
        )
        articles = list(context["articles"])
        for article in articles:
            article.standfirst = self.engine.snippet(article, self.query)
        context.update(articles=articles, object_list=articles)
        page = context["page_obj"]
        context["canonical_url"] = self.request.build_absolute_uri(self.page_url(page.number))
        context["prev_url"] = self.page_url(page.number - 1) if page.has_previous() else None
        context["next_url"] = self.page_url(page.number + 1) if page.has_next() else None
        return context

    def page_url(self, number):
        """The address of results page `number` for this query; page 1 has no page number."""
        params = {"q": self.query} if self.query else {}
        if number > 1:
            params["page"] = number
        return reverse("articles:search") + (f"?{urlencode(params)}" if params else "")
