"""System checks that more than one app needs.

`private_folder_check` is the one rule that a folder of private files (imports, readers'
submissions) must not lie inside a folder the web server serves to anyone (`MEDIA_ROOT`,
`STATIC_ROOT`). Each app that keeps such a folder registers its own check with it, under its
own check id.
"""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register

SERVED_FOLDERS = ("MEDIA_ROOT", "STATIC_ROOT")


def _inside(path, folder):
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def private_folder_check(setting, *, check_id, holds):
    """Register, and return, a "security" system check refusing the folder named by the setting
    `setting` when it lies inside a served folder.

    `holds` names what the folder holds, as the error's reader should hear it ("readers'
    files"): the error says those could be served to anyone. The setting is read each time the
    check runs, so overridden settings are seen.
    """

    def check(app_configs, **kwargs):
        root = getattr(settings, setting)
        return [
            Error(
                f"{setting} ({root}) is inside {name} ({folder}), so {holds} could be served "
                "to anyone.",
                hint=f"Set {setting} to a folder outside {name}.",
                id=check_id,
            )
            for name in SERVED_FOLDERS
            if (folder := getattr(settings, name)) and _inside(root, folder)
        ]

    check.__name__ = check.__qualname__ = f"{setting.lower()}_is_private"
    return register(check, "security")
