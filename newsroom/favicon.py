"""/favicon.ico, which browsers and feed readers ask for whatever the page links."""

from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.generic import RedirectView


class FaviconView(RedirectView):
    """A temporary redirect to the site's icon, as its static address changes with its content
    (the manifest names files by their hash); kept for a day."""

    permanent = False

    def get_redirect_url(self, *args, **kwargs):
        return static("img/favicon-32.png")

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=86400)
        return response


favicon = FaviconView.as_view()
