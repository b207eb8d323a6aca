"""docs/configuration.md lists every environment variable the settings read, and only those.

The settings' source is read, not run: every call to `newsroom.env`'s helpers, `os.environ.get`
or `os.getenv` with a literal name counts as a variable read. The doc's table has one variable a
row, in backticks in its first column.
"""

import ast
import importlib.util
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "configuration.md"
ENV_HELPERS = {"env_str", "env_bool", "env_int", "env_list"}
ROW = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|(.*)\|\s*$")


def settings_sources():
    """The settings module's files: one module, or every module of a settings package."""
    spec = importlib.util.find_spec(os.environ["DJANGO_SETTINGS_MODULE"])
    if spec.submodule_search_locations:
        return sorted(
            path
            for folder in spec.submodule_search_locations
            for path in Path(folder).rglob("*.py")
        )
    return [Path(spec.origin)]


READERS = ENV_HELPERS | {"os.environ.get", "environ.get", "os.getenv", "getenv"}
ENVIRON = {"os.environ", "environ"}


def dotted(node):
    """`os.environ.get` for the expression os.environ.get; "" for anything but a dotted name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    return ".".join([node.id, *reversed(parts)])


def literal(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def variables_read(source):
    """The names of the environment variables `source` reads with a literal name."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args and dotted(node.func) in READERS:
            names.add(literal(node.args[0]))
        elif isinstance(node, ast.Subscript) and dotted(node.value) in ENVIRON:
            names.add(literal(node.slice))
    return names - {None}


def documented_rows():
    """{name: [default, what it does, example]} from the doc's table."""
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split(" | ")]
    return rows


def test_the_reader_finds_the_variables_the_settings_read():
    source = "\n".join(
        [
            'DEBUG = env_bool("DEBUG", False)',
            'KEY = os.environ.get("ENV_FILE", "x")',
            'OTHER = os.getenv("OTHER_NAME")',
            'PLAIN = os.environ["PLAIN_NAME"]',
            'NOT_A_READ = dict.get("NOPE")',
        ]
    )
    assert variables_read(source) == {"DEBUG", "ENV_FILE", "OTHER_NAME", "PLAIN_NAME"}


def test_every_variable_the_settings_read_is_documented_and_no_other():
    read = set()
    for path in settings_sources():
        read |= variables_read(path.read_text(encoding="utf-8"))
    documented = set(documented_rows())
    assert read, "no environment variable found in the settings: is the reader still right?"
    assert not read - documented, (
        f"read by the settings but missing from {DOC.relative_to(ROOT)}: "
        f"{', '.join(sorted(read - documented))}"
    )
    assert not documented - read, (
        f"documented in {DOC.relative_to(ROOT)} but no longer read by the settings: "
        f"{', '.join(sorted(documented - read))}"
    )


def test_every_documented_variable_has_a_default_a_meaning_and_an_example():
    incomplete = [
        name for name, cells in documented_rows().items() if len(cells) != 3 or not all(cells)
    ]
    assert incomplete == []
