"""Previews: any article, whatever its status, in the real article template, for its editors in
the admin (see articles.admin_preview) and, through a signed link that expires, for anyone
they share it with.

A preview is never for the public record: it carries `noindex` (meta tag and X-Robots-Tag),
no cache may keep it, and its fragments are neither read from nor written to the public
fragment cache, so a draft can never be served in place of the published page.
"""

from datetime import timedelta

from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from articles.models import Article
from articles.views import ArticleDetailView

SALT = "newsroom.preview"
# How long a shared preview link works.
LINK_MAX_AGE = timedelta(days=7)


def _created_stamp(article):
    """Whole seconds are enough to tell the article from a later one given the same id."""
    return int(article.created.timestamp())


def make_preview_token(article):
    """A signed, timestamped token naming the article (see `preview_link`)."""
    return signing.dumps([article.pk, _created_stamp(article)], salt=SALT)


def preview_link(article):
    """The path of the article's share link: anyone holding it sees the article as it is when
    they open it, until the link is `LINK_MAX_AGE` old."""
    return reverse("articles:preview", kwargs={"token": make_preview_token(article)})


def read_preview_token(token):
    """The (article id, created stamp) a token names, or None if it is forged, damaged or
    expired."""
    try:
        article_id, created = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return article_id, created


def _no_store(response):
    """Keep a preview out of every cache and every search index."""
    del response.headers["Cache-Control"]
    add_never_cache_headers(response)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


class ArticlePreviewView(ArticleDetailView):
    """The article page for any article, published or not, marked as a preview.

    Takes the article's `pk`, and optionally the `created` stamp a share link carries. The
    queries are the article page's; fragments are rendered afresh on every request.
    """

    def get_queryset(self):
        # Every status: the point is to see what is not public yet.
        return Article.objects.select_related("section").defer("search_vector")

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        created = self.kwargs.get("created")
        if created is not None and created != _created_stamp(article):
            raise Http404("That preview link names an article that no longer exists.")
        return article

    def get(self, request, *args, **kwargs):
        # Neither the public page's section check nor its redirect: a draft may have no section.
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            preview=True,
            # A key no public page uses and a lifetime of zero: nothing read, nothing kept.
            content_version="preview",
            fragment_seconds=0,
            canonical_url=self.request.build_absolute_uri(self.object.get_absolute_url()),
        )
        return context

    def get_last_modified(self, context):
        return None

    def render_to_response(self, context, **response_kwargs):
        return _no_store(super().render_to_response(context, **response_kwargs))


def preview_page(request, token):
    """/preview/<token>/: a shared preview link, for readers without an admin account."""
    named = read_preview_token(token)
    if named is not None:
        article_id, created = named
        try:
            return ArticlePreviewView.as_view()(request, pk=article_id, created=created)
        except Http404:
            pass
    response = render(
        request,
        "articles/preview_invalid.html",
        {"max_age_days": LINK_MAX_AGE.days},
        status=404,
    )
    return _no_store(response)
