from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from newsroom.brand_style import brand_stylesheet
from newsroom.favicon import favicon
from newsroom.health import ReadinessView, healthz
from newsroom.media import media_urlpatterns
from newsroom.metrics import metrics
from newsroom.sign_in import admin_login

urlpatterns = [
    # The operators' view (docs/operations.md); none of these is in a sitemap or robots.txt.
    path("healthz", healthz, name="healthz"),
    path("readyz", ReadinessView.as_view(), name="readyz"),
    path("metrics", metrics, name="metrics"),
    # Before the admin's own: the same address, with `next` kept inside the admin.
    path(f"{settings.ADMIN_URL}login/", admin_login),
    path(settings.ADMIN_URL, admin.site.urls),
    path("favicon.ico", favicon),
    path("brand.css", brand_stylesheet, name="brand-stylesheet"),
    path("pages/", include("django.contrib.flatpages.urls")),
    path("library/", include("library.urls")),
    path("submit/", include("submissions.urls")),
    path("", include("newsroom.seo_urls")),
    path("", include("authors.urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    urlpatterns += media_urlpatterns()
