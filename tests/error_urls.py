"""The site's URLs plus one that fails, to see the server error page."""

from django.urls import path

from newsroom.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("deliberate failure for the error page test")


urlpatterns = [path("broken/", broken), *site_urlpatterns]
