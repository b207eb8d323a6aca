"""A deployment check: submitted files must not be stored where the web server serves files."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


def _inside(path, folder):
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


@register("security", deploy=False)
def submissions_root_is_private(app_configs, **kwargs):
    root = settings.SUBMISSIONS_ROOT
    public = {"MEDIA_ROOT": settings.MEDIA_ROOT, "STATIC_ROOT": settings.STATIC_ROOT}
    return [
        Error(
            f"SUBMISSIONS_ROOT ({root}) is inside {name} ({folder}), so readers' files could "
            "be served to anyone.",
            hint=f"Set SUBMISSIONS_ROOT to a folder outside {name}.",
            id="submissions.E001",
        )
        for name, folder in public.items()
        if folder and _inside(root, folder)
    ]
