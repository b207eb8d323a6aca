"""What every public page shares: caching headers for a CDN, and its canonical address."""

from django.conf import settings
from django.utils.cache import patch_cache_control
from django.utils.http import http_date


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


class PublicListMixin(PublicPageMixin):
    """A public listing of articles: Last-Modified is the newest change among those shown."""

    def get_last_modified(self, context):
        stamps = [article.modified for article in context.get("object_list") or ()]
        return max(stamps, default=None)
