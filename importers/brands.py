"""Which brand an import writes to: a line's `brand` key, the commands' `--brand HOST`, the
admin's choice (docs/brands.md).

A brand is named by its primary host name, its `Site.domain` exactly as stored (no extra host
name, no other case): the name an export writes, so an export imports to the same brand.
`Brands` reads every brand once (one query) and answers each name from memory, so a file of a
million lines costs that one query for its brands, never one a line.

The brand takes part in what makes an import "unchanged" (`with_brand`): importing the same
item to another brand moves its article there (with a redirect from its old address, the
workflow's rule: `articles.workflow.Publication.finish`). The default brand adds nothing, so
what was imported before brands existed stays unchanged.
"""

import hashlib

from django.conf import settings
from django.contrib.sites.models import Site

from articles.workflow import brands_for


class UnknownBrand(ValueError):
    """A host name that is no brand of this install; the message lists those that are."""


# How many brands a refusal lists (an install with a long list shows the first ones).
LISTED = 10


class Brands:
    """The install's brands by their primary host name: one query, when first asked.

    `allowed` is the ids of the brands the person importing works on (`reach_of`), or None
    for any brand (the commands, which act as the system): a line naming another brand is
    refused, so a file's own `brand` keys cannot take an import where its person may not go.
    """

    def __init__(self, allowed=None):
        self._by_domain = None
        self.allowed = allowed

    @property
    def by_domain(self):
        if self._by_domain is None:
            self._by_domain = {site.domain: site for site in Site.objects.order_by("domain")}
        return self._by_domain

    def named(self, domain):
        """The brand whose `Site.domain` is `domain`; raises `UnknownBrand` for any other."""
        site = self.by_domain.get(domain)
        if site is None:
            known = list(self.by_domain)
            listed = ", ".join(known[:LISTED]) + (" …" if len(known) > LISTED else "")
            raise UnknownBrand(
                f"brand {domain!r} is not a brand of this install: its brands are {listed} "
                "(each named by its primary host name, as under Sites in the admin)."
            )
        if self.allowed is not None and site.pk not in self.allowed:
            raise UnknownBrand(
                f"brand {domain!r} is not one the person who started this import works on "
                "(docs/brands.md, editors per brand)."
            )
        return site


def reach_of(job):
    """The ids of the brands admin import `job` may write to (None: every brand): those its
    person works on, by the newsdesk's one rule (`articles.workflow.brands_for`). A job whose
    person's account was deleted keeps only its own brand."""
    if job.started_by is None:
        return frozenset({job.brand_id or settings.DEFAULT_SITE_ID})
    return brands_for(job.started_by)


def brand_for_host(host):
    """The brand `--brand HOST` names (one query); raises `UnknownBrand`."""
    return Brands().named(host)


def is_default(site):
    """Whether `site` is the install's default brand (where imports went before brands)."""
    return site is None or site.pk == settings.DEFAULT_SITE_ID


def with_brand(fingerprint, site):
    """An item's fingerprint with the brand it is imported to: a new one for any brand but
    the default, so that importing the same item to another brand writes it again."""
    if is_default(site):
        return fingerprint
    return hashlib.sha256(f"{fingerprint}|brand:{site.pk}".encode()).hexdigest()
