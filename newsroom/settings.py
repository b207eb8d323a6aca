"""Newsroom's one settings module. Every per-host value comes from the environment (or from
a local .env file beside manage.py, for what the environment leaves unset).

docs/configuration.md lists every variable read here, with its default and an example;
tests/test_configuration_doc.py keeps the two in step.
"""

import os
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from newsroom.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
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

# In DEBUG, `make run HOST=... PORT=...` serves SITE_URL's host too, not only the local names.
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    ["localhost", "127.0.0.1", "[::1]", urlsplit(SITE_URL).hostname or "localhost"]
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
    "newsroom",
    "authors",
    "articles",
    "library",
    "importers",
    "submissions",
    "jobs",
]

MIDDLEWARE = [
    # First: every later middleware's log records carry the request's id (newsroom.request_id),
    # and the request is timed from here (django-prometheus, with its After at the end).
    "newsroom.request_id.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Near the top, so that every response, error pages included, carries the policies.
    "newsroom.security.ContentSecurityPolicyMiddleware",
    "newsroom.security.PermissionsPolicyMiddleware",
    "newsroom.faults.DatabaseUnavailableMiddleware",  # 503, not 500, while the database is down
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Old addresses of moved articles and renamed topics (see articles.redirects).
    "articles.redirects.QueryAddressRedirectMiddleware",
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
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
SITE_ID = 1

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

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'newsroom.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
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

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Object storage (docs/storage.md) ---------------------------------------------------------
# Submitted files have their own storage (submissions.storage): on disk under SUBMISSIONS_ROOT.
STORAGES["submissions"] = {"BACKEND": "submissions.storage.PrivateFileSystemStorage"}
# With a bucket named, uploads, renditions and imported pictures go to S3-compatible storage
# (django-storages), and submitted files to a private bucket read through short-lived signed
# URLs. Public names are content-addressed (library.uploads), so they are cached for a year.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    _S3_ACCOUNT = {
        "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
        "access_key": env_str("AWS_ACCESS_KEY_ID", "") or None,
        "secret_key": env_str("AWS_SECRET_ACCESS_KEY", "") or None,
        "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
        "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE", "") or None,
        # Signed links with Signature Version 4: every region and provider takes it.
        "signature_version": "s3v4",
        # Never replace a stored file: a name taken gets a new one (media are cached for ever).
        "file_overwrite": False,
    }
    # Where readers fetch media: a CDN or the bucket's public address. MEDIA_URL (absolute,
    # ending "/") names it; AWS_S3_CUSTOM_DOMAIN ("media.example.com") is the short form; by
    # default the bucket's path-style address at the endpoint (or AWS's in its region).
    _MEDIA_DOMAIN = env_str("AWS_S3_CUSTOM_DOMAIN", "")
    _BUCKET_URL = (
        f"{_S3_ACCOUNT['endpoint_url'].rstrip('/')}/{AWS_STORAGE_BUCKET_NAME}/"
        if _S3_ACCOUNT["endpoint_url"]
        else f"https://s3.{_S3_ACCOUNT['region_name'] or 'us-east-1'}.amazonaws.com/"
        f"{AWS_STORAGE_BUCKET_NAME}/"
    )
    MEDIA_URL = env_str("MEDIA_URL", f"https://{_MEDIA_DOMAIN}/" if _MEDIA_DOMAIN else _BUCKET_URL)
    if "//" not in MEDIA_URL or not MEDIA_URL.endswith("/"):
        raise ImproperlyConfigured("With a bucket, MEDIA_URL is an absolute URL ending in '/'.")
    _MEDIA_SCHEME, _, _MEDIA_HOST = MEDIA_URL.partition("//")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3_ACCOUNT,
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "custom_domain": _MEDIA_HOST.rstrip("/"),
            "url_protocol": _MEDIA_SCHEME,
            "querystring_auth": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    # Readers' files: private objects, another bucket if named (better: no public policy can
    # reach them), else under submissions/ in the media bucket. Staff get 5-minute links.
    _SUBMISSIONS_BUCKET = env_str("AWS_SUBMISSIONS_BUCKET_NAME", "")
    STORAGES["submissions"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3_ACCOUNT,
            "bucket_name": _SUBMISSIONS_BUCKET or AWS_STORAGE_BUCKET_NAME,
            "location": "" if _SUBMISSIONS_BUCKET else "submissions",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env_int("AWS_SUBMISSIONS_URL_SECONDS", 300),
            "object_parameters": {"CacheControl": "private, no-store"},
        },
    }
