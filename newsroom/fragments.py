"""What public pages keep in the cache, and how an edit retires exactly what shows it.

Two kinds of cached work:

- **Fragments** (`cached`, the `{% fragment %}` tag): the rendered article and its rail, listing
  counts. A fragment remembers the surrogate keys of what it shows (newsroom.surrogate: those
  noted while it was built), each with the version that key had then. A key's version moves on
  when a change to its object is committed (`retire`, called by newsroom.purging with the same
  keys the edge is purged with), so saving one article retires only the fragments naming
  `article-<pk>`, and a publication the fragments naming the lists it joins (`latest` …). A hit
  costs one cache read (a `get_many` of the fragment and its keys' versions) and no SQL.
  Time alone does not change the database, so a fragment also expires after
  `settings.NEWSROOM_FRAGMENT_SECONDS`, a backstop for a change that purged nothing (a row
  written by hand in the database); 0 turns fragment caching off.
- **The site chrome** (the header and footer, `newsroom.chrome`), one per brand under
  `CHROME_KEY` and the brand's id, all dropped by `forget_chrome()` (each brand's header lists
  the others, so a change to one brand's settings changes them all).

Every key is the brand's own: a fragment names the brand in hand (newsroom.brands) among its
parts, so a fragment made for one brand is never served on another.

Which models feed the chrome is said by the app that owns them, in its `AppConfig.ready`,
through `retire_on_change`. This module knows no content app.
"""

import time
from collections import OrderedDict
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from newsroom import surrogate
from newsroom.brands import current_site

CHROME_KEY = "newsroom:site-chrome:v3"
# Edits drop the chrome at once; the time limit bounds staleness in a process that did not see
# the edit (each process has its own cache unless REDIS_URL is set).
CHROME_SECONDS = 5 * 60


def version_key(key):
    """The cache key holding surrogate key `key`'s version."""
    return f"newsroom:key-version:{key}"


def versions(keys):
    """{key: version} for `keys` (one get_many); a key never retired (or evicted) is absent."""
    found = cache.get_many([version_key(key) for key in keys])
    return {key: found[version_key(key)] for key in keys if version_key(key) in found}


def retire(keys):
    """Retire every fragment naming one of `keys`: their versions move on (one set_many).

    Call it once the change is committed (newsroom.purging does): earlier, a request that
    still sees the old rows could cache them under the new version.
    """
    now = time.time_ns()
    cache.set_many({version_key(key): now for key in keys}, None)


def _stamp(keys, started):
    """The versions `keys` have now, for a fragment whose build started at `started` (ns), or
    None if one moved on since: the fragment may show the older rows, so it is not kept.

    A key with no version gets one (`started`, with add: a concurrent retire wins), so that
    the version's eviction later reads as a change rather than as "never changed"."""
    stamp = versions(keys)
    for key in set(keys) - set(stamp):
        cache.add(version_key(key), started, None)
        stamp[key] = cache.get(version_key(key), started)
    if any(version > started for version in stamp.values()):
        return None
    return stamp


def fragment_key(name, *parts):
    """The cache key of the fragment `name` (and `parts`) for the brand in hand; it holds
    (value, {key: version})."""
    # Parts are quoted: one may be an editor's words (a brand's advert account), and a cache
    # key must hold no space or control character.
    parts = [quote(str(part), safe=":") for part in parts]
    return ":".join(["newsroom", f"brand-{current_site().pk}", name, *parts])


def cached(name, build, *parts):
    """The value cached as `name` (and `parts`), or `build()`'s, kept for
    `settings.NEWSROOM_FRAGMENT_SECONDS` and until one of the keys noted while building it is
    retired. Notes those keys on the response either way.

    A hit is one `get_many`: the fragment with the versions of the keys this process last saw
    it hold (`_known_keys`); only when those differ (another process rebuilt it with other
    keys, or this process has not seen it yet) does a second read fetch the right versions.
    """
    key = fragment_key(name, *parts)
    known = _known_keys.get(key, ())
    found = cache.get_many([key, *map(version_key, known)])
    entry = found.pop(key, None)
    if entry is not None:
        value, stamp = entry
        if set(stamp) == set(known):
            current = {k: found[version_key(k)] for k in known if version_key(k) in found}
        else:
            current = versions(stamp)
        if current == stamp:
            _remember(key, stamp)
            surrogate.note(*stamp)
            return value
    started = time.time_ns()
    with surrogate.collecting() as keys:
        value = build()
    stamp = _stamp(keys, started)
    if stamp is not None and settings.NEWSROOM_FRAGMENT_SECONDS:
        cache.set(key, (value, stamp), settings.NEWSROOM_FRAGMENT_SECONDS)
        _remember(key, stamp)
    return value


# {fragment key: its surrogate keys}, as this process last saw them; the newest few thousand.
_known_keys = OrderedDict()
KNOWN_FRAGMENTS = 5000


def _remember(key, stamp):
    _known_keys[key] = tuple(stamp)
    _known_keys.move_to_end(key)
    while len(_known_keys) > KNOWN_FRAGMENTS:
        _known_keys.popitem(last=False)


def get_chrome(build, site_id, *, menu=True):
    """Brand `site_id`'s cached site chrome, or `build()`'s, kept for `CHROME_SECONDS`. Names
    the network's `chrome` (brands' settings, the sister brands) and, unless `menu` is off (a
    page showing another brand's name but not its header), the brand's own (its menu)."""
    surrogate.note(surrogate.CHROME)
    if menu:
        surrogate.note(surrogate.brand_key(surrogate.CHROME, site_id))
    key = f"{CHROME_KEY}:{site_id}"
    chrome = cache.get(key)
    if chrome is None:
        chrome = build()
        cache.set(key, chrome, CHROME_SECONDS)
    return chrome


def forget_chrome(**kwargs):
    """The next page of every brand rebuilds its header and footer (also a signal receiver).
    One query, for the brands' ids."""
    from django.contrib.sites.models import Site

    cache.delete_many([f"{CHROME_KEY}:{pk}" for pk in Site.objects.values_list("pk", flat=True)])


def retire_on_change(*models):
    """Connect saving or deleting any of `models` to dropping the cached site chrome. Call it
    from an `AppConfig.ready`. (What the change purges is said by newsroom.purging's callers.)"""
    for model in models:
        label = model._meta.label
        post_save.connect(forget_chrome, sender=model, dispatch_uid=f"chrome-save-{label}")
        post_delete.connect(forget_chrome, sender=model, dispatch_uid=f"chrome-delete-{label}")
