"""The edge caches in front of the site, which the edge app tells what to purge (docs/edge.md).
None is configured by default: purges are then skipped."""

from django.core.exceptions import ImproperlyConfigured

from newsroom.env import env_list, env_str

# Varnish nodes running deploy/varnish/default.vcl, by base URL; each is sent `PURGE /` with
# the keys. Their purge ACL must list the machines that run the edge.purge task.
EDGE_PURGE_URLS = [url.rstrip("/") for url in env_list("EDGE_PURGE_URLS")]
for _url in EDGE_PURGE_URLS:
    if not _url.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"EDGE_PURGE_URLS lists base URLs such as http://10.0.0.5:6081; got {_url!r}."
        )

# Fastly's purge-by-surrogate-key API: a service and a token that may purge it (purge_select).
FASTLY_SERVICE_ID = env_str("FASTLY_SERVICE_ID", "")
FASTLY_API_TOKEN = env_str("FASTLY_API_TOKEN", "")
FASTLY_API_URL = env_str("FASTLY_API_URL", "https://api.fastly.com")

# Cloudflare's purge-by-cache-tag API: a zone and a token with the Cache Purge permission.
CLOUDFLARE_ZONE_ID = env_str("CLOUDFLARE_ZONE_ID", "")
CLOUDFLARE_API_TOKEN = env_str("CLOUDFLARE_API_TOKEN", "")
CLOUDFLARE_API_URL = env_str("CLOUDFLARE_API_URL", "https://api.cloudflare.com/client/v4")

if bool(FASTLY_SERVICE_ID) != bool(FASTLY_API_TOKEN):
    raise ImproperlyConfigured(
        "FASTLY_SERVICE_ID and FASTLY_API_TOKEN are set together, or neither."
    )
if bool(CLOUDFLARE_ZONE_ID) != bool(CLOUDFLARE_API_TOKEN):
    raise ImproperlyConfigured(
        "CLOUDFLARE_ZONE_ID and CLOUDFLARE_API_TOKEN are set together, or neither."
    )
