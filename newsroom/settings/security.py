"""HTTPS, cookies, the admin's address, browser policies (CSP, Permissions-Policy), and login
throttling."""

from datetime import timedelta

from csp.constants import NONE, SELF

from newsroom.env import env_bool, env_int, env_str
from newsroom.settings.base import DEBUG

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
