"""Debian's Chromium for the browser tests, started the same way everywhere.

Never `playwright install`: CI reaches no browser downloads. `make test` installs the package.
"""

import os
from pathlib import Path

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


# The elements that stick out past the right edge of the viewport, boxes whose content is cut
# off or scrolled sideways (a table's last column in a scrolling box), and the document's own
# width when it scrolls sideways. Zero-sized and invisible elements are left out.
_OVERFLOW_SCRIPT = """(scrollers) => {
  const width = document.documentElement.clientWidth
  const found = []
  const scrolled = document.documentElement.scrollWidth
  if (scrolled > width) found.push(`the document is ${scrolled}px wide`)
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect()
    if (!box.width || !box.height) continue
    if (scrollers && element.parentElement.closest(scrollers)) continue
    if (getComputedStyle(element).visibility === "hidden") continue
    // Text boxes scroll what is typed in them, by design.
    const cut = !element.matches("input, textarea, select") &&
      /auto|scroll|hidden|clip/.test(getComputedStyle(element).overflowX) &&
      element.clientWidth > 1 && element.scrollWidth > element.clientWidth + 1 &&
      !(scrollers && element.closest(scrollers))
    if (box.right > width + 1 || cut) {
      const name = element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") +
        (typeof element.className === "string" && element.className.trim()
          ? "." + element.className.trim().split(/\\s+/).join(".") : "")
      found.push(cut
        ? `${name} cuts its content at ${element.clientWidth}px of ${element.scrollWidth}px`
        : `${name} ends at ${Math.round(box.right)}px`)
    }
  }
  return found.slice(0, 15)
}"""


def overflowing(page, scrollers=""):
    """What sticks out past the viewport's right edge in `page` (a Playwright page).

    `scrollers` is a CSS selector of containers meant to scroll sideways: what they hold is
    not counted (they are, so a scroller wider than the viewport still is)."""
    return page.evaluate(_OVERFLOW_SCRIPT, scrollers)


def screenshot_folder():
    """Where browser tests leave screenshots: $TEST_ARTIFACTS_DIR/screenshots/, or
    var/artifacts/screenshots/ in the project (git-ignored), created on first use."""
    root = os.environ.get("TEST_ARTIFACTS_DIR")
    base = Path(root) if root else Path(__file__).resolve().parent.parent / "var" / "artifacts"
    folder = base / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
