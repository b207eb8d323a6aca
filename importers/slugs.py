"""Addresses and keys an import derives from source values."""

import hashlib
from urllib.parse import urlsplit

from articles.redirects import MAX_PATH_LENGTH
from articles.text import ascii_slug  # noqa: F401  (the one slug rule, used by every importer)


def source_key(value):
    """A source id that fits the column: long ones (some feed GUIDs) by their digest."""
    value = str(value).strip()
    if len(value) <= 255:
        return value
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def old_path(url):
    """The site path (with its query) a redirect from `url` starts at, or None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"}:
        return None
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    if path == "/" or len(path) > MAX_PATH_LENGTH:
        return None
    return path
