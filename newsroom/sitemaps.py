"""What crawlers read: the sitemap index and its sitemaps (sitemaps.org 0.9), the Google News
sitemap and robots.txt.

The shell knows no content: each app registers its sitemaps here from its `AppConfig.ready`
(`register`), and the index, the section pages and the news sitemap read what was registered.
Addresses are made as Django's sitemap views make them: the request's brand's domain (its Site)
and the scheme of the request. Each brand's sitemaps list that brand's content only.

A sitemap of many entries (the articles': 50,000 to a page) is a `StreamedSitemap`: its page
is written as it is read from the database, never held whole, and its validators come from a
summary of the page (`page_version`) rather than from the body.

Queries: the index costs a count (or, for the articles, the newest id) per sitemap and the
newest change of the two article sitemaps (seven); a sitemap page costs a count and the page
(two), a streamed page four (its number of pages, the two of its summary, and the page), and
the news sitemap one more for the publication's name.
"""

import hashlib
import json
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import quote_etag

from newsroom.brands import current_site
from newsroom.models import SiteSettings

# {name: sitemap class}, in the order the index lists them. The URL configuration hands these
# very dicts to Django's views, so they are filled in place as apps register.
INDEX = {}
# The sitemaps served at sitemap-<name>.xml by the section pattern: all but the news sitemap.
# The index lists that one too, at the address the section pattern would give it
# (sitemap-news.xml); the news route, which comes first, serves it with its own template.
SECTIONS = {}
NEWS = "news"
_places = {}


def register(name, sitemap, *, order):
    """List `sitemap` in the index as sitemap-<name>.xml, at place `order` (lowest first).

    The name "news" is the Google News sitemap, served by `news_sitemap`. Call it from an
    `AppConfig.ready`.
    """
    _places[name] = order
    ranked = sorted({**INDEX, name: sitemap}.items(), key=lambda item: _places[item[0]])
    INDEX.clear()
    INDEX.update(ranked)
    SECTIONS.clear()
    SECTIONS.update((key, value) for key, value in ranked if key != NEWS)


class PageSitemap(Sitemap):
    """The brand's footer pages (flat pages on its Site) open to everyone."""

    def items(self):
        return FlatPage.objects.filter(sites=current_site(), registration_required=False)


class StreamedSitemap(Sitemap):
    """A sitemap whose pages are streamed (see `section_sitemap`). Subclasses give:

    - `entries(page)`: (address path, lastmod date or datetime or None) of each entry of a
      page of `paginator`, as they are read;
    - `page_version(page)`: something JSON can write that changes whenever the page's entries
      do (its ETag is made of it and the site's address).
    """

    def entries(self, page):
        raise NotImplementedError

    def page_version(self, page):
        raise NotImplementedError


URLSET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
)
URLSET_CLOSE = "</urlset>\n"
# Entries written to the response at a time.
BATCH = 2000


def urlset(entries, site_address):
    """The sitemap's XML, in pieces of BATCH entries."""
    yield URLSET_OPEN.encode()
    batch = []
    for path, lastmod in entries:
        if lastmod:
            # A day, in the site's time zone, as Django's sitemap template writes it.
            day = timezone.localdate(lastmod) if timezone.is_aware(lastmod) else lastmod
            lastmod = f"<lastmod>{day.isoformat()[:10]}</lastmod>"
        batch.append(f"<url><loc>{escape(site_address + path)}</loc>{lastmod or ''}</url>\n")
        if len(batch) == BATCH:
            yield "".join(batch).encode()
            batch = []
    yield ("".join(batch) + URLSET_CLOSE).encode()


@sitemap_views.x_robots_tag
def section_sitemap(request, section):
    """sitemap-<section>.xml: a registered sitemap's page `?p=`, streamed for a
    `StreamedSitemap`, else rendered by Django's sitemap view."""
    if section not in SECTIONS:
        raise Http404(f"No sitemap is called {section!r}.")
    sitemap = SECTIONS[section]
    site = sitemap() if callable(sitemap) else sitemap
    if not isinstance(site, StreamedSitemap):
        return sitemap_views.sitemap.__wrapped__(request, {section: sitemap}, section=section)
    try:
        page = site.paginator.page(request.GET.get("p", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("There is no such page of this sitemap.") from None
    protocol = site.protocol or request.scheme
    site_address = f"{protocol}://{get_current_site(request).domain}"
    version = json.dumps([site_address, section, page.number, site.page_version(page)], default=str)
    response = StreamingHttpResponse(
        urlset(site.entries(page), site_address), content_type="application/xml"
    )
    response["ETag"] = quote_etag(hashlib.sha256(version.encode()).hexdigest()[:32])
    return response


def news_sitemap(request):
    """The Google News sitemap: each article with the publication, its time and headline."""
    response = sitemap_views.sitemap(
        request, {NEWS: INDEX[NEWS]}, template_name="sitemaps/news.xml"
    )
    response.context_data.update(
        publication_name=SiteSettings.load(get_current_site(request)).brand_name,
        # Google News wants the ISO 639 language, "en" rather than "en-gb".
        publication_language=settings.LANGUAGE_CODE.split("-")[0],
    )
    return response


def robots_txt(request):
    """Keep crawlers out of the admin and search results; point them at the sitemaps."""
    site = get_current_site(request)

    def absolute(name):
        return f"{request.scheme}://{site.domain}{reverse(name)}"

    # A custom ADMIN_URL is kept off scanners' lists; robots.txt, which anyone reads, names only
    # the usual one.
    admin = [f"Disallow: {reverse('admin:index')}"] if settings.ADMIN_URL == "admin/" else []
    lines = [
        "User-agent: *",
        *admin,
        f"Disallow: {reverse('articles:search')}",
        "",
        f"Sitemap: {absolute('newsroom:sitemap-index')}",
        f"Sitemap: {absolute('newsroom:sitemap-news')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
