"""The sitemap of authors, registered with the shell's sitemap index
(`newsroom.sitemaps.register`) by `AuthorsConfig.ready`."""

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.utils.functional import cached_property

from articles.models import ArticleAuthor, public_condition
from authors.models import Author
from newsroom.brands import current_site


class EveryAuthorPaginator(Paginator):
    """Pages as if every author had a public article: counting those who have one would ask
    it of each of them, so the sitemap index asks only how many authors there are (a page
    may then list fewer, never more)."""

    @cached_property
    def count(self):
        return Author.objects.count()


class AuthorSitemap(Sitemap):
    """Authors with at least one public article.

    Asked of each author as a scalar subquery (the first public article in their byline, one
    index probe), which the database cannot turn into a join over every byline of the
    archive as it does an EXISTS: its cost follows the number of authors, not of articles."""

    def items(self):
        bylines = ArticleAuthor.objects.filter(
            public_condition("article__", site=current_site()), author=OuterRef("pk")
        )
        first = Subquery(bylines.order_by().values("article_id")[:1])
        return Author.objects.alias(first=first).filter(first__isnull=False).order_by("name")

    @property
    def paginator(self):
        return EveryAuthorPaginator(self._items(), self.limit)
