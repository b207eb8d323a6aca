"""Surrogate keys: every public response names what it shows, so a change can purge exactly the
responses that show it (docs/edge.md, "Surrogate keys").

A key is a short ASCII word. Objects have `<prefix>-<pk>` (`key_for`): `article-12`,
`author-3`, `topic-5` (a section is a topic), `media-7` (a library picture): an object's key is
the same on every brand, since its page and every mention of it (a card, a byline, a copy on a
sister brand) show the one object. Lists are each brand's own (`brand_key`, `lists`): the
name, then `-b` and the brand's id, so that publishing an article of brand 2 purges brand 2's
lists (and those of the brands it is syndicated to) and no other brand's:

- `home-b2`: the front page's choice of stories;
- `latest-b2`: the brand's public articles, newest first: the latest page, the rail of every
  article page, the counts of the topic and author indexes, and its "not found" answers (an
  address may become an article's when one is published);
- `topic-5-b2`, `author-3-b2`: a topic's (or section's) and an author's articles on the brand:
  their pages, feeds and the front page's section blocks (which also name `topic-5`, the
  topic's own key, for its name);
- `feeds-b2`, `sitemaps-b2`, `corrections-b2` (the corrections page and feed);
- `chrome-b2`: the brand's own header (its menu).

Some parts are the network's, shared by every brand, and keep a plain name: `chrome` (each
header lists the sister brands by name), `feeds`, `sitemaps` and `robots` (they write the
brands' addresses, topics' and authors' addresses). A feed or sitemap names both, e.g.
`feeds` and `feeds-b2`: an article's change purges the second, a brand's new address the first.

While a request is answered, code that renders an object notes it (`note`): views for a page's
main objects, the `{% surrogate %}` tag for what templates list, fragments for what they hold
(a cached fragment keeps its keys, so a hit names them too; newsroom.fragments).
`SurrogateKeyMiddleware` writes them into the `Surrogate-Key` header of public responses.

The shell knows content models by name only (`_meta.model_name`), never by import.
"""

import contextvars
from collections.abc import Iterable
from contextlib import contextmanager

from django.db.models import Model

from newsroom import brands

HEADER = "Surrogate-Key"

CHROME = "chrome"
HOME = "home"
LATEST = "latest"
FEEDS = "feeds"
SITEMAPS = "sitemaps"
ROBOTS = "robots"
CORRECTIONS = "corrections"

# Model name (`_meta.model_name`) → key prefix.
PREFIXES = {"article": "article", "author": "author", "topic": "topic", "image": "media"}

_collected = contextvars.ContextVar("surrogate_keys", default=None)


def key(kind, pk):
    """The key of the object of model name `kind` with primary key `pk`: key("topic", 5)."""
    return f"{PREFIXES[kind]}-{pk}"


def key_for(obj):
    """The key of a model instance of a keyed model: "article-12"."""
    return key(obj._meta.model_name, obj.pk)


def keys_for(*items):
    """The keys of `items`: model instances, key strings, iterables of either; None skipped."""
    keys = set()
    for item in items:
        if item is None or item == "":
            continue
        if isinstance(item, str):
            keys.add(item)
        elif isinstance(item, Model):
            keys.add(key_for(item))
        elif isinstance(item, Iterable):
            keys.update(keys_for(*item))
        else:
            raise TypeError(f"No surrogate key for {item!r}.")
    return keys


def brand_key(item, site):
    """The key of list `item` (a list's name, or a keyed object: its list) as brand `site` (a
    Site or its id) shows it: brand_key("latest", 2) is "latest-b2", brand_key(topic, 2)
    "topic-5-b2"."""
    name = item if isinstance(item, str) else key_for(item)
    return f"{name}-b{getattr(site, 'pk', site)}"


def lists(*items, site=None):
    """The brand keys (`brand_key`) of `items` (see `keys_for`) on brand `site`, by default
    the brand in hand (newsroom.brands.current_site: the request's)."""
    site = brands.current_site() if site is None else site
    return {brand_key(name, site) for name in keys_for(*items)}


def of_brands(items, site_ids):
    """The brand keys of `items` (see `keys_for`) on each brand of `site_ids`: what a change
    purges for the brands that list an article."""
    names = keys_for(items)
    return {brand_key(name, site) for name in names for site in site_ids}


def note(*items):
    """Name `items` (see `keys_for`) on the response being made; nothing outside a request."""
    keys = _collected.get()
    if keys is not None:
        keys.update(keys_for(*items))


@contextmanager
def collecting():
    """Collect the keys noted inside the block into the set it yields; they are noted in the
    enclosing collection too (a fragment's keys are the page's)."""
    outer = _collected.get()
    keys = set()
    token = _collected.set(keys)
    try:
        yield keys
    finally:
        _collected.reset(token)
        if outer is not None:
            outer.update(keys)


def naming(*items, lists_of=()):
    """A view decorator: the view's responses name `items`, and the request's brand's keys of
    the lists `lists_of` (for views that are not ours, such as Django's sitemap views)."""

    def decorate(view):
        def named(request, *args, **kwargs):
            note(*items)
            if lists_of:
                note(lists(*lists_of))
            return view(request, *args, **kwargs)

        named.__doc__ = view.__doc__
        named.__name__ = getattr(view, "__name__", "view")
        return named

    return decorate


def is_public(request, response):
    """Whether a shared cache may keep `response`: an answer to a GET or HEAD whose
    Cache-Control does not say private, no-store or no-cache, and that sets no cookie."""
    if request.method not in ("GET", "HEAD") or response.cookies:
        return False
    cache_control = {
        part.split("=")[0].strip().lower()
        for part in response.get("Cache-Control", "").split(",")
    }
    return not cache_control & {"private", "no-store", "no-cache"}


class SurrogateKeyMiddleware:
    """Collect the keys noted while a request is answered (`request.surrogate_keys`) and send
    them as `Surrogate-Key` on public responses; never on private ones (the admin, previews,
    anything setting a cookie), whose keys would let an edge keep them.

    A "not found" names the brand's `latest` as well: the address may be an article's once it
    is published, which purges the brand's `latest`.

    Placed before the session and CSRF middleware, so it sees the cookies they set.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with collecting() as keys:
            request.surrogate_keys = keys
            response = self.get_response(request)
            if response.status_code == 404:
                note(lists(LATEST))
        # A view may also name keys itself, in the header; both are kept.
        keys |= set(response.headers.get(HEADER, "").split())
        response.headers.pop(HEADER, None)
        if keys and is_public(request, response):
            response.headers[HEADER] = " ".join(sorted(keys))
        return response
