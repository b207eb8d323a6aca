"""Writing an article in the admin: the body editor, embeds, library figures, topic suggestions.

The editor itself runs in the browser (django-prose-editor plus static/admin/articles/
body-editor.js); these tests pin what the server gives it and what the server keeps of what it
sends back. One browser smoke test at the end drives the real editor.
"""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.db import connections
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils import timezone
from django_prose_editor.config import allowlist_from_extensions

from articles.body import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, embed_for_url, sanitise_body
from articles.editor import EMBED_PROVIDERS, EXTENSIONS_MODULE, LIBRARY_SEARCH_URL_NAME
from articles.models import Article, RelatedLink
from tests.admin_forms import form_fields
from tests.browser import launch
from tests.conftest import PASSWORD, parse, text_of
from tests.factories import ArticleFactory, TopicFactory

pytestmark = pytest.mark.django_db

# The site with the media library's JSON mounted, as the project mounts it.
urlpatterns = [
    path("library/", include("library.urls")),
    path("", include("newsroom.urls")),
]

CREDITED_FIGURE = (
    '<figure data-credit="Jane Doe / Newsroom &amp; Co">'
    '<img src="/media/library/2026/03/harbour.jpg" alt="Fishing boats in the harbour at dawn"'
    ' width="1200" height="800"'
    ' srcset="/media/renditions/library/2026/03/harbour.jpg-480w.webp 480w,'
    ' /media/renditions/library/2026/03/harbour.jpg-800w.webp 800w"'
    ' sizes="(min-width: 47em) 45rem, calc(100vw - 2rem)">'
    "<figcaption>The harbour on <em>Tuesday</em> morning</figcaption></figure>"
)
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"

# Bodies as the editor writes them (ProseMirror's serialiser: list items hold paragraphs, links
# carry the rel the sanitiser sets, after their own attributes).
EDITOR_SAMPLES = {
    "headings and marks": (
        "<h2>What happened</h2><p>The council met on <strong>Tuesday</strong> and voted"
        " <em>against</em> the plan, H<sub>2</sub>O and the 1<sup>st</sup> <s>draft</s>.<br>"
        "A new line.</p><h3>Why it matters</h3><h4>Background</h4>"
    ),
    "lists": (
        "<ul><li><p>Harbour wall</p></li><li><p>Ferry <strong>slipway</strong></p></li></ul>"
        "<ol><li><p>First</p></li></ol>"
        '<ol start="3"><li><p>Third</p><ul><li><p>Nested</p></li></ul></li></ol>'
    ),
    "links": (
        '<p>Read <a href="https://example.org/report?year=2026&amp;page=2"'
        ' rel="noopener noreferrer">the report</a>, write to'
        ' <a href="mailto:desk@example.org" title="The news desk" rel="noopener noreferrer">'
        'the desk</a> or see <a href="/news/harbour/" rel="noopener noreferrer">our story</a>.</p>'
    ),
    "quote and rule": "<blockquote><p>We will rebuild it.</p><p>Every stone.</p></blockquote><hr>",
    "library figure": CREDITED_FIGURE,
    "figure without caption or credit": (
        '<figure><img src="https://images.example.org/map.png" alt="Map of the bay"></figure>'
    ),
    "embed": f"<p>Before.</p><p>{YOUTUBE}</p><p>After.</p>",
    "text with entities": "<p>Café &amp; bar &lt;3 &nbsp;x — “quoted”</p><p></p><p>End.</p>",
}


def body_textarea(page):
    return page.select_one("textarea[name=body]")


def editor_config(page):
    return json.loads(body_textarea(page)["data-django-prose-editor-configurable"])


def save_body_through_admin(client, body, slug="written-in-the-editor"):
    page = parse(client.get(reverse("admin:articles_article_add")))
    data = form_fields(page, "article_form") | {
        "headline": "Written in the editor",
        "slug": slug,
        "body": body,
        "_save": "Save",
    }
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, text_of(parse(response).select_one("#content"))
    return Article.objects.get(slug=slug)


