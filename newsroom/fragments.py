"""What public pages keep in the cache, and the one place that retires it.

Two kinds of cached work, each retired by edits:

- **Fragments** under the content version: the rendered article and its rail, listing counts,
  feeds. Their keys hold `content_version()` (see `cached`), which `bump_content_version()`
  moves on once an edit is committed, so an edit shows on the next request. Code that writes
  with `QuerySet.update()` or `bulk_create()` alone (no signal) calls `bump_content_version()`
  itself. Time alone does not change the database, so a fragment also expires after
  `settings.NEWSROOM_FRAGMENT_SECONDS`: a scheduled article reaches the rail, and "3 minutes
  ago" moves on, within that time (0 turns fragment caching off).
- **The site chrome** (the header and footer, `newsroom.chrome`) under `CHROME_KEY`, dropped by
  `forget_chrome()`.

Which models feed which is said by the app that owns them, in its `AppConfig.ready`, through
`retire_on_change`: the shell names its settings and flat pages, `articles` its articles and
topics, `authors` its authors. This module knows no content app.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

VERSION_KEY = "newsroom:content-version"
CHROME_KEY = "newsroom:site-chrome:v2"
# Edits drop the chrome at once; the time limit bounds staleness in a process that did not see
# the edit (each process has its own cache unless REDIS_URL is set).
CHROME_SECONDS = 5 * 60


def content_version():
    """The current content version (one cache read, no SQL)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, None)
    return version


def bump_content_version(**kwargs):
    """Retire every cached fragment once the change is committed (also a signal receiver).

    Bumping earlier would let a request that still sees the old rows cache them under the new
    version.
    """
    transaction.on_commit(lambda: cache.set(VERSION_KEY, time.time_ns(), None))


def cached(name, build, *parts):
    """The value cached as `name` (and `parts`) under the current content version, or
    `build()`'s, which is then kept for `settings.NEWSROOM_FRAGMENT_SECONDS`."""
    key = ":".join(["newsroom", name, str(content_version()), *map(str, parts)])
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, settings.NEWSROOM_FRAGMENT_SECONDS)
    return value


def get_chrome(build):
    """The cached site chrome, or `build()`'s, kept for `CHROME_SECONDS`."""
    chrome = cache.get(CHROME_KEY)
    if chrome is None:
        chrome = build()
        cache.set(CHROME_KEY, chrome, CHROME_SECONDS)
    return chrome


def forget_chrome(**kwargs):
    """The next page rebuilds the header and footer (also a signal receiver)."""
    cache.delete(CHROME_KEY)


def retire_on_change(*models, content=False, chrome=False):
    """Connect saving or deleting any of `models` to what it retires: the cached fragments
    (`content`) and/or the site chrome (`chrome`). Call it from an `AppConfig.ready`."""
    for model in models:
        label = model._meta.label
        receivers = [(bump_content_version, "fragments")] if content else []
        receivers += [(forget_chrome, "chrome")] if chrome else []
        for receiver, kind in receivers:
            post_save.connect(receiver, sender=model, dispatch_uid=f"{kind}-save-{label}")
            post_delete.connect(receiver, sender=model, dispatch_uid=f"{kind}-delete-{label}")
