"""Moved addresses: when a published article or a topic changes its address, the old one answers
with a permanent redirect to the new one.

The redirects are rows of django.contrib.redirects, which its RedirectFallbackMiddleware serves
on what would otherwise be a 404. `record_move` keeps them tidy: every redirect leads straight
to a live address (A moved to B, then B to C: A goes to C in one hop), and no redirect starts at
an address that is live again, so none can loop.
"""

import logging

from django.contrib.redirects.models import Redirect
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.http import HttpResponsePermanentRedirect
from django.urls import reverse

from newsroom.brands import current_site

logger = logging.getLogger(__name__)

# The length of Redirect.old_path and new_path.
MAX_PATH_LENGTH = Redirect._meta.get_field("old_path").max_length


def published_url(article):
    """The article's address if it is (or is scheduled to be) published, else None.

    Touches `article.section` (select it related).
    """
    if not article.has_public_status or article.section_id is None:
        return None
    return article.get_absolute_url()


def record_topic_move(*, old_slug, topic):
    """Redirect the addresses of the topic once called `old_slug` (renamed, or merged into
    `topic`) to `topic`'s: its pages under /topics/ and at the top level (where a section
    lives) to `topic`'s page, and each feed to the same kind of feed. Returns the redirects.
    """
    old, new = {"slug": old_slug}, {"slug": topic.slug}
    page = topic.get_absolute_url()
    moves = [
        (reverse("articles:topic-detail", kwargs=old), page),
        (reverse("articles:section-detail", kwargs=old), page),
        (reverse("articles:topic-rss", kwargs=old), reverse("articles:topic-rss", kwargs=new)),
        (reverse("articles:topic-atom", kwargs=old), reverse("articles:topic-atom", kwargs=new)),
    ]
    redirects = [record_move(old_url=old_url, new_url=new_url) for old_url, new_url in moves]
    return [redirect for redirect in redirects if redirect is not None]


def record_move(*, old_url, new_url, site=None):
    """Leave a permanent redirect from `old_url` to `new_url` (site paths; `new_url` may be a
    full address on another brand) on brand `site` (a Site or its id; the brand in hand if
    None), for readers and search engines that know the old address. Returns the Redirect, or
    None when there is nothing to record (no old or new address, or the same one) or a path is
    too long to store.

    Earlier redirects to `old_url` are pointed at `new_url`, and a redirect from `new_url` (an
    address live again, e.g. a slug changed back) is removed. A handful of queries.
    """
    if not old_url or not new_url or old_url == new_url:
        return None
    if len(old_url) > MAX_PATH_LENGTH or len(new_url) > MAX_PATH_LENGTH:
        logger.warning("No redirect from %s to %s: a path is too long to store.", old_url, new_url)
        return None
    site = site or current_site().pk
    site = getattr(site, "pk", site)
    with transaction.atomic():
        # First, so that a redirect back to where we came from (C -> B, now B -> C) goes
        # rather than becoming C -> C below.
        Redirect.objects.filter(site_id=site, old_path=new_url).delete()
        Redirect.objects.filter(site_id=site, new_path=old_url).update(new_path=new_url)
        redirect, _ = Redirect.objects.update_or_create(
            site_id=site, old_path=old_url, defaults={"new_path": new_url}
        )
    return redirect


# Where sites keep addresses made of a query alone: WordPress's "/?p=123" and "/index.php?p=123".
QUERY_ROOTS = ("/", "/index.php")


class QueryAddressRedirectMiddleware:
    """Old addresses made of a query string ("/?p=123", "/?page_id=2") lead to their new ones.

    django.contrib.redirects answers only what would otherwise be a 404, and "/" is the home
    page, so a redirect recorded from "/?p=123" (importers keep WordPress's default permalinks)
    would never be reached. Only a request for the site root with a query string is looked up:
    one query for those, none for any other request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if query and request.path in QUERY_ROOTS and request.method in ("GET", "HEAD"):
            # "/index.php?p=1" is the same old address as "/?p=1", which is how exports name it.
            candidates = {request.get_full_path(), f"/?{query}"}
            redirect = (
                Redirect.objects.filter(site=get_current_site(request), old_path__in=candidates)
                .exclude(new_path="")
                .first()
            )
            if redirect is not None:
                return HttpResponsePermanentRedirect(redirect.new_path)
        return self.get_response(request)
