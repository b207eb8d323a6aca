"""The media library's addresses, for the admin's body editor (see library.views).

Mounted by the project at `library/`: path("library/", include("library.urls")).
"""

from django.urls import path

from library import views

app_name = "library"
urlpatterns = [
    path("images/search/", views.image_search, name="image-search"),
]