# The form ------------------------------------------------------------------------------------


def test_the_add_form_edits_the_body_with_the_prose_editor(editor):
    page = parse(editor.get(reverse("admin:articles_article_add")))

    textarea = body_textarea(page)
    assert textarea is not None
    config = editor_config(page)
    assert config["js_modules"] == [static(EXTENSIONS_MODULE)]
    extensions = config["extensions"]
    assert extensions["Heading"] == {"levels": [2, 3, 4]}
    for name in ["Bold", "Italic", "BulletList", "ListItem", "Blockquote", "HorizontalRule"]:
        assert extensions[name] is True
    for name in ["ArticleLink", "ArticleOrderedList", "ArticleFigure", "ArticleImage"]:
        assert name in extensions
    assert extensions["ArticleLink"] == {"schemes": ["http", "https", "mailto"]}

    scripts = {tag.get("src"): tag.get("type") for tag in page.select("script[src]")}
    assert scripts[static("django_prose_editor/editor.js")] == "module"
    assert scripts[static("django_prose_editor/configurable.js")] == "module"
    assert static("admin/articles/article-form.js") in scripts
    importmap = json.loads(page.select_one("script[type=importmap]").string)
    assert importmap["imports"]["django-prose-editor/editor"] == static(
        "django_prose_editor/editor.js"
    )
    stylesheets = [link["href"] for link in page.select("link[rel=stylesheet]")]
    # Ours after the package's, so that it wins.
    assert stylesheets.index(static("admin/articles/body-editor.css")) > stylesheets.index(
        static("django_prose_editor/editor.css")
    )


def test_the_change_form_gives_the_editor_the_stored_body(editor):
    article = ArticleFactory(body=EDITOR_SAMPLES["library figure"] + EDITOR_SAMPLES["embed"])
    page = parse(editor.get(reverse("admin:articles_article_change", args=[article.pk])))
    assert body_textarea(page).text.strip() == article.body


def test_the_editor_offers_no_markup_the_sanitiser_would_remove(editor):
    """The package's own extensions in the config produce only tags and attributes we keep.

    Ours (the Article… extensions) are written to the same allowlist in body-editor.js; the
    browser test below checks them by loading stored HTML and reading the editor's output.
    """
    extensions = editor_config(parse(editor.get(reverse("admin:articles_article_add"))))[
        "extensions"
    ]
    package_ones = {
        name: value
        for name, value in extensions.items()
        if not name.startswith("Article") and name != "Menu"
    }
    allowlist = allowlist_from_extensions(package_ones)
    assert allowlist["tags"] <= ALLOWED_TAGS
    for tag, attributes in allowlist["attributes"].items():
        assert attributes <= ALLOWED_ATTRIBUTES.get(tag, set()), tag
    for unwanted in [
        "Table",
        "TextAlign",
        "Color",
        "Highlight",
        "TextClass",
        "NodeClass",
        "StyleLoom",
        "ClassLoom",
        "Underline",
        "Link",
        "OrderedList",
        "Figure",
    ]:
        assert unwanted not in extensions


@pytest.mark.urls(__name__)
def test_the_image_button_searches_the_media_library(editor):
    config = editor_config(parse(editor.get(reverse("admin:articles_article_add"))))
    assert config["extensions"]["ArticleFigure"]["searchUrl"] == reverse(LIBRARY_SEARCH_URL_NAME)


# Embeds -----------------------------------------------------------------------------------------


def test_the_editor_is_given_the_embed_providers_hosts(editor):
    config = editor_config(parse(editor.get(reverse("admin:articles_article_add"))))
    assert config["extensions"]["ArticleEmbed"] == {"providers": EMBED_PROVIDERS}


# One address per provider that `embed_for_url` embeds, with the host left to fill in.
EMBEDDABLE_PATHS = {
    "YouTube": "https://{host}/watch?v=dQw4w9WgXcQ",
    "Vimeo": "https://{host}/76979871",
    "X": "https://{host}/newsroom/status/1234567890",
    "Instagram": "https://{host}/p/C1a2B3c4D5e/",
    "TikTok": "https://{host}/@newsroom/video/7212345678901234567",
    "Facebook": "https://{host}/newsroom/posts/pfbid0123",
}


