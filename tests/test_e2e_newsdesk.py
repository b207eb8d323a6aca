"""The newsdesk end to end, in a real browser: write, submit, preview, publish, read.

A contributor signs in through the admin's login form and writes an article in the add form:
headline (the slug fills itself in), standfirst, body text in the prose editor, a picture from
the media library through the editor's Image button, a YouTube embed through its Embed button,
the section and a byline author through the admin's autocomplete widgets, a featured image with
its alt text and credit, and sends it for review. An editor opens it, previews it (the preview
says `noindex`), and publishes it. A reader then sees it with its credits and the embed.

Debian's Chromium (/usr/bin/chromium, or CHROME_PATH) is driven by Playwright; `.ci/run`
installs it and a missing browser fails the test, never skips it. Each person has their own
browser context (their own cookies). The browser only talks to the live test server: uploads
are served from MEDIA_ROOT by the route handler (the live server does not serve them) and every
other host is refused, so the embedded player never touches the network.

Screenshots of the contributor's filled form and of the published page are written to
var/artifacts/e2e/ (not committed); their paths are printed.
"""

import io
import re
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from articles.models import Article
from library.uploads import add_image
from tests.browser import launch
from tests.conftest import PASSWORD
from tests.factories import AuthorFactory, SectionFactory

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "var" / "artifacts" / "e2e"
# Generous for a loaded CI machine, but bounded: a stuck step fails within seconds, not hours.
STEP_TIMEOUT_MS = 15_000
PAGE_LOAD_TIMEOUT_MS = 30_000

HEADLINE = "Harbour wall rebuilt after winter storms"
SLUG = "harbour-wall-rebuilt-after-winter-storms"
STANDFIRST = "Masons finished the last stretch on Friday, two months ahead of plan."
BODY_TEXT = "The harbour wall is whole again after the storms of January."
YOUTUBE = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
YOUTUBE_PLAYER = "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"
SECTION = "Coast"
AUTHOR = "Priya Natarajan"
INLINE_ALT = "Masons setting the last stone of the harbour wall"
INLINE_CAPTION = "The last stone goes in"
INLINE_CREDIT = "Jane Doe / Newsroom"
FEATURED_ALT = "The rebuilt harbour wall at high tide"
FEATURED_CREDIT = "Sam Lee / Harbour Press"


# Test data ------------------------------------------------------------------------------------


