"""The security baseline: what a stranger who reaches the site can see and do.

Every response carries the browser protections (Content-Security-Policy, Permissions-Policy,
frame, sniffing and referrer rules); production settings pass `check --deploy`; cookies are
Secure, HttpOnly and SameSite; admin sign-in is throttled; the admin can live at its own
address; uploads are served inert; a server error shows nothing of the code or settings.
See docs/security.md.
"""

import base64
import hashlib
import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from playwright.sync_api import sync_playwright

from articles.body import embed_for_url
from newsroom.security import client_ip
from tests.browser import launch
from tests.conftest import PASSWORD, parse
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    TopicFactory,
    add_authors,
    add_topics,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
EMBED_BODY = (
    "<p>The first paragraph.</p>"
    "<p>https://www.youtube.com/watch?v=aqz-KE-bpKQ</p>"
    "<p>https://vimeo.com/76979871</p>"
)


def csp(response, header="Content-Security-Policy"):
    """The response's policy as {directive: [sources]}."""
    policy = {}
    for part in response[header].split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


@pytest.fixture
def article():
    article = ArticleFactory(section=SectionFactory(name="News"), slug="a-story", body=EMBED_BODY)
    add_topics(article, TopicFactory(name="Boats"))
    add_authors(article, AuthorFactory(slug="ida"))
    return article


def public_pages():
    return [
        "/",
        "/news/a-story/",
        "/news/",
        "/topics/boats/",
        "/authors/ida/",
        reverse("articles:search") + "?q=story",
        reverse("articles:site-rss"),
    ]


# Headers on every page ---------------------------------------------------------------------


@pytest.mark.parametrize("url", public_pages())
def test_every_public_page_carries_the_browser_protections(reader, article, url):
    response = reader.get(url)
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_a_missing_page_carries_the_protections_too(reader):
    response = reader.get("/news/nothing-here/")
    assert response.status_code == 404
    assert csp(response)["script-src"] == ["'self'"]
    assert "camera=()" in response["Permissions-Policy"]


def test_the_policy_allows_only_the_sites_own_scripts_and_styles(reader, article):
    policy = csp(reader.get("/news/a-story/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "upgrade-insecure-requests" in policy  # DEBUG is off in the test run
    # Bodies may keep outside pictures at https addresses; see docs/security.md.
    assert set(policy["img-src"]) == {"'self'", "data:", "https:"}


def test_the_policy_lets_in_exactly_the_players_the_body_embeds(reader, article):
    page = reader.get("/news/a-story/")
    frames = parse(page).select("iframe")
    assert len(frames) == 2
    origins = {"{0.scheme}://{0.netloc}".format(urlsplit(frame["src"])) for frame in frames}
    assert origins == {"https://www.youtube-nocookie.com", "https://player.vimeo.com"}
    assert set(csp(page)["frame-src"]) == origins
    # And every provider embed_for_url knows is among them.
    for url in ["https://youtu.be/aqz-KE-bpKQ", "https://vimeo.com/1"]:
        src = BeautifulSoup(embed_for_url(url), "html.parser").iframe["src"]
        assert "{0.scheme}://{0.netloc}".format(urlsplit(src)) in origins


@pytest.mark.parametrize("url", public_pages()[:5])
def test_public_pages_have_no_inline_script_or_style(reader, article, url):
    page = parse(reader.get(url))
    for script in page.select("script"):
        # JSON-LD is a data block: browsers never run it, so CSP does not block it.
        assert script.has_attr("src") or script.get("type") == "application/ld+json", script
    assert not page.select("style")
    assert not page.select("[style]")
    for element in page.find_all(True):
        assert not [name for name in element.attrs if name.startswith("on")], element


def test_permissions_policy_turns_off_what_the_site_never_uses(reader, article):
    header = reader.get("/").headers["Permissions-Policy"]
    features = dict(part.strip().split("=", 1) for part in header.split(","))
    for feature in ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]:
        assert features[feature] == "()"
    assert features["fullscreen"] == (
        '(self "https://www.youtube-nocookie.com" "https://player.vimeo.com")'
    )


def test_a_server_error_page_also_carries_the_policy_and_shows_no_details(client, settings):
    settings.ROOT_URLCONF = "tests.error_urls"
    # A key of this test's own, long and random: a short one from the environment ("t") would
    # turn up in any page by chance.
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert "Content-Security-Policy" in response
    body = response.content.decode()
    for leak in [
        "Traceback",
        "deliberate failure",
        "RuntimeError",
        settings.SECRET_KEY,
        str(ROOT),
        ".py",
        "DATABASES",
        "SECRET_KEY",
    ]:
        assert leak not in body


# HTTPS ---------------------------------------------------------------------------------------


def test_https_requests_tell_the_browser_to_stay_on_https(reader, article):
    response = reader.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_http_is_redirected_to_https_when_ssl_redirect_is_on(settings, article):
    # The test run turns the redirect off (tests/conftest.py); production has it on.
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/news/a-story/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/news/a-story/"
    assert Client().get("/news/a-story/", secure=True).status_code == 200


def production_environment(**extra):
    """The environment of a production process: DEBUG off, a real key, a host; nothing else."""
    ours = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "ENV_FILE", "ADMIN_URL", "SERVE_MEDIA"}
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ours and not name.startswith(("SECURE_", "SESSION_", "CSRF_"))
    }
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "ENV_FILE": "",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "news.example",
        **extra,
    }


