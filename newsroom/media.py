"""Uploads served by Django itself: in development (DEBUG), or in production with SERVE_MEDIA=1
where no web server or CDN serves MEDIA_ROOT. With media in a bucket (an absolute MEDIA_URL)
the bucket or its CDN serves them and nothing here is routed.

An upload is whatever someone sent us. Served as the browser guesses, an HTML or SVG file under
our own address would run script with the reader's cookies. So only picture types the site makes
are shown as themselves; anything else is handed over as a download, and every file is sandboxed.

A stored name never stands for other bytes (docs/storage.md: names are content-addressed and
never overwritten), so every file is cached for a year as immutable, as the bucket's objects
are. Its ETag is a digest of its bytes, the same from every process and server; with its
Last-Modified it answers conditional requests with 304. Range requests are not answered
(the whole file is sent): pictures are small, and an edge cache answers ranges from its copy.
Readers' submissions are never here: they are stored outside MEDIA_ROOT (a system check).
"""

import hashlib
import mimetypes
import os
import re
from functools import lru_cache

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.urls import re_path
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from newsroom import surrogate

# The picture types the library and the importers store (library.validation, library.images).
# Not SVG: it can carry script.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"})
# A file opened on its own may load nothing and run nothing, even if a browser sniffs it as HTML.
MEDIA_CSP = "default-src 'none'; sandbox"
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"


@lru_cache(maxsize=4096)
def content_etag(path, mtime_ns, size):
    """A strong ETag of the file's bytes: read once per process for each version of a file
    (its modification time and size are part of the cache key)."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return quote_etag(digest.hexdigest()[:32])

# path -> the surrogate keys of what the file is (a library picture: `media-<pk>`); the
# library says, from its AppConfig.ready (`set_media_keys`): the shell knows no content app.
_media_keys = None


def set_media_keys(keys_for_path):
    """Say how a served file's surrogate keys are found: `keys_for_path(path)` → keys."""
    global _media_keys
    _media_keys = keys_for_path


def serve_media(request, path):
    """One file under MEDIA_ROOT, with validators and a year's caching (see the module).

    A path that leaves MEDIA_ROOT is refused (SuspiciousFileOperation: 400); a folder or a
    missing file is a 404.
    """
    name = FileSystemStorage(location=settings.MEDIA_ROOT).path(path)
    try:
        file = open(name, "rb")  # noqa: SIM115 (FileResponse closes it)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise Http404("No such file.") from None
    stat = os.fstat(file.fileno())
    etag = content_etag(name, stat.st_mtime_ns, stat.st_size)
    response = get_conditional_response(request, etag=etag, last_modified=int(stat.st_mtime))
    if response is not None:
        file.close()
    elif (content_type := mimetypes.guess_type(name)[0]) in INLINE_TYPES:
        response = FileResponse(file, content_type=content_type)
    else:
        response = FileResponse(file, content_type="application/octet-stream")
        response["Content-Disposition"] = "attachment"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stat.st_mtime)
    if response.status_code in {200, 304}:  # not a 412 to a failed If-Match
        response["Cache-Control"] = MEDIA_CACHE_CONTROL
        if _media_keys is not None:
            surrogate.note(*_media_keys(path))
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
