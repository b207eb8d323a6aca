"""An author's newest public articles as RSS 2.0 and Atom 1.0, at /feeds/authors/<slug>/.

The article feeds' machinery (articles.feeds.ArticleFeed) with the author as the subject and
`Article.objects.latest(site).by_author()` as the entries, for the request's brand.
"""

from django.shortcuts import get_object_or_404

from articles.feeds import ArticleFeed, MediaAtomFeed
from articles.models import Article
from authors.models import Author


class AuthorFeed(ArticleFeed):
    """An author's newest public articles, as RSS 2.0."""

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def articles(self, author):
        return Article.objects.latest(self.request.site).by_author(author)

    def title(self, author):
        return f"{author.name} | {self.brand_name}"

    def link(self, author):
        return author.get_absolute_url()

    def description(self, author):
        return f"The latest stories by {author.name} for {self.brand_name}."


class AuthorAtomFeed(AuthorFeed):
    """An author's newest public articles, as Atom 1.0."""

    feed_type = MediaAtomFeed
