"""What crawlers read: the sitemap index and its sitemaps (sitemaps.org 0.9), the Google News
sitemap and robots.txt.

The shell knows no content: each app registers its sitemaps here from its `AppConfig.ready`
(`register`), and the index, the section pages and the news sitemap read what was registered.
Addresses are made as Django's sitemap views make them: the current Site's domain and the scheme
of the request.

Queries: the index costs a count per sitemap and the newest change of the two article
sitemaps (seven); a sitemap page costs a count and the page (two), and the news sitemap one
more for the publication's name.
"""

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpResponse
from django.urls import reverse

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


def news_sitemap(request):
    """The Google News sitemap: each article with the publication, its time and headline."""
    response = sitemap_views.sitemap(
        request, {NEWS: INDEX[NEWS]}, template_name="sitemaps/news.xml"
    )
    response.context_data.update(
        publication_name=SiteSettings.load().brand_name,
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
