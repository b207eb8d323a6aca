"""The edge caches a purge goes to, each behind one method: `purge(keys)`.

- `VarnishNode`: a Varnish running deploy/varnish/default.vcl, one per base URL in
  EDGE_PURGE_URLS. `PURGE /` with the keys, space-separated, in the `xkey-purge` header; the
  VCL answers 200 with the count of pages purged in `X-Purged`, 403 to an address outside its
  purge ACL.
- `Fastly`: the purge-by-surrogate-key API, `POST {api}/service/{service id}/purge` with
  `{"surrogate_keys": [...]}` and the `Fastly-Key` token; at most 256 keys a call.
- `Cloudflare`: the purge-by-cache-tag API, `POST {api}/zones/{zone id}/purge_cache` with
  `{"tags": [...]}` and a bearer token; at most 100 tags a call. (Cloudflare reads tags from
  the `Cache-Tag` response header: its docs/edge.md section says how to give it the keys.)

A backend that does not acknowledge a purge raises `PurgeFailed`, naming itself and what it
answered (never its token). Requests time out after a few seconds: a purge runs, with its
retries, inside an editor's request when there is no broker.
"""

import json
import logging
import re

import urllib3
from django.conf import settings

logger = logging.getLogger(__name__)

TIMEOUT = urllib3.Timeout(connect=2, read=5)
# Printable ASCII without spaces or commas (the separators of Surrogate-Key and xkey).
KEY = re.compile(r"[!-+\--~]+")
# One xkey-purge header stays well under Varnish's 8 KiB limit on a header line.
VARNISH_HEADER_CHARS = 4000

_http = urllib3.PoolManager(timeout=TIMEOUT, retries=False)


class PurgeFailed(Exception):
    """An edge cache did not acknowledge a purge."""


class InvalidKeys(ValueError):
    """Keys no edge cache could take; sending them again will not help."""


def clean_keys(keys):
    """The keys sorted and deduplicated; InvalidKeys names any that is not a key."""
    if isinstance(keys, str):
        raise InvalidKeys(f"Keys come as a list of strings, not one string: {keys!r}")
    wrong = [key for key in keys if not isinstance(key, str) or not KEY.fullmatch(key)]
    if wrong:
        raise InvalidKeys(f"Not surrogate keys (printable ASCII, no spaces or commas): {wrong!r}")
    return sorted(set(keys))


def batches(keys, *, size=None, chars=None):
    """The keys in consecutive lists of at most `size` keys, or at most `chars` characters
    once joined by spaces."""
    batch, length = [], 0
    for key in keys:
        full = (size is not None and len(batch) >= size) or (
            chars is not None and batch and length + 1 + len(key) > chars
        )
        if full:
            yield batch
            batch, length = [], 0
        length += len(key) + (1 if batch else 0)
        batch.append(key)
    if batch:
        yield batch


def _send(backend, method, url, **kwargs):
    """The response to one request; PurgeFailed when the backend cannot be reached."""
    try:
        return _http.request(method, url, redirect=False, **kwargs)
    except urllib3.exceptions.HTTPError as error:
        raise PurgeFailed(f"{backend}: {type(error).__name__}: {error}") from error


def _refused(backend, response):
    body = response.data[:300].decode("utf-8", "replace").strip()
    return PurgeFailed(f"{backend} answered {response.status} {response.reason}: {body}")


class VarnishNode:
    def __init__(self, url):
        self.url = url.rstrip("/")

    def __str__(self):
        return f"Varnish at {self.url}"

    def purge(self, keys):
        """Returns the count of pages purged, as the VCL reports it."""
        purged = 0
        for batch in batches(keys, chars=VARNISH_HEADER_CHARS):
            response = _send(self, "PURGE", f"{self.url}/", headers={"xkey-purge": " ".join(batch)})
            if response.status != 200:
                raise _refused(self, response)
            purged += int(response.headers.get("X-Purged") or 0)
        return purged


class Fastly:
    BATCH = 256

    def __init__(self, service_id, token, api_url):
        self.service_id, self.token, self.api_url = service_id, token, api_url.rstrip("/")

    def __str__(self):
        return f"Fastly service {self.service_id}"

    def purge(self, keys):
        for batch in batches(keys, size=self.BATCH):
            response = _send(
                self,
                "POST",
                f"{self.api_url}/service/{self.service_id}/purge",
                headers={"Fastly-Key": self.token, "Accept": "application/json",
                         "Content-Type": "application/json"},
                body=json.dumps({"surrogate_keys": batch}),
            )  # fmt: skip
            if response.status != 200:
                raise _refused(self, response)
        return None


class Cloudflare:
    BATCH = 100

    def __init__(self, zone_id, token, api_url):
        self.zone_id, self.token, self.api_url = zone_id, token, api_url.rstrip("/")

    def __str__(self):
        return f"Cloudflare zone {self.zone_id}"

    def purge(self, keys):
        for batch in batches(keys, size=self.BATCH):
            response = _send(
                self,
                "POST",
                f"{self.api_url}/zones/{self.zone_id}/purge_cache",
                headers={"Authorization": f"Bearer {self.token}",
                         "Content-Type": "application/json"},
                body=json.dumps({"tags": batch}),
            )  # fmt: skip
            if response.status != 200 or not _succeeded(response):
                raise _refused(self, response)
        return None


def _succeeded(response):
    """Cloudflare's envelope says whether the call worked: {"success": true, ...}."""
    try:
        return json.loads(response.data).get("success") is True
    except (ValueError, AttributeError):
        return False


def configured():
    """The edge caches this deployment names (docs/configuration.md), in a fixed order."""
    backends = [VarnishNode(url) for url in settings.EDGE_PURGE_URLS]
    if settings.FASTLY_SERVICE_ID:
        backends.append(
            Fastly(settings.FASTLY_SERVICE_ID, settings.FASTLY_API_TOKEN, settings.FASTLY_API_URL)
        )
    if settings.CLOUDFLARE_ZONE_ID:
        backends.append(
            Cloudflare(
                settings.CLOUDFLARE_ZONE_ID,
                settings.CLOUDFLARE_API_TOKEN,
                settings.CLOUDFLARE_API_URL,
            )
        )
    return backends
