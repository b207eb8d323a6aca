"""Which brand a request is for: its Site, found from the request's host.

A brand is a `Site` (its primary host name, `Site.domain`) with its settings
(`newsroom.models.SiteSettings`, which may name more host names). `BrandMiddleware` finds the
brand once per request and keeps it as `request.site` and as the brand in hand for the code the
request runs (`current_site()`); code without a request (commands, tasks) works for the default
brand (`settings.DEFAULT_SITE_ID`) unless told another.

Django's host validation comes first: a host not in ALLOWED_HOSTS is refused with 400 before
any of this runs. A host that is allowed but names no brand (`testserver`, the machine's own
address) is served as the default brand, as every allowed host was before there were brands.

The table of host names costs one query, then lives in Django's own cache of sites
(`SITE_CACHE`), which Django empties whenever a Site is saved or deleted and `clear_cache()`
empties too; saving a brand's settings empties it as well. Each brand's Site is put there under
its host, so Django's own `get_current_site(request)` (flat pages, redirects, feeds, sitemaps)
answers the same brand without a query.
"""

import contextvars
import functools
import time
from contextlib import contextmanager

from django.conf import settings
from django.contrib.redirects import middleware as redirects_middleware
from django.contrib.sites import models as sites_models
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.http.request import split_domain_port
from django.urls import reverse

_current = contextvars.ContextVar("newsroom_brand", default=None)

# Where the table of host names is kept in SITE_CACHE: not a host name (no port is a word).
_TABLE = "newsroom:hosts"
# A change to any brand moves this key's value on in the shared cache (Redis), so that every
# process rebuilds its table; where the cache is each process's own, or has lost the key, the
# table is rebuilt after TABLE_SECONDS, as the header and footer are.
VERSION_KEY = "newsroom:brands-version"
TABLE_SECONDS = 5 * 60


# What content apps add to each brand in the table (`annotate_brands`): {name: expression}.
_annotations = {}


def annotate_brands(**expressions):
    """Have each brand of the table of hosts carry `expressions` as attributes, read in the
    table's one query (e.g. whether any article is syndicated to it). Call it from an
    `AppConfig.ready`; a brand read elsewhere lacks them, and readers must allow for that."""
    _annotations.update(expressions)


def default_site_id():
    return settings.DEFAULT_SITE_ID


def _host_table():
    """{host name: Site} for every brand: its domain and its extra host names. One query,
    then kept until a Site or brand changes (in this process, or in another: see
    `VERSION_KEY`), or for `TABLE_SECONDS` at most."""
    # Read through the module each time: `Site.objects.clear_cache()` replaces the dict.
    kept = sites_models.SITE_CACHE.get(_TABLE)
    version = cache.get(VERSION_KEY)
    if kept is not None:
        table, kept_version, built = kept
        moved_on = version is not None and version != kept_version
        if not moved_on and time.monotonic() - built < TABLE_SECONDS:
            return table
    # Django's own entries (by id, by host) may be as old: they go too.
    Site.objects.clear_cache()
    table = {}
    for site in Site.objects.select_related("brand_settings").annotate(**_annotations):
        settings_row = getattr(site, "brand_settings", None)
        extra = settings_row.host_names() if settings_row is not None else []
        names = [site.domain.lower(), *extra]
        # Then each without its port: a brand at news.localhost:8000 is news.localhost on
        # any port (a name with its port, exactly, wins).
        names += [split_domain_port(name)[0] for name in names]
        for host in names:
            table.setdefault(host, site)
    sites_models.SITE_CACHE[_TABLE] = (table, version, time.monotonic())
    return table


def forget_hosts(**kwargs):
    """Drop the table of host names here and, through the shared cache, in every other process
    (a signal receiver: a brand or its Site changed)."""
    Site.objects.clear_cache()
    # Others once the change is committed: earlier, one could rebuild from the old rows.
    transaction.on_commit(_move_version_on)


def _move_version_on():
    Site.objects.clear_cache()
    cache.set(VERSION_KEY, time.time_ns(), None)


def site_for_host(host):
    """The brand (Site) serving `host` ("news.example.org:8000"): by its host with the port,
    then without, else the default brand."""
    return _lookup(host)[0]


def _lookup(host):
    """(the brand serving `host`, whether `host` names it rather than falling back to the
    default brand)."""
    table = _host_table()
    host = host.lower()
    site = table.get(host) or table.get(split_domain_port(host)[0])
    if site is not None:
        return site, True
    site = next((s for s in table.values() if s.pk == default_site_id()), None)
    if site is None:  # the default brand's row is missing (a database flushed by hand)
        site = Site.objects.get(pk=default_site_id())
    return site, False


def every_brand():
    """Every brand (Site), ordered by its name, from the table of host names: no query once
    the table is built (the request's brand built it)."""
    found = {site.pk: site for site in _host_table().values()}
    return sorted(found.values(), key=lambda site: (brand_name(site).lower(), site.pk))


def brand_name(site):
    """What editors call brand `site`: its settings' brand name, else the Site's name. No
    query for the table's brands, which carry their settings; one for a Site read without."""
    try:
        return site.brand_settings.brand_name
    except ObjectDoesNotExist:
        return site.name or site.domain


def current_site():
    """The brand in hand: the request's, or the default brand outside a request (one query
    the first time a process asks, then cached by Django)."""
    return _current.get() or _default_site()


def _default_site():
    site_id = default_site_id()
    site = sites_models.SITE_CACHE.get(site_id)
    if site is None:
        site = sites_models.SITE_CACHE[site_id] = Site.objects.get(pk=site_id)
    return site


@contextmanager
def using(site):
    """`with brands.using(site):` makes `site` the brand in hand for the block (a command or
    task told which brand it works for)."""
    token = _current.set(site)
    try:
        yield site
    finally:
        _current.reset(token)


# The operators' endpoints (newsroom.health, newsroom.metrics) answer for the install, not a
# brand, and must answer without the database: no brand is looked up for them.
BRAND_FREE_URL_NAMES = ("healthz", "readyz", "metrics")


@functools.cache
def _brand_free_paths():
    return frozenset(reverse(name) for name in BRAND_FREE_URL_NAMES)


class BrandMiddleware:
    """Finds the request's brand from its host: `request.site`, and the brand in hand while the
    response is made. Place it before anything that reads the brand. A host not in
    ALLOWED_HOSTS is refused here (400), as Django refuses it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in _brand_free_paths():
            return self.get_response(request)
        host = request.get_host()  # raises DisallowedHost (400) for a host not allowed
        site, named = _lookup(host)
        # Django's get_current_site(request) looks here first: the same brand, no query.
        sites_models.SITE_CACHE[host] = site
        request.site = site
        try:
            with using(site):
                return self.get_response(request)
        finally:
            if not named:
                # A host that names no brand is not kept: allowed names under a wildcard
                # (".example.org") are countless, and Django's cache of sites has no bound.
                sites_models.SITE_CACHE.pop(host, None)


class RedirectFallbackMiddleware(redirects_middleware.RedirectFallbackMiddleware):
    """Django's redirects (an old address answered 404 leads to its new one), for the
    request's brand; a brand-free request (the operators' endpoints) has none."""

    def process_response(self, request, response):
        if getattr(request, "site", None) is None:
            return response
        return super().process_response(request, response)
