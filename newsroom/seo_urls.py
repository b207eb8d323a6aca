from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from newsroom import sitemaps
from newsroom.surrogate import CHROME, ROBOTS, SITEMAPS, naming

# What purges them: any change to what they list (newsroom.surrogate, articles.changes).
# Each names the network's `sitemaps` (addresses of brands, topics, authors) and the brand's.
sitemap_index = naming(SITEMAPS, lists_of=[SITEMAPS])(sitemap_views.index)
sitemap_section = naming(SITEMAPS, lists_of=[SITEMAPS])(sitemaps.section_sitemap)

app_name = "newsroom"
urlpatterns = [
    path("robots.txt", naming(ROBOTS)(sitemaps.robots_txt), name="robots"),
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemaps": sitemaps.INDEX, "sitemap_url_name": "newsroom:sitemap-section"},
        name="sitemap-index",
    ),
    # Before the section pattern, which would take "news" as a section.
    path(
        "sitemap-news.xml",
        naming(SITEMAPS, CHROME, lists_of=[SITEMAPS])(sitemaps.news_sitemap),
        name="sitemap-news",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_section,
        name="sitemap-section",
    ),
]
