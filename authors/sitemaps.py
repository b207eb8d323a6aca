"""The sitemap of authors, registered with the shell's sitemap index
(`newsroom.sitemaps.register`) by `AuthorsConfig.ready`."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef

from articles.models import ArticleAuthor, public_condition
from authors.models import Author


class AuthorSitemap(Sitemap):
    """Authors with at least one public article.

    Asked of each author with one index probe (a public article in their byline), so its cost
    follows the number of authors, not of articles (counting them would read every byline)."""

    def items(self):
        bylines = ArticleAuthor.objects.filter(public_condition("article__"), author=OuterRef("pk"))
        return Author.objects.filter(Exists(bylines)).order_by("name")