def test_production_settings_pass_the_deployment_checks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_environment(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_turning_https_off_in_production_is_reported_by_the_checks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_environment(SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W012" in result.stderr


def test_the_deployment_checks_run_in_process_too(settings):
    # The test run's own settings, made production-like: the same checks, from call_command.
    settings.SECURE_SSL_REDIRECT = True
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.ALLOWED_HOSTS = ["news.example"]
    call_command("check", "--deploy", "--fail-level", "WARNING")


# Cookies -------------------------------------------------------------------------------------


def test_sign_in_cookies_are_secure_http_only_and_same_site(client, editor):
    login = reverse("admin:login")
    client.get(login)
    response = client.post(login, {"username": editor.user.username, "password": PASSWORD})
    assert response.status_code == 302
    for name in ["sessionid", "csrftoken"]:
        cookie = client.cookies[name]
        assert cookie["secure"] is True, name
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name


# Sign-in throttling --------------------------------------------------------------------------


def sign_in(client, username, password):
    return client.post(reverse("admin:login"), {"username": username, "password": password})


def test_five_wrong_passwords_pause_sign_in_for_that_account(client, editor):
    for _ in range(4):
        assert sign_in(client, editor.user.username, "wrong").status_code == 200
    locked = sign_in(client, editor.user.username, "wrong")
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"  # the 15-minute pause, in seconds
    page = parse(locked)
    assert page.h1.get_text() == "Too many attempts to sign in"
    assert "Please wait 15 minutes" in page.get_text()
    # Even the right password is refused while the pause lasts, from any address
    # (tests/test_sign_in.py: credential stuffing).
    assert sign_in(client, editor.user.username, PASSWORD).status_code == 429
    assert sign_in(Client(REMOTE_ADDR="203.0.113.9"), editor.user.username, PASSWORD).status_code == 429
    # Another account from the same address is not paused: an address has a higher limit.
    assert sign_in(client, "someone-else", "wrong").status_code == 200


def test_sign_in_works_again_after_the_cool_off(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, editor.user.username, "wrong")
    assert sign_in(client, editor.user.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert sign_in(client, editor.user.username, PASSWORD).status_code == 302
    # A successful sign-in clears the count.
    assert not AccessAttempt.objects.exists()


def test_an_administrator_can_lift_a_pause(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, editor.user.username, "wrong")
    call_command("axes_reset_username", editor.user.username)
    assert sign_in(client, editor.user.username, PASSWORD).status_code == 302


def test_the_address_behind_trusted_proxies_is_the_readers(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7"
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.7"  # not the spoofable left-most entry


# The admin -----------------------------------------------------------------------------------


def test_the_admin_can_live_at_its_own_address(client, editor, urls_with):
    urls_with(ADMIN_URL="newsdesk-7f3a/")
    assert reverse("admin:index") == "/newsdesk-7f3a/"
    assert client.get("/admin/").status_code == 404
    response = client.get("/newsdesk-7f3a/")
    assert response.status_code == 302
    assert response["Location"].startswith("/newsdesk-7f3a/login/")
    # The address is not given away in robots.txt, which anyone may read.
    assert "newsdesk" not in client.get("/robots.txt").content.decode()
    client.force_login(editor.user)
    assert client.get(reverse("admin:articles_article_add")).status_code == 200


def test_the_admin_policy_allows_the_editors_import_map_and_no_other_inline_script(editor):
    response = editor.get(reverse("admin:articles_article_add"))
    policy = csp(response)
    assert "'unsafe-inline'" not in policy["script-src"]
    inline = [s for s in parse(response).select("script") if not s.has_attr("src")]
    assert [s.get("type") for s in inline] == ["importmap"]
    digest = hashlib.sha256(inline[0].string.encode()).digest()
    assert f"'sha256-{base64.b64encode(digest).decode()}'" in policy["script-src"]
    # Everything else is as strict as on the public site.
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]


# Uploads -------------------------------------------------------------------------------------


@pytest.fixture
def uploads(settings):
    root = Path(settings.MEDIA_ROOT)
    (root / "images").mkdir(parents=True)
    (root / "images" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (root / "images" / "page.html").write_text("<script>alert(document.cookie)</script>")
    (root / "images" / "drawing.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    return root


@pytest.fixture
def media_client(urls_with):
    urls_with(SERVE_MEDIA=True)
    client = Client()
    # A path that leaves MEDIA_ROOT is a SuspiciousFileOperation: 400 for the reader.
    client.raise_request_exception = False
    return client


def test_pictures_are_served_as_pictures_and_sandboxed(media_client, uploads):
    response = media_client.get("/media/images/photo.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert not response.get("Content-Disposition", "").startswith("attachment")


@pytest.mark.parametrize("name", ["page.html", "drawing.svg"])
def test_other_uploads_are_downloads_that_cannot_run(media_client, uploads, name):
    response = media_client.get(f"/media/images/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_uploads_are_not_served_by_django_unless_asked(client, uploads):
    assert not django_settings.DEBUG
    assert client.get("/media/images/photo.jpg").status_code == 404


def test_nothing_outside_the_upload_folder_is_served(media_client, uploads):
    for path in ["/media/../manage.py", "/media/%2e%2e/manage.py", "/media/images/"]:
        assert media_client.get(path).status_code in {400, 404}, path


# In a browser --------------------------------------------------------------------------------

# Recorded before any page script runs (DevTools adds it, outside the page's policy).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.mark.browser
def test_a_browser_reports_no_policy_violation_on_an_article(live_server, article):
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            server = urlsplit(live_server.url).netloc
            # Off-site requests (the players) are refused, so nothing waits on the network.
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if urlsplit(route.request.url).netloc == server
                    else route.abort()
                ),
            )
            page.add_init_script(RECORD_VIOLATIONS)
            page.goto(live_server.url + "/news/a-story/", wait_until="load")
            assert page.evaluate("window.__violations") == []
            # The structured data is on the page and the site's stylesheet applies.
            assert page.locator('script[type="application/ld+json"]').count() == 1
            assert page.evaluate("getComputedStyle(document.body).display") == "flex"
        finally:
            browser.close()
