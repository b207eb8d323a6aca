from django.urls import path

from articles import feeds

app_name = "feeds"
urlpatterns = [
    path("rss/", feeds.ArticleFeed.as_view(), name="site-rss"),
    path("atom/", feeds.ArticleAtomFeed.as_view(), name="site-atom"),
    path("topics/<slug:slug>/rss/", feeds.TopicFeed.as_view(), name="topic-rss"),
    path("topics/<slug:slug>/atom/", feeds.TopicAtomFeed.as_view(), name="topic-atom"),
    path("authors/<slug:slug>/rss/", feeds.AuthorFeed.as_view(), name="author-rss"),
    path("authors/<slug:slug>/atom/", feeds.AuthorAtomFeed.as_view(), name="author-atom"),
]
