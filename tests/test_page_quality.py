"""Every public page type is valid HTML and passes axe-core's accessibility rules in a browser.

The demo content is loaded and one page of each type is requested. The HTML the server sends
goes through the Nu HTML Checker (vnu.jar, one Java run for every page): errors fail, warnings
appear in pytest's warnings summary. Each page is also opened in headless Chromium from the live test server and
checked with axe-core against WCAG 2.0, 2.1 and 2.2 levels A and AA plus axe's best practices
(see AXE_TAGS).

These tests need Java 17+, the Node tools (`npm ci --ignore-scripts`: node_modules/vnu-jar) and
Chromium at /usr/bin/chromium (or CHROME_PATH). `.ci/run` installs them. A missing tool fails
the tests with the command that installs it: a quality check that silently skips cannot fail.
"""

import json
import shutil
import subprocess
import warnings
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.sites.models import Site
from playwright.sync_api import sync_playwright

from articles.models import Article, Topic
from articles.views import LatestView
from tests.browser import launch, overflowing, screenshot_folder
from tests.conftest import load_demo

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# WCAG 2.0 to 2.2 at levels A and AA, the usual target for a public site; axe's best practices
# add the landmark, heading and region rules screen-reader users rely on. Experimental rules are
# left out: they come and go between axe releases.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    "resultTypes": ["violations"],
    # Embedded players are third-party documents (and cannot load offline); their frame title
    # is still checked from our page.
    "iframes": False,
}
# Most readers arrive on phones; the layouts differ (navigation, rails, tap targets).
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}
LEAD = "/news/tide-powered-tram-first-passenger-run/"
# The layout's breakpoints and either side of them (40em and 64em in static/css/site.css), up to
# a wide desktop screen.
LAYOUT_WIDTHS = [375, 640, 1023, 1024, 1280, 1920]
SEARCH = "/search/?q=wexcombe"
# On phones the section links scroll sideways in their own strip, by design.
SIDEWAYS_SCROLLERS = "nav.sections ul"


@pytest.fixture
def demo_pages(db, demo_folder, settings):
    """Load the demo, then name one page of each public type: (label, path, expected status)."""
    load_demo(demo_folder)
    topic = (
        Topic.objects.filter(
            in_navigation=False, items__content_object__in=Article.objects.published()
        )
        .order_by("name")
        .first()
    )
    assert topic is not None, "the demo has no topic outside the navigation with a public article"
    pages = [
        ("home", "/", 200),
        ("article", LEAD, 200),
        ("section", "/news/", 200),
        ("topic", f"/topics/{topic.slug}/", 200),
        ("author", "/authors/priya-natarajan/", 200),
        ("authors index", "/authors/", 200),
        ("topics index", "/topics/", 200),
        ("latest", "/latest/", 200),
    ]
    if Article.objects.published().count() > LatestView.paginate_by:
        pages.append(("latest page 2", "/latest/?page=2", 200))
    pages += [
        ("flat page", "/pages/about/", 200),
        ("not found", "/no-such-page-anywhere/", 404),
        ("search", "/search/?q=tram", 200),
    ]
    pages = [(label, path, status, None) for label, path, status in pages]
    # Each sister brand of the demo network: its home page and an article it shows.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".localhost"]
    for site in Site.objects.exclude(pk=settings.DEFAULT_SITE_ID).order_by("domain"):
        article = Article.objects.published(site).filter(syndicated_to=site).first()
        assert article is not None, f"the demo brand {site.domain} shows no article"
        pages += [
            (f"{site.name} home", "/", 200, site.domain),
            (f"{site.name} article", article.get_absolute_url(), 200, site.domain),
        ]
    return pages


def on_host(server_url, host):
    """`server_url` (the live server's) with the host name of `host`, if given, kept on the
    server's port: a demo brand's loopback name (*.localhost) reaches the same server."""
    if host is None:
        return server_url
    parts = urlsplit(server_url)
    return parts._replace(netloc=f"{urlsplit('//' + host).hostname}:{parts.port}").geturl()


def require_vnu():
    if shutil.which("java") is None:
        pytest.fail("Java is missing: the Nu HTML Checker needs Java 17 or newer on PATH.")
    if not VNU_JAR.is_file():
        pytest.fail(f"{VNU_JAR.relative_to(ROOT)} is missing: run `npm ci --ignore-scripts`.")


def nu_html_check(files):
    """The Nu HTML Checker's messages for `files`, checked in one Java run (the JVM is slow)."""
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    try:
        return json.loads(result.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"vnu.jar gave no JSON report (exit {result.returncode}):\n{result.stderr}")


def describe_message(page, message):
    where = f"line {message.get('lastLine', '?')}:{message.get('firstColumn', '?')}"
    extract = " ".join(message.get("extract", "").split())
    return f"{page} {where}: {message['message']}\n      {extract}"


