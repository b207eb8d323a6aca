"""Operators' view: who may read /metrics, and logging."""

from ipaddress import ip_network

from django.core.exceptions import ImproperlyConfigured

from newsroom.env import env_list, env_str

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
