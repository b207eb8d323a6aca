"""The article admin's layout in a browser: the add and change forms and the article list fit
the screen at desktop widths, with every inline showing, and the editor's toolbar is legible.

One browser test (they are slow): it leaves screenshots as test artifacts (tests/browser.py,
`screenshot_folder`) for a person to look over.
"""

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import sync_playwright

from articles.models import RelatedLink
from tests.browser import launch, overflowing, screenshot_folder
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, add_authors

pytestmark = pytest.mark.browser

WIDTHS = [1280, 1920]
# Long enough to show whether the boxes are wide enough for real text.
HEADLINE = "Council approves the harbour wall rebuild after a two-year campaign by residents"


@pytest.fixture
def admin_tab(live_server, django_user_model, monkeypatch):
    """A signed-in superuser's browser tab on the live server."""
    django_user_model.objects.create_superuser("lay", "lay@example.com", "a-long-password-1")
    # Playwright's sync API runs an event loop in this thread; the tests' own queries are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        tab = browser.new_page()
        tab.goto(live_server.url + reverse("admin:login"))
        tab.fill("#id_username", "lay")
        tab.fill("#id_password", "a-long-password-1")
        tab.click("input[type=submit]")
        yield tab
        browser.close()
        connections.close_all()


# The first toolbar button's glyph: rendered text (not an icon font's missing character) or an
# SVG, and an accessible name.
FIRST_BUTTON = """() => {
  const button = document.querySelector(".prose-menubar__button")
  const glyph = button.querySelector("svg")
  const font = getComputedStyle(button).fontFamily
  return {
    name: button.getAttribute("aria-label") || button.getAttribute("title") || "",
    svg: Boolean(glyph && glyph.getBoundingClientRect().width),
    text: button.textContent.trim(),
    iconFont: /material/i.test(font),
  }
}"""

# Each box that holds text an editor writes, and how wide it is.
BOX_WIDTHS = """() => Object.fromEntries(
  ["#id_headline", "#id_featured_image_alt", "#id_featured_image_caption"].map(
    (selector) => [selector, document.querySelector(selector).getBoundingClientRect().width]))"""

# The name Django shows above each saved inline row (its `td.original p`), and the controls it
# runs into in its row.
HIDDEN_ROW_NAMES = """() => {
  const overlap = (a, b) =>
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom
  const hidden = []
  for (const name of document.querySelectorAll("tr.has_original td.original p")) {
    const box = name.getBoundingClientRect()
    const controls = name.closest("tr").querySelectorAll("input, select, .select2, textarea")
    for (const control of controls) {
      const other = control.getBoundingClientRect()
      if (other.width && overlap(box, other)) {
        hidden.push(`${name.textContent.trim()} under ${control.name || control.className}`)
      }
    }
  }
  return hidden
}"""


@pytest.mark.django_db(transaction=True)
def test_the_article_forms_and_list_fit_the_screen(live_server, admin_tab):
    section = SectionFactory(name="News")
    article = ArticleFactory(headline=HEADLINE, section=section)
    add_authors(article, AuthorFactory(name="Priya Natarajan-Whitfield"))
    RelatedLink.objects.create(article=article, target=ArticleFactory(section=section))
    RelatedLink.objects.create(article=article, url="https://example.com/a/long/address/here")
    pages = {
        "add": reverse("admin:articles_article_add"),
        "change": reverse("admin:articles_article_change", args=[article.pk]),
        "list": reverse("admin:articles_article_changelist"),
    }
    tab, problems = admin_tab, []
    for width in WIDTHS:
        tab.set_viewport_size({"width": width, "height": 1000})
        for name, path in pages.items():
            tab.goto(live_server.url + path, wait_until="load")
            # Open the collapsed fieldsets, so what they hold is measured too.
            for summary in tab.locator("details:not([open]) > summary").all():
                summary.click()
            problems += [f"{name} at {width}px: {found}" for found in overflowing(tab)]
            tab.screenshot(path=screenshot_folder() / f"admin-{name}-{width}.png", full_page=True)
            if name == "change":
                for box, box_width in tab.evaluate(BOX_WIDTHS).items():
                    if box_width < 480:
                        problems.append(f"change at {width}px: {box} is {box_width}px wide")
                for hidden in tab.evaluate(HIDDEN_ROW_NAMES):
                    problems.append(f"change at {width}px: the inline row name {hidden}")
                button = tab.evaluate(FIRST_BUTTON)
                if (
                    not button["name"]
                    or button["iconFont"]
                    or not (button["svg"] or button["text"])
                ):
                    problems.append(f"change at {width}px: the first toolbar button is {button}")
    assert not problems, "\n".join(problems)