@pytest.mark.services
def test_every_page_type_is_valid_html(client, demo_pages, tmp_path):
    require_vnu()
    wrong_status, files = [], {}
    for number, (label, path, status, host) in enumerate(demo_pages, start=1):
        response = client.get(path, HTTP_HOST=host or "testserver")
        if response.status_code != status:
            wrong_status.append(f"{label} {path}: status {response.status_code}, not {status}")
            continue
        file = tmp_path / f"{number:02d}-{label.replace(' ', '-')}.html"
        file.write_bytes(response.content)
        files[file] = f"{label} {path}"

    messages = nu_html_check(files) if files else []
    pages = {file.name: page for file, page in files.items()}
    errors, notes = [], []
    for message in messages:
        # vnu names each file by a "file:" URL; the file's name is enough to find its page.
        url = message.get("url", "?")
        page = pages.get(url.rpartition("/")[2], url)
        if message["type"] == "info":
            notes.append(describe_message(page, message))
        else:  # "error" (with subType "fatal" for unparseable input) or "non-document-error"
            errors.append(describe_message(page, message))
    if notes:
        note_list = "\n  ".join(notes)
        warnings.warn(
            f"Nu HTML Checker: {len(notes)} warning(s):\n  {note_list}",
            UserWarning,
            stacklevel=1,
        )
    problems = [*wrong_status, *errors]
    assert not problems, (
        f"{len(wrong_status)} page(s) with the wrong status, {len(errors)} HTML error(s):\n  "
        + "\n  ".join(problems)
    )


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def serve_locally(page, server_url):
    """Keep the browser on the test server (under any of the demo brands' names), with uploads
    served from MEDIA_ROOT.

    The live server serves static files but not uploads (production leaves those to the web
    server or a CDN); anything off-site (embedded players) is refused, so nothing waits on the
    closed network.
    """
    server = urlsplit(server_url)
    media_root = Path(settings.MEDIA_ROOT).resolve()

    def handle(route):
        url = urlsplit(route.request.url)
        # The server's own address, or a demo brand's loopback name on its port.
        ours = url.hostname == server.hostname or url.hostname.endswith(".localhost")
        if not ours or url.port != server.port:
            return route.abort()
        if not url.path.startswith(settings.MEDIA_URL):
            return route.continue_()
        file = (media_root / url.path.removeprefix(settings.MEDIA_URL)).resolve()
        if file.is_relative_to(media_root) and file.is_file():
            return route.fulfill(path=file)
        return route.fulfill(status=404)

    page.route("**/*", handle)


def describe_target(target):
    """axe's selector path to a node; a list within it steps into a shadow root."""
    return " >> ".join(" ".join(part) if isinstance(part, list) else part for part in target)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_type_passes_axe(live_server, demo_pages, browser):
    axe = Axe()
    tabs = {viewport: browser.new_page(viewport=size) for viewport, size in VIEWPORTS.items()}
    for tab in tabs.values():
        serve_locally(tab, live_server.url)
    wrong_status, by_rule = [], defaultdict(list)
    for label, path, status, host in demo_pages:
        for viewport, tab in tabs.items():
            response = tab.goto(on_host(live_server.url, host) + path, wait_until="load")
            if response.status != status:
                wrong_status.append(f"{label} {path}: status {response.status}, not {status}")
                break
            for violation in axe.run(tab, options=AXE_OPTIONS).response["violations"]:
                rule = f"{violation['id']} ({violation['impact']}): {violation['help']}"
                for node in violation["nodes"]:
                    summary = " ".join(node.get("failureSummary", "").split())
                    by_rule[rule].append(
                        f"{label} {path} ({viewport}): {describe_target(node['target'])}"
                        f"\n        {summary}"
                    )

    report = [*wrong_status]
    for rule, nodes in sorted(by_rule.items()):
        report.append(f"{rule} [{len(nodes)}]\n      " + "\n      ".join(nodes))
    assert not report, (
        f"{len(wrong_status)} page(s) with the wrong status, {len(by_rule)} axe rule(s) "
        f"violated (tags: {', '.join(AXE_TAGS)}):\n  " + "\n  ".join(report)
    )


# The lead card's picture and its text, side by side from 64em (1024px) on.
LEAD_CARD_BOXES = """() => {
  const card = document.querySelector(".card--lead")
  const box = (selector) => {
    const rect = card.querySelector(selector).getBoundingClientRect()
    return { left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom }
  }
  return { image: box("img"), text: box(".card__text") }
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_pages_hold_their_layout_at_every_width(live_server, demo_pages, browser):
    """At each width: nothing sticks out sideways, the lead card keeps its picture beside its
    text (from 1024px), the section shown is marked current, and every search result shows the
    words it matched. Screenshots of the home page are left as test artifacts."""
    tab = browser.new_page()
    serve_locally(tab, live_server.url)
    problems = []
    for width in LAYOUT_WIDTHS:
        tab.set_viewport_size({"width": width, "height": 900})
        for path in ("/", "/news/", LEAD, SEARCH):
            tab.goto(live_server.url + path, wait_until="load")
            sticking_out = overflowing(tab, scrollers=SIDEWAYS_SCROLLERS)
            problems += [f"{path} at {width}px: {found}" for found in sticking_out]
        tab.goto(live_server.url + "/", wait_until="load")
        tab.screenshot(path=screenshot_folder() / f"home-{width}.png", full_page=True)
        lead = tab.evaluate(LEAD_CARD_BOXES)
        image, text = lead["image"], lead["text"]
        side_by_side = image["right"] <= text["left"] + 1 and text["top"] < image["bottom"]
        if side_by_side != (width >= 1024):
            problems.append(f"/ at {width}px: lead card picture {image}, text {text}")

    tab.goto(live_server.url + "/news/")
    current = tab.locator("nav.sections a[aria-current=page]")
    if current.count() != 1 or current.text_content().strip() != "News":
        problems.append("/news/: the News link is not marked aria-current=page")
    tab.goto(live_server.url + SEARCH)
    snippets = tab.locator(".card .card__standfirst")
    unmarked = [
        snippets.nth(number).text_content()
        for number in range(snippets.count())
        if snippets.nth(number).locator("mark").count() == 0
    ]
    if not snippets.count() or unmarked:
        problems.append(f"{SEARCH}: results without their matching words: {unmarked}")
    assert not problems, "\n".join(problems)
