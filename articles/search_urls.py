from django.urls import path

from articles.search import SearchView

app_name = "search"
urlpatterns = [
    path("", SearchView.as_view(), name="results"),
]
