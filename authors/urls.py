from django.urls import path

from authors import views

app_name = "authors"
urlpatterns = [
    path("", views.AuthorIndexView.as_view(), name="author-list"),
    path("<slug:slug>/", views.AuthorDetailView.as_view(), name="author-detail"),
]
