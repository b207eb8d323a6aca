"""A well-kept project is quiet: commands print what they did and nothing else, installing
prints no deprecation warnings, and each log record is printed once."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "ENV_FILE": "", "SECRET_KEY": "quiet-tests-only", **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def test_commands_print_no_banner_of_the_login_throttle():
    output = manage("check")
    assert "AXES" not in output
    assert output.strip() == "System check identified no issues (0 silenced)."


def test_each_log_record_is_printed_once_in_debug_too():
    for debug in ("0", "1"):
        output = manage(
            "shell",
            "-c",
            "import logging; logging.getLogger('django.request').warning('probe %s', 42)",
            DEBUG=debug,
        )
        assert output.count("probe 42") == 1, output
        assert "WARNING django.request: probe 42" in output


def test_building_the_package_metadata_warns_of_nothing(tmp_path):
    # What `pip install -e .` asks the build backend first, on a copy of the project's files.
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    result = subprocess.run(
        [
            sys.executable,
            "-W",
            "always",
            "-c",
            "from setuptools import build_meta; build_meta.prepare_metadata_for_build_wheel('.')",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr, result.stderr
    metadata = next(tmp_path.glob("*.dist-info")) / "METADATA"
    assert "License-Expression: MIT" in metadata.read_text()