@pytest.mark.parametrize(
    ("provider", "host"),
    [(provider, host) for provider, hosts in EMBED_PROVIDERS.items() for host in hosts],
)
def test_every_host_the_editor_accepts_is_embedded_on_the_page(provider, host):
    if host == "youtu.be":
        url = "https://youtu.be/dQw4w9WgXcQ"
    else:
        url = EMBEDDABLE_PATHS[provider].format(host=host)
    assert embed_for_url(url) is not None, url


@pytest.mark.parametrize(
    "host", ["youtube.co", "notyoutube.com", "www.m.youtube.com", "vimeo.org", "x.co"]
)
def test_lookalike_hosts_are_neither_accepted_nor_embedded(host):
    assert not any(host in hosts for hosts in EMBED_PROVIDERS.values())
    assert embed_for_url(f"https://{host}/watch?v=dQw4w9WgXcQ") is None


def test_an_unknown_address_in_the_body_stays_a_paragraph_of_text(editor):
    article = save_body_through_admin(editor, "<p>https://example.com/video/1</p>")
    assert article.body == "<p>https://example.com/video/1</p>"


# What the server keeps ---------------------------------------------------------------------


@pytest.mark.parametrize("body", EDITOR_SAMPLES.values(), ids=EDITOR_SAMPLES.keys())
def test_html_the_editor_writes_is_saved_unchanged(editor, body):
    assert sanitise_body(body) == body  # the sample is within the allowlist …
    assert save_body_through_admin(editor, body).body == body  # … and the admin keeps it so


def test_an_empty_editor_saves_an_empty_body(editor):
    assert save_body_through_admin(editor, "<p></p>").body == ""


def test_the_empty_paragraph_left_after_an_embed_is_not_saved(editor):
    body = save_body_through_admin(editor, f"<p>Intro.</p><p>{YOUTUBE}</p><p></p><p></p>").body
    assert body == f"<p>Intro.</p><p>{YOUTUBE}</p>"


def test_hostile_html_posted_as_the_body_is_sanitised(editor):
    article = save_body_through_admin(
        editor,
        '<p onclick="steal()">Hi <a href="javascript:alert(1)">there</a>'
        '<img src="/media/x.jpg" onerror="alert(1)"></p><script>alert(1)</script>'
        '<p style="color:red" class="lead">Styled</p><iframe src="https://evil.example/"></iframe>'
        '<figure data-credit="Agency" class="wide"><img src="javascript:alert(2)" alt="a">'
        '<figcaption onmouseover="alert(3)">Caption</figcaption></figure>',
    )
    assert article.body == (
        '<p>Hi <a rel="noopener noreferrer">there</a><img src="/media/x.jpg"></p>'
        '<p>Styled</p><figure data-credit="Agency"><img alt="a"><figcaption>Caption</figcaption>'
        "</figure>"
    )


