"""Search's address, /search/, named `articles:search` (included by articles.urls)."""

from django.urls import path

from articles.search import SearchView

urlpatterns = [
    path("", SearchView.as_view(), name="search"),
]
