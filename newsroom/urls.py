from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("authors/", include("authors.urls")),
    path("pages/", include("django.contrib.flatpages.urls")),
    path("feeds/", include("articles.feed_urls")),
    path("search/", include("articles.search_urls")),
    path("library/", include("library.urls")),
    path("", include("newsroom.seo_urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
