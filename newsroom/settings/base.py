"""The core: where the checkout is, secrets, hosts, apps, middleware and the cache."""

import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from newsroom.env import env_bool, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

# A checkout's own .env (made by `make`, never committed) fills in what the environment leaves
# unset; the environment always wins. ENV_FILE names another file ("" reads none).
ENV_FILE = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    load_dotenv(ENV_FILE, override=False)

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. `make run` and `make test` set one for you."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

# The site's public address, for links that leave the request (exports, feeds read offline);
# the Site row's domain follows it (newsroom.site_domain), and so do robots.txt and sitemaps.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# In DEBUG, `make run HOST=... PORT=...` serves SITE_URL's host too, not only the local names;
# ".localhost" is every name under localhost, where the demo's brands live (news.localhost …),
# which resolve to loopback only. Outside DEBUG every brand's host names are listed here.
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    [".localhost", "127.0.0.1", "[::1]", urlsplit(SITE_URL).hostname or "localhost"]
    if DEBUG
    else [],
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "django.contrib.redirects",
    "django.contrib.humanize",
    "taggit",
    "reversion",
    "django_prose_editor",
    "csp",
    "axes",
    # Operators' view (newsroom.health, newsroom.metrics).
    "health_check",
    "django_prometheus",
    # The scheduler's timetable in the database, editable in the admin (docs/tasks.md).
    "django_celery_beat",
    "django_http_compression",
    "newsroom",
    "authors",
    "articles",
    "library",
    "importers",
    "submissions",
    "edge",
    "jobs",
]

MIDDLEWARE = [
    # First: every later middleware's log records carry the request's id (newsroom.request_id),
    # and the request is timed from here (django-prometheus, with its After at the end).
    "newsroom.request_id.RequestIdMiddleware",
    # Near the top, so that it sees the Surrogate-Key of every response, as sent (edge app).
    "edge.middleware.CacheTagMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Near the top, so that every response, error pages included, carries the policies.
    "newsroom.security.ContentSecurityPolicyMiddleware",
    "newsroom.security.PermissionsPolicyMiddleware",
    # Which database each request reads (the primary or a replica), before anything reads one.
    "newsroom.db_routing.DatabaseRouteMiddleware",
    "newsroom.faults.DatabaseUnavailableMiddleware",  # 503, not 500, while the database is down
    # The brand (Site) of the request's host, before anything reads it (newsroom.brands).
    "newsroom.brands.BrandMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsroom.surrogate.SurrogateKeyMiddleware",  # before sessions and CSRF: sees their cookies
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Text responses compressed (zstd, br or gzip, as the client asks) with Vary:
    # Accept-Encoding, above the ETag and 304s, which are then of the uncompressed content
    # (newsroom.conditional); static files are WhiteNoise's, compressed ahead of time.
    "django_http_compression.middleware.HttpCompressionMiddleware",
    "newsroom.conditional.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Old addresses of moved articles and renamed topics (see articles.redirects).
    "articles.redirects.QueryAddressRedirectMiddleware",
    "newsroom.brands.RedirectFallbackMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "newsroom.urls"
# After signing in without a (safe) `next`, editors land on the admin's home page.
LOGIN_REDIRECT_URL = "admin:index"
WSGI_APPLICATION = "newsroom.wsgi.application"
# No SITE_ID: each request's brand (its Site) is found from its host (newsroom.brands). Code
# without a request (commands, tasks) works for this brand unless told another.
DEFAULT_SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site_chrome",
            ],
        },
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, but an unreachable Redis is a cache miss, not a 500
            # (newsroom.cache); the timeouts bound what each page can lose waiting for it.
            # Its reads are counted for /metrics (newsroom.cache_metrics).
            "BACKEND": "newsroom.cache_metrics.CountedForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "newsroom.cache_metrics.CountedLocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True
