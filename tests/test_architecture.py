"""The layering of docs/architecture.md holds: import-linter keeps every contract in
pyproject.toml, so a forbidden import fails the test suite, not only `make lint`."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
APPS = {path.parent.name for path in ROOT.glob("*/apps.py")}


def lint_imports(*args):
    # The script beside this Python: the venv's, wherever the suite runs from.
    script = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(script), "--no-cache", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_import_contract_is_kept():
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contracts_name_every_app():
    """An app in no contract would go unchecked."""
    (layers,) = [c for c in CONFIG["contracts"] if c["type"] == "layers"]
    layered = {name.strip() for layer in layers["layers"] for name in layer.split("|")}
    assert set(CONFIG["root_packages"]) == layered == APPS


def test_a_forbidden_import_is_reported_with_its_chain(tmp_path):
    """The check sees real imports: forbid one that exists and it fails, naming it."""
    config = tmp_path / "contracts.toml"
    config.write_text(
        "[tool.importlinter]\n"
        f"root_packages = {sorted(APPS)!r}\n"
        "[[tool.importlinter.contracts]]\n"
        'name = "articles without the library"\n'
        'type = "forbidden"\n'
        'source_modules = ["articles.models"]\n'
        'forbidden_modules = ["library.images"]\n'
    )
    result = lint_imports("--config", str(config))
    assert result.returncode != 0
    assert "articles.models.articles -> library.images" in result.stdout
