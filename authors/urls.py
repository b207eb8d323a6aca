"""The authors app's addresses, in the `authors` namespace: the authors' pages under /authors/
and each author's feeds under /feeds/authors/ (beside the article feeds, where they have always
been). Included at the site's root."""

from django.urls import path

from authors import feeds, views

app_name = "authors"
urlpatterns = [
    path("authors/", views.AuthorIndexView.as_view(), name="author-list"),
    path("authors/<slug:slug>/", views.AuthorDetailView.as_view(), name="author-detail"),
    path("feeds/authors/<slug:slug>/rss/", feeds.AuthorFeed.as_view(), name="author-rss"),
    path("feeds/authors/<slug:slug>/atom/", feeds.AuthorAtomFeed.as_view(), name="author-atom"),
]
