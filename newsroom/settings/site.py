"""What the site does with its knobs: imports, adverts, previews, caching, submissions, mail."""

from django.core.exceptions import ImproperlyConfigured

from newsroom.env import env_bool, env_int, env_str

# Importers fetch remote files (feeds, --fetch-media) from public addresses only; set this for
# an import from an intranet server, knowing that it lets a file make the server call inside.
IMPORT_FETCH_ALLOW_PRIVATE = env_bool("IMPORT_FETCH_ALLOW_PRIVATE", False)
# Imports started from the admin (importers.job_models): the largest file accepted, and how many
# items of a WordPress export one task takes (its parts run on as many workers as there are).
IMPORT_UPLOAD_MAX_BYTES = env_int("IMPORT_UPLOAD_MAX_BYTES", 1024 * 1024 * 1024)
IMPORT_PART_ITEMS = env_int("IMPORT_PART_ITEMS", 2000)

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