def test_the_public_page_shows_the_embed_and_the_figure_with_its_credit(editor, reader):
    article = save_body_through_admin(editor, f"<p>Intro.</p>{CREDITED_FIGURE}<p>{YOUTUBE}</p>")
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED,
        section=TopicFactory(name="News", in_navigation=True),
        published_at=timezone.now() - timedelta(hours=1),
    )
    article.refresh_from_db()

    page = parse(reader.get(article.get_absolute_url()))
    body = page.select_one(".article__body")
    player = body.select_one("figure.embed--video iframe")
    assert player["src"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert YOUTUBE not in [text_of(p) for p in body.select("p")]
    figure = body.select_one("figure[data-credit]")
    assert figure.select_one("img")["alt"] == "Fishing boats in the harbour at dawn"
    assert text_of(figure.select_one("figcaption")) == (
        "The harbour on Tuesday morning Jane Doe / Newsroom & Co"
    )
    assert text_of(figure.select_one(".figure__credit")) == "Jane Doe / Newsroom & Co"


# Topics, byline and related links ----------------------------------------------------------


def test_the_topics_field_asks_for_suggestions(editor):
    page = parse(editor.get(reverse("admin:articles_article_add")))
    topics = page.select_one("input[name=topics]")
    assert topics["data-topic-suggestions"] == reverse("admin:articles_article_topic_suggestions")
    assert text_of(page.select_one("label[for=id_topics]")) == "Topics:"


def test_topic_suggestions_put_names_starting_with_the_words_first(editor):
    for name in ["Space", "Aerospace", "Spain", "Politics"]:
        TopicFactory(name=name)
    url = reverse("admin:articles_article_topic_suggestions")
    assert editor.get(url, {"q": "spa"}).json() == {"results": ["Space", "Spain", "Aerospace"]}
    assert editor.get(url).json()["results"] == ["Aerospace", "Politics", "Space", "Spain"]


def test_topic_suggestions_are_for_people_who_write_articles(client, django_user_model):
    url = reverse("admin:articles_article_topic_suggestions")
    assert client.get(url).status_code == 302  # to the admin's sign-in page
    staff = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="add_article"))
    assert client.get(url).status_code == 200


def test_byline_and_related_links_keep_their_position_column(editor):
    article = ArticleFactory()
    RelatedLink.objects.create(
        article=article, title="Later", url="https://example.org/b", position=1
    )
    RelatedLink.objects.create(
        article=article, title="First", url="https://example.org/a", position=0
    )
    page = parse(editor.get(reverse("admin:articles_article_change", args=[article.pk])))
    assert page.select_one("#related_links-group td.field-position input") is not None
    assert page.select_one("#article_authors-group td.field-position input") is not None
    titles = [i["value"] for i in page.select("#related_links-group td.field-title input[value]")]
    assert titles == ["First", "Later"]
    # The byline's author is chosen with the admin's autocomplete.
    assert page.select_one("select[name=article_authors-0-author].admin-autocomplete")


# In the browser ---------------------------------------------------------------------------------

LIBRARY_RESULT = {
    "id": 1,
    "thumbnail": "/media/renditions/library/2026/03/harbour.jpg-240w.webp",
    "alt": "Fishing boats in the harbour at dawn",
    "caption": "The harbour on Tuesday morning",
    "credit": "Jane Doe / Newsroom",
    "width": 1200,
    "height": 800,
    "html": (
        '<figure data-credit="Jane Doe / Newsroom"><img src="/media/library/2026/03/harbour.jpg"'
        ' alt="Fishing boats in the harbour at dawn" width="1200" height="800">'
        "<figcaption>The harbour on Tuesday morning</figcaption></figure>"
    ),
}