# --- end of object storage ---------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# HTTPS. Outside DEBUG the site is HTTPS-only: http is redirected, browsers are told to stay on
# https (HSTS) and cookies never travel over http. Behind a proxy that ends TLS, set
# TRUST_X_FORWARDED_PROTO=1 (only if the proxy overwrites that header), or the redirect loops.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Probes and the metrics scraper speak plain http to the process (docs/operations.md).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Preloading is the domain owner's promise, to every browser, and takes months to undo; opt in.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script of ours or the admin's reads the CSRF cookie (forms carry the token).
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# A refused form gets the site's own page (templates/403_csrf.html), not Django's plain one.
CSRF_FAILURE_VIEW = "newsroom.csrf.csrf_failure"

# The admin's address; a less guessable one keeps scanners off the login page. Ends with "/".
ADMIN_URL = env_str("ADMIN_URL", "admin/").strip("/") + "/"
# Serve MEDIA_ROOT from Django outside DEBUG (newsroom.media), where no web server does.
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)

# Content-Security-Policy (django-csp) of every page; the admin's own changes are in
# newsroom.security. No inline script or style: the templates have none, the body sanitiser
# drops event handlers and style attributes. JSON-LD `<script type="application/ld+json">` is a
# data block, which browsers never run, so script-src does not apply to it.
# The players that articles.body.embed_for_url embeds.
EMBED_FRAME_ORIGINS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Imported bodies may keep pictures at their outside https addresses (articles.body).
        "img-src": [SELF, "data:", "https:"],
        "frame-src": EMBED_FRAME_ORIGINS,
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": not DEBUG,
    }
}
# Powerful browser features the site never uses are off for it and for every frame in it; the
# players keep full screen and picture-in-picture (their iframes ask for them).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": ["self", *EMBED_FRAME_ORIGINS],
    "fullscreen": ["self", *EMBED_FRAME_ORIGINS],
    "geolocation": [],
    "gyroscope": [],
    "interest-cohort": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": ["self", *EMBED_FRAME_ORIGINS],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

# Admin login throttling (django-axes, counted by newsroom.throttle). Wrong passwords are
# counted per account, whatever the address (credential stuffing from many addresses), and per
# address, whatever the account (password spraying from one address); the pair of the two is
# within both counts. After LOGIN_FAILURE_LIMIT failures for one account, or
# LOGIN_ADDRESS_FAILURE_LIMIT from one address (higher: an office shares one address), sign-in
# pauses for LOGIN_COOLOFF_MINUTES after the latest failure. Attempts are kept in the database,
# so the count holds across processes.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "newsroom.throttle.LoginThrottle"
AXES_LOCKOUT_CALLABLE = "newsroom.throttle.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Its "AXES: BEGIN version ..." banner would open the output of every command.
AXES_VERBOSE = False
# How many reverse proxies stand in front (each appends to X-Forwarded-For); without it every
# login behind a proxy would share the proxy's address (newsroom.security.client_ip).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "newsroom.security.client_ip"


