"""The article feeds' addresses, under /feeds/: the site's, and each topic's or section's.

Included by articles.urls, so the names are in the `articles` namespace
(`articles:site-rss`); an author's feeds are the authors app's (authors.urls).
"""

from django.urls import path

from articles import feeds

urlpatterns = [
    path("rss/", feeds.ArticleFeed.as_view(), name="site-rss"),
    path("atom/", feeds.ArticleAtomFeed.as_view(), name="site-atom"),
    path("topics/<slug:slug>/rss/", feeds.TopicFeed.as_view(), name="topic-rss"),
    path("topics/<slug:slug>/atom/", feeds.TopicAtomFeed.as_view(), name="topic-atom"),
]
