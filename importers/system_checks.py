"""A deployment check: files uploaded for an import must not be stored where the web server
serves files (they may hold drafts and authors' addresses)."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


def _inside(path, folder):
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


@register("security")
def imports_root_is_private(app_configs, **kwargs):
    root = settings.IMPORTS_ROOT
    public = {"MEDIA_ROOT": settings.MEDIA_ROOT, "STATIC_ROOT": settings.STATIC_ROOT}
    return [
        Error(
            f"IMPORTS_ROOT ({root}) is inside {name} ({folder}), so uploaded exports, drafts "
            "and all, could be served to anyone.",
            hint=f"Set IMPORTS_ROOT to a folder outside {name}.",
            id="importers.E001",
        )
        for name, folder in public.items()
        if folder and _inside(root, folder)
    ]
