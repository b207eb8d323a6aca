"""Admin sign-in throttling: django-axes, with a limit of its own for each thing counted.

django-axes counts failed sign-ins for each of AXES_LOCKOUT_PARAMETERS (here the account and
the address) but holds all of them to one limit. An address may be an office or a mobile
network that many editors share, so it gets a higher limit of its own
(LOGIN_ADDRESS_FAILURE_LIMIT) than an account (AXES_FAILURE_LIMIT). Without the account count,
one account could be tried from many addresses (credential stuffing); without the address
count, one address could try a common password on every account (password spraying).

The lockout page is axes' own template, answered 429 with Retry-After: each further attempt
renews the pause, so the wait is the whole cool-off from now.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_cool_off_iso8601
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render


def parameter_limit(parameter):
    """The failures allowed for one lockout parameter (a name, or a list of names)."""
    if parameter == "ip_address":
        return settings.LOGIN_ADDRESS_FAILURE_LIMIT
    return settings.AXES_FAILURE_LIMIT


class LoginThrottle(AxesDatabaseHandler):
    """axes' database handler, holding each count to its own limit.

    axes compares `get_failures` with AXES_FAILURE_LIMIT, so the count returned is measured
    against that limit: it reaches AXES_FAILURE_LIMIT exactly when some count reaches its own.
    Queries: one sum per lockout parameter.
    """

    def get_failures(self, request, credentials=None):
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        left = min(
            parameter_limit(parameter) - count
            for parameter, count in zip(settings.AXES_LOCKOUT_PARAMETERS, counts, strict=True)
        )
        return settings.AXES_FAILURE_LIMIT - left


def lockout_response(request, original_response=None, credentials=None):
    """The "too many attempts" page, 429, with Retry-After in seconds."""
    cool_off = get_cool_off(request)
    context = {
        "username": get_client_username(request, credentials) or "",
        "cooloff_time": get_cool_off_iso8601(cool_off) if cool_off else "",
        "cooloff_timedelta": cool_off,
    }
    response = render(request, "axes/lockout.html", context, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
