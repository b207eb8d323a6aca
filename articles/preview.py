"""Previews: any article, whatever its status, in the real article template, for its editors in
the admin (see articles.admin.preview) and, through a share link that expires and can be revoked
(articles.preview_links), for anyone they share it with.

A preview is never for the public record: it carries `noindex` (meta tag and X-Robots-Tag),
no cache may keep it, and its fragments are neither read from nor written to the public
fragment cache, so a draft can never be served in place of the published page.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from articles.models import Article
from articles.preview_links import link_days, open_link
from articles.views import ArticleDetailView
from newsroom.db_routing import reads_from_primary


def _no_store(response):
    """Keep a preview out of every cache and every search index."""
    del response.headers["Cache-Control"]
    add_never_cache_headers(response)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


class ArticlePreviewView(ArticleDetailView):
    """The article page for any article, published or not, marked as a preview.

    Takes the article's `pk`. The queries are the article page's; fragments are rendered afresh
    on every request.
    """

    def get_queryset(self):
        # Every status: the point is to see what is not public yet.
        return Article.objects.select_related("section").defer("search_vector")

    def get(self, request, *args, **kwargs):
        # Neither the public page's section check nor its redirect: a draft may have no section.
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            preview=True,
            # No fragment is read or kept (the {% fragment %} tag renders afresh).
            fragment_seconds=0,
            canonical_url=self.request.build_absolute_uri(self.object.get_absolute_url()),
        )
        return context

    def get_last_modified(self, context):
        return None

    def render_to_response(self, context, **response_kwargs):
        return _no_store(super().render_to_response(context, **response_kwargs))


@reads_from_primary  # a draft as it was just saved, never a replica's older copy
def preview_page(request, token):
    """/preview/<token>/: a shared preview link, for readers without an admin account.

    Two queries before the article page's: the link, and recording that it was opened.
    """
    article_id = open_link(token)
    if article_id is not None:
        try:
            return ArticlePreviewView.as_view()(request, pk=article_id)
        except Http404:
            pass
    response = render(
        request, "articles/preview_invalid.html", {"link_days": link_days()}, status=404
    )
    return _no_store(response)
