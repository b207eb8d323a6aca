"""Uploads served by Django itself: in development (DEBUG), or in production with SERVE_MEDIA=1
where no web server or CDN serves MEDIA_ROOT. With media in a bucket (an absolute MEDIA_URL)
the bucket or its CDN serves them and nothing here is routed.

An upload is whatever someone sent us. Served as the browser guesses, an HTML or SVG file under
our own address would run script with the reader's cookies. So only picture types the site makes
are shown as themselves; anything else is handed over as a download, and every file is sandboxed.
"""

import re

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from newsroom import surrogate

# The picture types the library and the importers store (library.validation, library.images).
# Not SVG: it can carry script.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"})
# A file opened on its own may load nothing and run nothing, even if a browser sniffs it as HTML.
MEDIA_CSP = "default-src 'none'; sandbox"

# path -> the surrogate keys of what the file is (a library picture: `media-<pk>`); the
# library says, from its AppConfig.ready (`set_media_keys`): the shell knows no content app.
_media_keys = None


def set_media_keys(keys_for_path):
    """Say how a served file's surrogate keys are found: `keys_for_path(path)` → keys."""
    global _media_keys
    _media_keys = keys_for_path


def serve_media(request, path):
    """One file under MEDIA_ROOT (django.views.static.serve: safe paths, conditional GET)."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if _media_keys is not None and response.status_code == 200:
        surrogate.note(*_media_keys(path))
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type not in INLINE_TYPES:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
        response.headers.pop("Content-Encoding", None)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    return response


def media_urlpatterns():
    """The address of uploads (MEDIA_URL, a path on this site) routed to serve_media.

    None when MEDIA_URL is another site's (a bucket or CDN, docs/storage.md): files are there.
    """
    if "//" in settings.MEDIA_URL:
        return []
    prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    return [re_path(rf"^{prefix}(?P<path>.*)$", serve_media, name="media")]
