"""Settings read from the environment fail loudly on a typo."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom.env import env_bool, env_int, env_list


def test_booleans_accept_the_usual_spellings(monkeypatch):
    for raw, expected in [
        ("1", True),
        ("true", True),
        ("ON", True),
        ("0", False),
        ("no", False),
        ("", False),
    ]:
        monkeypatch.setenv("FLAG", raw)
        assert env_bool("FLAG") is expected


def test_a_misspelt_boolean_stops_start_up(monkeypatch):
    monkeypatch.setenv("FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG")


def test_integers_and_lists(monkeypatch):
    monkeypatch.setenv("COUNT", "7")
    monkeypatch.setenv("HOSTS", "a.example.com, b.example.com,")
    assert env_int("COUNT", 1) == 7
    assert env_int("MISSING_COUNT", 3) == 3
    assert env_list("HOSTS") == ["a.example.com", "b.example.com"]
    monkeypatch.setenv("COUNT", "seven")
    with pytest.raises(ImproperlyConfigured, match="COUNT"):
        env_int("COUNT", 1)


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.DEBUG"],
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "ENV_FILE": str(tmp_path / "none"),
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_in_debug_the_host_of_site_url_is_served_too(tmp_path):
    # `make run HOST=0.0.0.0 SITE_URL=http://newsroom.lan:8080` must answer at that name.
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; print(settings.ALLOWED_HOSTS)",
        ],
        env={
            **{k: v for k, v in os.environ.items() if k != "ALLOWED_HOSTS"},
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "ENV_FILE": "",
            "DEBUG": "1",
            "SITE_URL": "http://newsroom.lan:8080",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "'newsroom.lan'" in result.stdout and "'127.0.0.1'" in result.stdout
