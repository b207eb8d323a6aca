"""Files: static files, media on local disk or in S3-compatible storage, readers' submissions."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from newsroom.env import env_bool, env_int, env_str
from newsroom.settings.base import BASE_DIR, DEBUG, VAR_DIR

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
# So do files uploaded for an import (importers.storage): on disk under IMPORTS_ROOT.
STORAGES["imports"] = {"BACKEND": "importers.storage.ImportFileStorage"}
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
    # Uploaded import files (drafts, authors' addresses): private objects too, under imports/
    # in the bucket of readers' files, so that workers on any machine read them.
    STORAGES["imports"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**STORAGES["submissions"]["OPTIONS"], "location": "imports"},
    }
# --- end of object storage ---------------------------------------------------------------------

# Serve MEDIA_ROOT from Django outside DEBUG (newsroom.media), where no web server does.
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
# Reader submissions ("Submit Your Content", the submissions app). Their files are private:
# SUBMISSIONS_ROOT must be outside MEDIA_ROOT and STATIC_ROOT (a system check says so).
SUBMISSIONS_ROOT = Path(env_str("SUBMISSIONS_ROOT", str(VAR_DIR / "submissions")))
# Files uploaded for an import from the admin (importers.storage): private, like submissions.
IMPORTS_ROOT = Path(env_str("IMPORTS_ROOT", str(VAR_DIR / "imports")))