# Background work (Celery 5; the jobs app; docs/tasks.md). Only CELERY_BROKER_URL makes a
# broker (Redis or RabbitMQ): REDIS_URL alone is the cache. Without it, work queued through
# jobs.outbox.enqueue runs in this process once the transaction that queued it commits.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
# A direct .delay() with no broker runs at once instead of trying a broker that is not there.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# A message is acknowledged when its task ends, not when it starts, and one whose worker died
# is handed out again: a killed worker loses nothing (tasks are idempotent, docs/tasks.md).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
# No result backend: tasks report through the database (jobs.models), never a return value.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web process gives up on an unreachable broker quickly: the outbox keeps the message.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Redis hands an unacknowledged message (its worker killed) to another worker after this long;
# longer than the longest task, or a slow task runs twice at once.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
# How often a task that failed is tried again (with exponential backoff) before it is recorded
# as failed in the admin (jobs.tasks.job).
NEWSROOM_TASK_MAX_RETRIES = env_int("TASK_MAX_RETRIES", 5)
# The scheduler embedded in `make worker` sends what the outbox kept while the broker was down.
CELERY_BEAT_SCHEDULE = {
    "flush-outbox": {"task": "jobs.flush_outbox", "schedule": env_int("OUTBOX_FLUSH_SECONDS", 60)}
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Importers fetch remote files (feeds, --fetch-media) from public addresses only; set this for
# an import from an intranet server, knowing that it lets a file make the server call inside.
IMPORT_FETCH_ALLOW_PRIVATE = env_bool("IMPORT_FETCH_ALLOW_PRIVATE", False)

# Where advert slots go in an article body: after the Nth paragraph, then every Mth, at most K.
NEWSROOM_ADVERTS = {
    "first_after": env_int("ADVERT_FIRST_AFTER", 3),
    "every": env_int("ADVERT_EVERY", 4),
    "max": env_int("ADVERT_MAX", 3),
}
# How many days a share link to an article's preview works, unless revoked first
# (articles.preview_links).
PREVIEW_LINK_DAYS = env_int("PREVIEW_LINK_DAYS", 3)
if PREVIEW_LINK_DAYS < 1:
    raise ImproperlyConfigured(f"PREVIEW_LINK_DAYS must be 1 or more; got {PREVIEW_LINK_DAYS}.")
# How many of the latest articles the "Choose your content" rail shows.
NEWSROOM_RAIL_SIZE = env_int("RAIL_SIZE", 4)
# Cache-Control of public pages: browsers keep them briefly, a CDN longer, and a CDN may serve a
# stale copy while it fetches a fresh one.
NEWSROOM_PUBLIC_CACHE = {
    "max_age": env_int("CACHE_MAX_AGE", 60),
    "s_maxage": env_int("CACHE_S_MAXAGE", 300),
    "stale_while_revalidate": env_int("CACHE_STALE_WHILE_REVALIDATE", 600),
}
# How long a cached page fragment may live; edits retire fragments at once (newsroom.fragments).
NEWSROOM_FRAGMENT_SECONDS = env_int("FRAGMENT_SECONDS", 60)
# How long readers are asked to wait (Retry-After) while the database is unreachable
# (newsroom.faults).
NEWSROOM_RETRY_AFTER_SECONDS = env_int("RETRY_AFTER", 30)

# Reader submissions ("Submit Your Content", the submissions app). Their files are private:
# SUBMISSIONS_ROOT must be outside MEDIA_ROOT and STATIC_ROOT (a system check says so).
SUBMISSIONS_ROOT = Path(env_str("SUBMISSIONS_ROOT", str(VAR_DIR / "submissions")))
# POSTs of the form per client address, e.g. "5/h" or "20/d" (django-ratelimit), counted in the
# cache: set REDIS_URL in production, or each process counts on its own. The address is
# newsroom.security.client_ip's, so behind a proxy set TRUSTED_PROXY_COUNT, or every reader
# shares the proxy's address and its limit.
SUBMISSIONS_RATE = env_str("SUBMISSIONS_RATE", "5/h")
RATELIMIT_IP_META_KEY = "newsroom.security.client_ip"
# With the cache unreachable the count cannot be kept: the form stays open (CSRF, the honeypot
# and the upload checks still apply) rather than turning every reader away.
RATELIMIT_FAIL_OPEN = True
SUBMISSIONS_MAX_FILES = env_int("SUBMISSIONS_MAX_FILES", 5)
# One file (pictures are also held to the media library's 25 MB), and all files of one form.
SUBMISSIONS_MAX_FILE_BYTES = env_int("SUBMISSIONS_MAX_FILE_BYTES", 50 * 1024 * 1024)
SUBMISSIONS_MAX_TOTAL_BYTES = env_int("SUBMISSIONS_MAX_TOTAL_BYTES", 100 * 1024 * 1024)
# The text fields of any one request (files are not counted); Django's default, stated here
# because the largest form, the admin's article editor, stays well under it.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
# Submitters' receipts. The console backend prints mail; production names a real one (e.g.
# django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST and friends).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "newsroom@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# Operators' view (docs/operations.md). /metrics answers only these client addresses or CIDR
# ranges (REMOTE_ADDR, never a forwarded header); everyone else gets a 404.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
for _entry in METRICS_ALLOWED_IPS:
    try:
        ip_network(_entry, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_IPS: {_error}") from None

# One handler, on the root logger. Django's own "django" logger gets a console handler of its
# own by default, which printed each of its lines twice in DEBUG; here it only passes its
# records up. A database outage is told once, by newsroom.faults, so the request logger's
# "Internal Server Error" and traceback for it are dropped.
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # request_id: the X-Request-ID of the request being served, "-" outside one
    # (newsroom.request_id); the filter is on the handler, so every logger's records have it.
    "formatters": {
        "plain": {"format": "%(levelname)s %(name)s: %(message)s [request %(request_id)s]"}
    },
    "filters": {
        "outage_told": {"()": "newsroom.faults.OutageAlreadyLogged"},
        "request_id": {"()": "newsroom.request_id.RequestIdFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.request": {"filters": ["outage_told"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