@pytest.fixture
def browser_page(live_server, editor, settings, monkeypatch):
    """A signed-in editor's browser tab on the live server, with the library's JSON mounted.

    The library's search is answered by the tab itself with `LIBRARY_RESULT`, so this tests the
    editor, not the library; other off-site requests are refused.
    """
    from playwright.sync_api import sync_playwright

    settings.ROOT_URLCONF = __name__
    # Playwright's sync API runs an event loop in this thread; the tests' own queries are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    server = urlsplit(live_server.url).netloc
    search_path = reverse(LIBRARY_SEARCH_URL_NAME)

    def handle(route):
        url = urlsplit(route.request.url)
        if url.netloc != server:
            return route.abort()
        if url.path == search_path:
            return route.fulfill(json={"results": [LIBRARY_RESULT], "has_next": False})
        if url.path.startswith(settings.MEDIA_URL):
            return route.fulfill(status=404)
        return route.continue_()

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 1200})
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.route("**/*", handle)
        # The mark on <html> lets Playwright wait with a selector: its wait_for_function uses
        # eval, which the admin's Content-Security-Policy refuses.
        page.add_init_script(
            "document.addEventListener('prose-editor:ready', (event) => {"
            " window.bodyEditor = event.detail.editor;"
            " document.documentElement.dataset.bodyEditor = 'ready' })"
        )
        page.goto(f"{live_server.url}{reverse('admin:login')}")
        page.fill("#id_username", editor.user.username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        yield page
        browser.close()
        # Queries made while Playwright's loop runs get their own connection (Django keeps
        # connections per context in async code); close it before the test database goes.
        connections.close_all()
    assert errors == []


@pytest.mark.browser
def test_the_editor_reads_and_writes_stored_bodies_unchanged(live_server, browser_page):
    """Every node and mark of ours matches the sanitiser: loading a body and reading the
    editor's HTML back gives the body, byte for byte (one page load per sample)."""
    changed = {}
    for name, body in EDITOR_SAMPLES.items():
        article = ArticleFactory(body=body)
        browser_page.goto(
            live_server.url + reverse("admin:articles_article_change", args=[article.pk])
        )
        browser_page.wait_for_selector("html[data-body-editor=ready]", state="attached")
        written = browser_page.evaluate("window.bodyEditor.getHTML()")
        if written != body:
            changed[name] = written
    assert changed == {}


@pytest.mark.browser
def test_writing_with_an_embed_and_a_library_image(live_server, browser_page):
    """An embed is one unit: the caret lands in a new paragraph after it, so the sentence typed
    next is its own paragraph, and the page shows both the embed and the sentence."""
    page = browser_page
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    page.wait_for_selector("html[data-body-editor=ready]", state="attached")
    page.fill("#id_headline", "Harbour wall rebuilt")
    page.locator(".prose-editor .ProseMirror[contenteditable]").click()
    page.keyboard.type("The wall is being rebuilt.")
    page.keyboard.press("Enter")

    page.click(".prose-menubar__button[data-name=embed]")
    page.fill(".newsroom-embed-dialog input[name=url]", "https://example.com/video/1")
    page.click(".newsroom-embed-dialog button[type=submit]")
    refusal = page.locator(".newsroom-embed-dialog .newsroom-embed-error")
    assert refusal.is_visible()
    assert "cannot be embedded" in refusal.text_content()
    page.fill(".newsroom-embed-dialog input[name=url]", YOUTUBE)
    page.click(".newsroom-embed-dialog button[type=submit]")
    embed = page.locator(".ProseMirror p.newsroom-embed")
    assert embed.get_attribute("data-embed-provider") == "YouTube"
    assert embed.get_attribute("contenteditable") == "false"
    page.keyboard.type("Work ends in May.")

    page.click(".prose-menubar__button[data-name=figure]")
    page.click(".newsroom-picker .newsroom-picker__result")
    page.keyboard.type("The harbour at dawn.")
    page.click(".prose-menubar__button[data-name=embed]")
    page.fill(".newsroom-embed-dialog input[name=url]", YOUTUBE)
    page.click(".newsroom-embed-dialog button[type=submit]")
    page.click("input[name=_save]")
    page.wait_for_url(f"**{reverse('admin:articles_article_changelist')}**")

    article = Article.objects.get(slug="harbour-wall-rebuilt")
    # The caret's empty paragraph after the last embed is not kept.
    assert article.body == (
        f"<p>The wall is being rebuilt.</p><p>{YOUTUBE}</p><p>Work ends in May.</p>"
        f"{LIBRARY_RESULT['html']}<p>The harbour at dawn.</p><p>{YOUTUBE}</p>"
    )
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED,
        section=TopicFactory(name="News", in_navigation=True),
        published_at=timezone.now() - timedelta(hours=1),
    )
    article.refresh_from_db()
    page.goto(live_server.url + article.get_absolute_url())
    body = page.locator(".article__body")
    players = body.locator("figure.embed--video iframe")
    assert [players.nth(n).get_attribute("src") for n in range(players.count())] == [
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    ] * 2
    assert body.locator("p", has_text="Work ends in May.").count() == 1
    assert body.locator("p", has_text="The harbour at dawn.").count() == 1
