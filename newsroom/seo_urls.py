from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from newsroom import sitemaps

app_name = "newsroom"
urlpatterns = [
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps.INDEX, "sitemap_url_name": "newsroom:sitemap-section"},
        name="sitemap-index",
    ),
    # Before the section pattern, which would take "news" as a section.
    path("sitemap-news.xml", sitemaps.news_sitemap, name="sitemap-news"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps.SECTIONS},
        name="sitemap-section",
    ),
]
