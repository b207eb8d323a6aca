"""The articles app's public addresses, all in the `articles` namespace: pages, feeds, search."""

from django.urls import include, path

from articles import corrections, preview, views

app_name = "articles"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("latest/", views.LatestView.as_view(), name="latest"),
    path("feeds/", include("articles.feed_urls")),
    path("search/", include("articles.search_urls")),
    path("topics/", views.TopicIndexView.as_view(), name="topic-list"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("articles/<slug:slug>/", views.ArticleBySlugView.as_view(), name="article-by-slug"),
    path("corrections/", corrections.corrections_page, name="corrections"),
    path("corrections/rss/", corrections.corrections_feed, name="corrections-feed"),
    path("preview/<str:token>/", preview.preview_page, name="preview"),
    # Last: any other one- or two-segment path is a section, or a section and an article.
    path("<slug:slug>/", views.SectionDetailView.as_view(), name="section-detail"),
    path("<slug:section>/<slug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
]
