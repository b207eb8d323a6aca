"""Which brands a person works on: the one rule, asked by every path that touches a brand.

A person's role (Contributor, Editor, Administrator) holds for the brands they work on:

- a superuser, and anyone with no `BrandAccess` row or with its "whole network" ticked, works
  on every brand (`brands_for` answers None). Upgrading therefore takes nothing from anyone,
  and a one-brand install never needs a row;
- anyone else works on the brands of their row, and on none if it names none (their last
  brand deleted, say): limiting someone never falls back to the whole network;
- an anonymous or inactive user works on none.

The shell owns brands and its own admin (brand settings, Sites) asks this, so the rule lives
here; `articles.workflow` hands it on to the newsdesk (articles, topics, imports) under the same
names. The answer is kept on the user object, so a request asks the database once at most
(and never for a superuser).
"""

import contextlib

from django.contrib.sites.models import Site

from newsroom import brands
from newsroom.models import BrandAccess

# Where `brands_for` keeps its answer on the user object for the rest of the request.
_KEPT = "_newsroom_brand_ids"


def brands_for(user):
    """The ids of the brands (Sites) `user` works on, as a frozenset, or None for the whole
    network. One query the first time it is asked of a user object (none for a superuser)."""
    try:
        return getattr(user, _KEPT)
    except AttributeError:
        pass
    if not user.is_active or user.is_anonymous:
        found = frozenset()
    elif user.is_superuser:
        found = None
    else:
        rows = list(BrandAccess.objects.filter(user=user).values_list("network", "brands"))
        if not rows or rows[0][0]:
            found = None
        else:
            found = frozenset(site_id for _, site_id in rows if site_id is not None)
    setattr(user, _KEPT, found)
    return found


def forget(user):
    """Drop the answer kept on `user` (after their brands were changed in this request)."""
    with contextlib.suppress(AttributeError):
        delattr(user, _KEPT)


def works_on_network(user):
    """Whether `user` works on every brand, present and future."""
    return brands_for(user) is None


def can_work_on(user, brand):
    """Whether `user` works on `brand` (a Site or its id). None (no brand yet) is no brand."""
    if brand is None:
        return False
    ids = brands_for(user)
    brand_id = brand if isinstance(brand, int) else brand.pk
    return ids is None or brand_id in ids


def sites_for(user):
    """The brands (a Site queryset) `user` may choose: every brand for the whole network.
    Lazy: costs a query when read."""
    ids = brands_for(user)
    sites = Site.objects.order_by("name", "domain")
    return sites if ids is None else sites.filter(pk__in=ids)


def brand_list(user):
    """The brands `user` works on as Sites, ordered by name, from the table of brands kept in
    memory (`newsroom.brands.every_brand`): no query once that table is built."""
    ids = brands_for(user)
    return [site for site in brands.every_brand() if ids is None or site.pk in ids]
