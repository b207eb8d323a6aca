"""The surrogate keys of lists as a brand's pages write them (newsroom.surrogate): the list's
name, `-b` and the brand's id. Written out here rather than asked of the code under test."""

from django.conf import settings


def on_brand(name, site=None):
    """The key of list `name` on brand `site` (the default brand unless given): "latest-b1"."""
    return f"{name}-b{settings.DEFAULT_SITE_ID if site is None else site.pk}"


def on_brands(names, *sites):
    """The keys of lists `names` on each of `sites` (the default brand unless given)."""
    return {on_brand(name, site) for name in names for site in (sites or [None])}
