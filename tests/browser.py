"""Debian's Chromium for the browser tests, started the same way everywhere.

Never `playwright install`: CI reaches no browser downloads. `make test` installs the package.
"""

import os

import pytest

CHROME_PATH = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
# The closed CI network makes Chromium's background services fail or stall; these turn them off.
CHROME_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium():
    """Fail, never skip, when the browser is missing."""
    if not os.access(CHROME_PATH, os.X_OK):
        pytest.fail(
            f"Chromium is missing at {CHROME_PATH}: run `apt-get install -y chromium` "
            "(or set CHROME_PATH). Never `playwright install`: CI has no browser downloads."
        )


def launch(playwright):
    """A headless Chromium from a started Playwright."""
    require_chromium()
    return playwright.chromium.launch(executable_path=CHROME_PATH, headless=True, args=CHROME_ARGS)
