from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from articles.models import Article
from articles.views import card_queryset
from authors.models import Author
from newsroom.pages import PublicListMixin, PublicPageMixin


class AuthorDetailView(PublicListMixin, ListView):
    """An author's profile and their public articles, newest first."""

    template_name = "authors/author_detail.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return card_queryset().filter(article_authors__author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class AuthorIndexView(PublicPageMixin, ListView):
    """Every author with at least one public article."""

    template_name = "authors/author_list.html"
    context_object_name = "authors"

    def get_queryset(self):
        public = Article.objects.published()
        return (
            Author.objects.annotate(
                article_total=Count("article_links", filter=Q(article_links__article__in=public))
            )
            .filter(article_total__gt=0)
            .order_by("name")
        )
