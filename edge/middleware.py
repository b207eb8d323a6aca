"""Cloudflare reads a response's cache tags from `Cache-Tag` (comma-separated), not from
`Surrogate-Key`: with Cloudflare configured, every response naming keys names them there too,
so that the Cloudflare backend's purges by tag find the pages. Cloudflare keeps the header
from readers."""

from django.conf import settings


class CacheTagMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        keys = response.headers.get("Surrogate-Key")
        if keys and settings.CLOUDFLARE_ZONE_ID and "Cache-Tag" not in response.headers:
            response.headers["Cache-Tag"] = ",".join(keys.split())
        return response
