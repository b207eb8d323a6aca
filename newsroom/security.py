"""Response headers that no single view owns: the admin's Content-Security-Policy and the
Permissions-Policy of every response.

The public policy itself is `CONTENT_SECURITY_POLICY` in settings; docs/security.md explains each
choice and what the web server in front must add.
"""

import base64
import hashlib
import re

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django_prose_editor.widgets import importmap as prose_editor_importmap

_SCRIPT_TEXT = re.compile(r"<script[^>]*>(.*)</script>", re.DOTALL)


def _inline_script_hash(element):
    """The CSP source that allows exactly this inline `<script>` element's text."""
    text = _SCRIPT_TEXT.fullmatch(str(element)).group(1)
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def admin_policy_changes():
    """How the admin's policy differs from the public one (directives it replaces).

    - django-prose-editor writes its import map inline (`<script type="importmap">`), and Django
      5.2's form media cannot give it a nonce; the map's hash allows that map and nothing else.
      Its addresses come from static(), so the hash is taken where the page is served.
    - Django's change list and the editor write `<style>` blocks and style attributes. Styles
      cannot run script, and the admin is for signed-in staff only.
    """
    return {
        "script-src": [SELF, _inline_script_hash(prose_editor_importmap.render())],
        "style-src": [SELF, UNSAFE_INLINE],
    }


def admin_prefix():
    """The admin's address on this site (ADMIN_URL), or None while the admin is not mounted."""
    try:
        return reverse("admin:index")
    except NoReverseMatch:
        return None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own, looser policy under the admin's address.

    django-csp documents get_policy_parts as the place to extend; a view's own @csp_replace
    still wins over the admin changes.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        prefix = admin_prefix()
        if not report_only and prefix and request.path_info.startswith(prefix):
            parts.replace = admin_policy_changes() | (parts.replace or {})
        return parts


def _allowlist(origins):
    """Keywords as they are, origins quoted: `self "https://player.vimeo.com"`."""
    return " ".join(o if o in {"self", "*", "src"} else f'"{o}"' for o in origins)


class PermissionsPolicyMiddleware:
    """Sends `PERMISSIONS_POLICY` (a dict of feature to allowed origins) on every response.

    An empty list turns the feature off for the page and every frame in it; a view or an upstream
    layer that already set the header is left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({_allowlist(origins)})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def client_ip(request):
    """The reader's address for login throttling, as the TRUSTED_PROXY_COUNT proxies saw it.

    Each proxy appends the address it was called from to X-Forwarded-For, so with N proxies the
    reader is the Nth entry from the right; entries further left are whatever the client sent.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if count and len(forwarded) >= count and forwarded[-count]:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
