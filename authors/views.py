"""The authors' public pages: the index of authors with public articles, and each profile."""

from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from articles.models import Article
from authors.models import Author
from newsroom import surrogate
from newsroom.pages import PublicListMixin, PublicPageMixin


class AuthorDetailView(PublicListMixin, ListView):
    """An author's profile and their public articles, newest first."""

    template_name = "authors/author_detail.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        # The author's own key (name, bio) and their list on this brand.
        surrogate.note(self.author, surrogate.lists(self.author))
        return Article.objects.latest(self.request.site).by_author(self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class AuthorIndexView(PublicPageMixin, ListView):
    """Every author with at least one public article."""

    template_name = "authors/author_list.html"
    context_object_name = "authors"

    def get_queryset(self):
        return Author.objects.with_public_articles(self.request.site).order_by("name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The counts change with the set of the brand's public articles (its `latest`).
        surrogate.note(surrogate.lists(surrogate.LATEST), context["authors"])
        return context
