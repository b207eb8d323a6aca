"""Validators that hold whatever encoding a response travels in.

Text responses (pages, feeds, sitemaps, JSON) are compressed by django-http-compression's
middleware: zstd, brotli or gzip, whichever the client prefers, or none. It sits above this
module's middleware in MIDDLEWARE, so the ETag below is taken of the bytes before compression:
the content a reader receives, the same in every process and on every server that renders it
(docs/performance.md, "Validators").

For such a response:

- the ETag is weak (`W/"…"`): it names the content, which identity, gzip and brotli carry
  alike (RFC 9110, 8.8.1). Django compares If-None-Match weakly, so an ETag received with any
  encoding gets a 304, and the 304 carries the very ETag of the 200 it confirms;
- `Vary: Accept-Encoding` is sent even when the response goes out uncompressed, and on its
  304s: a shared cache then never hands one encoding to a client that asked for another.

Pictures and other already-compressed types keep a strong ETag (newsroom.media sets its own).
"""

from django.middleware import http
from django.utils.cache import patch_vary_headers, set_response_etag
from django_http_compression.middleware import HttpCompressionMiddleware


def compressible(response):
    """Whether the compression middleware may encode this response (by its Content-Type)."""
    content_type = response.get("Content-Type", "").split(";", 1)[0].strip()
    return bool(HttpCompressionMiddleware.content_type_re.match(content_type))


class ConditionalGetMiddleware(http.ConditionalGetMiddleware):
    """Django's ConditionalGetMiddleware (an ETag of the content; 304 to a matching
    If-None-Match or If-Modified-Since), with a weak ETag and `Vary: Accept-Encoding` on the
    responses the compression middleware above it may encode."""

    def process_response(self, request, response):
        if compressible(response) and not response.has_header("Content-Encoding"):
            patch_vary_headers(response, ["Accept-Encoding"])
            if request.method == "GET" and self.needs_etag(response):
                if not response.has_header("ETag"):
                    set_response_etag(response)
                etag = response.get("ETag", "")
                if etag.startswith('"'):
                    response.headers["ETag"] = f"W/{etag}"
        return super().process_response(request, response)
