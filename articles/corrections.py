"""The public corrections page and its RSS feed: every correction to a public article, newest
first. A correction to an article readers cannot see (a draft, scheduled or unpublished) is
left out, by the one publication rule (`public_condition`) applied across the relation.

Corrections are written by `articles.workflow.note_change`.
"""

from datetime import UTC
from urllib.parse import urlsplit

from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.views.generic import ListView

from articles.feeds import FEED_CACHE, FEED_SIZE, SteadyRssFeed
from articles.models import Correction, public_condition
from newsroom import surrogate
from newsroom.brands import current_site
from newsroom.models import SiteSettings
from newsroom.pages import ArchivePaginator, PublicListMixin


def public_corrections():
    """Corrections to public articles, newest first, each with its article and section joined
    (for the link): one query, whatever the number of rows."""
    return (
        Correction.objects.filter(public_condition("article__", site=current_site()))
        .select_related("article__section")
        .only(
            "note",
            "created",
            "article__headline",
            "article__slug",
            "article__modified",
            "article__section__slug",
        )
        .order_by("-created", "-id")
    )


class CorrectionListView(PublicListMixin, ListView):
    """/corrections/: pages of corrections, twenty to a page, read without counting them."""

    # Numbered pages: corrections are few, so an OFFSET stays cheap.
    paginator_class = ArchivePaginator
    template_name = "articles/correction_list.html"
    context_object_name = "corrections"
    paginate_by = 20

    def get_queryset(self):
        return public_corrections()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        surrogate.note(
            surrogate.lists(surrogate.CORRECTIONS),
            (correction.article for correction in context["corrections"]),
        )
        return context

    def get_last_modified(self, context):
        return max(
            (
                max(correction.created, correction.article.modified)
                for correction in context["corrections"]
            ),
            default=None,
        )


corrections_page = CorrectionListView.as_view()


class CorrectionFeed(Feed):
    """The newest corrections as RSS 2.0; each entry links to the note on its article."""

    feed_type = SteadyRssFeed

    @classmethod
    def as_view(cls):
        """A view answering each request with a fresh feed, which may then keep the request."""

        def view(request, *args, **kwargs):
            response = cls()(request, *args, **kwargs)
            patch_cache_control(response, public=True, **FEED_CACHE)
            return response

        view.__doc__ = cls.__doc__
        return view

    def __call__(self, request, *args, **kwargs):
        self.request = request
        response = super().__call__(request, *args, **kwargs)
        if not self.feed.items:
            # Django dates it by its newest entry; with none, there is no date to give.
            response.headers.pop("Last-Modified", None)
        return response

    def get_feed(self, obj, request):
        self.feed = super().get_feed(obj, request)
        return self.feed

    @cached_property
    def brand_name(self):
        return SiteSettings.load(self.request.site).brand_name

    def title(self):
        return f"Corrections | {self.brand_name}"

    def link(self):
        return reverse("articles:corrections")

    def description(self):
        return f"Corrections to stories published by {self.brand_name}, newest first."

    def items(self):
        corrections = list(public_corrections()[:FEED_SIZE])
        surrogate.note(
            surrogate.lists(surrogate.CORRECTIONS),
            surrogate.FEEDS,
            surrogate.CHROME,
            (correction.article for correction in corrections),
        )
        return corrections

    def item_title(self, correction):
        return f"Correction: {correction.article.headline}"

    def item_description(self, correction):
        return correction.note

    def item_link(self, correction):
        return f"{correction.article.get_absolute_url()}#correction-{correction.pk}"

    def item_guid(self, correction):
        # A tag: URI (RFC 4151), like the article feeds': the article's address may change.
        host = urlsplit(f"//{get_current_site(self.request).domain}").hostname
        day = correction.created.astimezone(UTC).date().isoformat()
        return f"tag:{host},{day}:correction/{correction.pk}"

    def item_guid_is_permalink(self, correction):
        return False

    def item_pubdate(self, correction):
        return correction.created


corrections_feed = CorrectionFeed.as_view()
