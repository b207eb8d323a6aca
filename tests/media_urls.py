"""The site's URLconf as `SERVE_MEDIA=1` makes it: uploads served by newsroom.media."""

from newsroom.media import media_urlpatterns
from newsroom.urls import urlpatterns as site_urlpatterns

urlpatterns = [*site_urlpatterns, *media_urlpatterns()]