def jpeg_bytes(size, color):
    """A real JPEG with something on it, so the screenshots show a picture and not a blank."""
    picture = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(picture)
    width, height = size
    for step in range(0, width, width // 8):
        draw.rectangle([step, height * 2 // 3, step + width // 16, height], fill=(200, 190, 170))
    draw.ellipse([width // 10, height // 10, width // 4, height // 3], fill=(250, 220, 90))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@pytest.fixture
def newsroom(contributor):
    """What the newsroom already has: a section, an author (the contributor's own byline) and
    a credited picture in the media library."""
    SectionFactory(name="Politics")
    section = SectionFactory(name=SECTION)
    AuthorFactory(name="Prakash Rao")
    author = AuthorFactory(name=AUTHOR, slug="priya-natarajan", user=contributor.user)
    picture = add_image(
        file=SimpleUploadedFile("harbour-wall.jpg", jpeg_bytes((1600, 1000), (60, 110, 160))),
        uploaded_by=contributor.user,
        alt_text=INLINE_ALT,
        caption=INLINE_CAPTION,
        credit=INLINE_CREDIT,
    )
    return SimpleNamespace(section=section, author=author, picture=picture)


# The browser ----------------------------------------------------------------------------------


@pytest.fixture
def browser(live_server, monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own queries between
    # browser steps are plain synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()
            # Queries made while Playwright's loop runs get their own connection (Django keeps
            # connections per context); close it, or PostgreSQL cannot drop the test database.
            connections.close_all()


class Session:
    """One person's browser context on the live server: own cookies, own tab, network fenced."""

    def __init__(self, browser, server_url, name):
        self.server_url = server_url
        self.name = name
        self.refused = []  # off-site addresses the browser asked for
        self.errors = []  # uncaught JavaScript errors
        self.failures = []  # the live server's answers of 400 and above
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(STEP_TIMEOUT_MS)
        self.context.set_default_navigation_timeout(PAGE_LOAD_TIMEOUT_MS)
        self.context.route("**/*", self._handle)
        self.context.on("page", self._watch)
        self.context.on("response", self._check)
        self.page = self.context.new_page()

    def _watch(self, page):
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

    def _check(self, response):
        if response.status >= 400 and response.url.startswith(self.server_url):
            self.failures.append(f"{response.status} {response.request.method} {response.url}")

    def _handle(self, route):
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob"):
            return route.continue_()
        if url.netloc != urlsplit(self.server_url).netloc:
            self.refused.append(route.request.url)
            return route.abort()
        if not url.path.startswith(settings.MEDIA_URL):
            return route.continue_()
        # The live server leaves uploads to the web server, as production does; serve them here.
        media_root = Path(settings.MEDIA_ROOT).resolve()
        file = (media_root / url.path.removeprefix(settings.MEDIA_URL)).resolve()
        if file.is_relative_to(media_root) and file.is_file():
            return route.fulfill(path=file)
        return route.fulfill(status=404)

    def goto(self, path):
        response = self.page.goto(self.server_url + path)
        assert response is not None and response.ok, f"{self.name}: GET {path} gave " + (
            f"{response.status}" if response else "no response"
        )
        return response

    def log_in(self, user):
        self.goto(reverse("admin:login"))
        self.page.fill("#id_username", user.username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("#login-form input[type=submit]")
        self.page.wait_for_url(f"**{reverse('admin:index')}")

    def save(self, button="input[name=_save]"):
        """Click the form's save button; the admin redirects to the list on success."""
        changelist = self.server_url + reverse("admin:articles_article_changelist")
        with self.page.expect_navigation():
            self.page.click(button)
        if not self.page.url.startswith(changelist):
            problems = self.page.locator(".errornote, .errorlist, .messagelist .error")
            texts = [" ".join(text.split()) for text in problems.all_inner_texts()]
            pytest.fail(f"{self.name}'s save was refused at {self.page.url}: {texts}")

    def choose_autocomplete(self, select, term, choice):
        """Open the admin's select2 widget for `select`, type `term` and pick `choice`."""
        page = self.page
        page.locator(f"{select} + .select2 .select2-selection").click()
        search = page.locator(".select2-container--open input.select2-search__field")
        search.fill(term)
        page.locator(
            ".select2-container--open li.select2-results__option:not(.loading-results)",
            has_text=choice,
        ).click()
        chosen = page.locator(f"{select} + .select2 .select2-selection__rendered")
        assert choice in chosen.inner_text(), f"{select}: {choice} was not chosen"

    def screenshot(self, name):
        # The admin's sticky navigation sidebar lands mid-page in a full-page shot: fold it.
        if self.page.locator("#nav-sidebar").is_visible():
            self.page.click("#toggle-nav-sidebar")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=path, full_page=True)
        print(f"\nscreenshot: {path}")
        return path


# The test -------------------------------------------------------------------------------------


def write_and_submit(session, newsroom):
    """The contributor's part: write the whole article in the add form and send it to review."""
    page = session.page
    page.click("tr.model-article a.addlink")
    page.wait_for_url(f"**{reverse('admin:articles_article_add')}")
    page.wait_for_selector(".prose-editor .ProseMirror[contenteditable=true]")

    # Typed key by key: the admin fills the slug in from the headline on key presses.
    page.locator("#id_headline").press_sequentially(HEADLINE)
    assert page.input_value("#id_slug") == SLUG
    page.fill("#id_standfirst", STANDFIRST)

    page.click(".prose-editor .ProseMirror[contenteditable=true]")
    page.keyboard.type(BODY_TEXT)
    page.keyboard.press("Enter")

    page.click(".prose-menubar__button[data-name=embed]")
    page.fill(".newsroom-embed-dialog input[name=url]", YOUTUBE)
    page.click(".newsroom-embed-dialog button[type=submit]")
    page.wait_for_selector(".newsroom-embed-dialog", state="detached")
    embed = page.locator(".ProseMirror p.newsroom-embed")
    assert embed.get_attribute("data-embed-provider") == "YouTube"

    page.click(".prose-menubar__button[data-name=figure]")
    search_url = reverse("library:image-search")
    with page.expect_response(lambda r: search_url in r.url and "q=last+stone" in r.url) as found:
        page.fill(".newsroom-picker input[name=q]", "last stone")
    assert found.value.ok and len(found.value.json()["results"]) == 1
    result = page.locator(".newsroom-picker__result", has_text=INLINE_CREDIT)
    assert INLINE_CAPTION in result.inner_text()
    result.click()
    page.wait_for_selector(".newsroom-picker", state="detached")
    figure = page.locator(".ProseMirror figure")
    assert figure.get_attribute("data-credit") == INLINE_CREDIT
    assert figure.locator("figcaption").inner_text() == INLINE_CAPTION
    # Not wait_for_function: it uses eval, which the admin's Content-Security-Policy refuses.
    expect(figure.locator("img")).to_have_js_property("complete", True)
    expect(figure.locator("img")).not_to_have_js_property("naturalWidth", 0)

    session.choose_autocomplete("#id_section", SECTION[:3], SECTION)

    page.set_input_files(
        "#id_featured_image",
        {
            "name": "wall-at-high-tide.jpg",
            "mimeType": "image/jpeg",
            "buffer": jpeg_bytes((1600, 900), (30, 70, 120)),
        },
    )
    page.fill("#id_featured_image_alt", FEATURED_ALT)
    page.fill("#id_featured_image_credit", FEATURED_CREDIT)

    session.choose_autocomplete("select[name=article_authors-0-author]", "priya", AUTHOR)

    # A contributor may only keep a draft or send it to review; the times are not theirs.
    offered = page.locator("#id_status option").evaluate_all("options => options.map(o => o.value)")
    assert offered == [Article.Status.DRAFT, Article.Status.IN_REVIEW]
    assert page.locator("#id_published_at_0").count() == 0
    page.select_option("#id_status", Article.Status.IN_REVIEW)

    session.screenshot("1-contributor-editor.png")
    session.save()


def preview_and_publish(session, article):
    """The editor's part: open the article from the list, preview it, publish it."""
    page = session.page
    session.goto(reverse("admin:articles_article_changelist"))
    page.click(f"#result_list a:text-is('{HEADLINE}')")
    page.wait_for_url(f"**{reverse('admin:articles_article_change', args=[article.pk])}")
    page.wait_for_selector(".prose-editor .ProseMirror[contenteditable=true]")

    with session.context.expect_page() as opened:
        page.click(".object-tools a.previewlink")
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.url.endswith(reverse("admin:articles_article_preview", args=[article.pk]))
    assert preview.locator("h1").first.inner_text() == HEADLINE
    robots = preview.locator("meta[name=robots]")
    assert robots.count() == 1 and robots.get_attribute("content") == "noindex"
    preview.close()  # back to the change form, still open in the first tab

    assert page.input_value("#id_published_at_0") == ""
    page.select_option("#id_status", Article.Status.PUBLISHED)
    session.save()


def test_a_contributor_writes_an_editor_publishes_a_reader_reads(
    live_server, browser, contributor, editor, newsroom
):
    started = timezone.now()

    # 1. The contributor writes the article and sends it to review.
    writer = Session(browser, live_server.url, "the contributor")
    writer.log_in(contributor.user)
    write_and_submit(writer, newsroom)

    article = Article.objects.get(slug=SLUG)
    assert article.status == Article.Status.IN_REVIEW
    assert article.created_by == contributor.user
    assert article.headline == HEADLINE
    assert article.standfirst == STANDFIRST
    assert article.section == newsroom.section
    assert list(article.authors.all()) == [newsroom.author]
    assert article.published_at is None
    assert article.featured_image and article.featured_image_credit == FEATURED_CREDIT
    assert article.featured_image_alt == FEATURED_ALT and article.featured_image_renditions
    assert article.body.startswith(f"<p>{BODY_TEXT}</p><p>{YOUTUBE}</p><figure")
    assert f'<figure data-credit="{INLINE_CREDIT}"><img src="{newsroom.picture.file.url}"' in (
        article.body
    )
    assert f'alt="{INLINE_ALT}"' in article.body
    assert f"<figcaption>{INLINE_CAPTION}</figcaption></figure>" in article.body

    # 2. An editor previews it and publishes it.
    desk = Session(browser, live_server.url, "the editor")
    desk.log_in(editor.user)
    preview_and_publish(desk, article)

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert started <= article.published_at <= timezone.now()
    assert article.is_public

    # 3. A reader finds it with its credits and the embed.
    reader = Session(browser, live_server.url, "the reader")
    reader.goto(article.get_absolute_url())
    page = reader.page
    assert page.locator("h1").first.inner_text() == HEADLINE
    assert page.locator("meta[name=robots][content=noindex]").count() == 0
    body = page.locator(".article__body")
    figure = body.locator("figure[data-credit]")
    assert figure.locator("img").get_attribute("alt") == INLINE_ALT
    # text_content: the credit is shown in capitals by CSS, inner_text would report them.
    assert figure.locator(".figure__credit").text_content().strip() == INLINE_CREDIT
    assert INLINE_CAPTION in figure.locator("figcaption").text_content()
    player = body.locator("figure.embed--video iframe")
    assert player.get_attribute("src") == YOUTUBE_PLAYER
    assert YOUTUBE not in body.inner_text()
    assert page.get_by_text(f"Featured Image Credit: {FEATURED_CREDIT}").is_visible()
    # Every picture the page shows arrived (from MEDIA_ROOT, through the route handler).
    broken = page.locator("img").evaluate_all(
        "images => images.filter(i => i.complete && i.naturalWidth === 0).map(i => i.src)"
    )
    assert broken == []
    reader.screenshot("2-published-article.png")

    # The only thing off-site is the player (refused here); no page asked for a missing file.
    sessions = [writer, desk, reader]
    print("refused off-site requests:", *[url for s in sessions for url in s.refused], sep="\n  ")
    assert not [url for url in reader.refused if not re.match(r"https?://[^/]*youtube", url)]
    failures = [failure for session in sessions for failure in session.failures]
    assert failures == [], f"failed requests to the live server: {failures}"
    errors = [error for session in sessions for error in session.errors]
    assert errors == [], f"JavaScript errors: {errors}"
