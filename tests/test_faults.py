"""When a part of the platform fails: the database, the cache, a media file.

- The database unreachable: every public page answers 503 with the branded "back in a moment"
  page and Retry-After, whether the error comes from a view, from a template reading a lazy
  value, or from the 404 handler (newsroom.faults). Shown on a real server (gunicorn, DEBUG
  off) started with an address where no database is: a SQLite file in a folder that does not
  exist, and a PostgreSQL port nothing listens on. Under the admin's address the page says
  "Saving is paused" (tests/test_replicas.py shows it beside replicas that keep readers served).
- The cache unreachable: pages are served as if the cache were empty (newsroom.cache), shown on
  a real server with the demo content and a Redis address nothing listens on; and with the real
  Redis, the cache is used.
- A media file gone from storage: the article, home and topic pages still answer 200; the
  article page leaves its featured picture out.
"""

import logging
import os
import re
import shutil
import uuid
from pathlib import Path

import pytest
import redis
from bs4 import BeautifulSoup
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from library.images import rendition_name
from library.models import Image
from newsroom.fragments import CHROME_KEY
from tests.conftest import parse, text_of
from tests.factories import (
    ArticleFactory,
    SectionFactory,
    TopicFactory,
    add_topics,
    image_file,
    with_renditions,
)
from tests.site_server import Server, manage, server_environment

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# Nothing listens on port 1 of this machine: connections to it are refused at once.
NOWHERE_REDIS = "redis://127.0.0.1:1/0"


# The database unreachable ---------------------------------------------------------------


def unreachable_database(kind, folder):
    if kind == "sqlite":  # the file's folder does not exist: "unable to open database file"
        return f"sqlite:///{folder / 'no-such-folder' / 'newsroom.sqlite3'}"
    return "postgres://postgres@127.0.0.1:1/nowhere"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site_without_its_database(request, static_root, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"no-{request.param}")
    env = server_environment(
        DATABASE_URL=unreachable_database(request.param, folder),
        STATIC_ROOT=static_root,
        MEDIA_ROOT=folder / "media",
    )
    server = Server(env, folder / "gunicorn.log")
    yield server
    server.stop()


@pytest.mark.parametrize(
    "path",
    [
        "/",  # the view queries
        "/news/a-story/",  # the view looks the article up
        "/search/",  # the view does not query; the template's header and footer do
        "/no/such/page/here/",  # no view at all: the 404 page's header and footer query
    ],
)
def test_a_page_says_back_in_a_moment_while_the_database_is_down(site_without_its_database, path):
    status, headers, body = site_without_its_database.get(path)
    page = BeautifulSoup(body, "html.parser")
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "no-store" in headers["Cache-Control"]
    assert text_of(page.find("h1")) == "Back in a moment"
    assert "try again in 30 seconds" in text_of(page.find("main"))
    assert page.select_one(".site-header .brand").get_text() == "Newsroom"
    assert "Traceback" not in body and "Error" not in body


@pytest.mark.parametrize("path", ["/latest/", "/no/such/page/logged/"])
def test_the_outage_is_logged_as_one_warning_line_per_request(site_without_its_database, path):
    # A view's query, and the 404 page's (whose error Django first logs as its own 500).
    site_without_its_database.get(path)
    log = site_without_its_database.log()
    lines = [line for line in log.splitlines() if path in line]
    assert len(lines) == 1, log
    assert lines[0].startswith("WARNING newsroom.faults: Database unavailable (OperationalError: ")
    # Each line ends with the id of its request (newsroom.request_id).
    ending = rf"on GET {re.escape(path)}; answered 503\. \[request [0-9a-f]{{32}}\]"
    assert re.search(ending + "$", lines[0]), lines[0]
    for noise in ["Internal Server Error", "Service Unavailable", "Traceback", "ERROR"]:
        assert noise not in log


def test_the_admin_says_saving_is_paused_while_the_database_is_down(site_without_its_database):
    # Even the sign-in page reads the database (the site, the throttle's records).
    status, headers, body = site_without_its_database.get("/admin/login/")
    page = BeautifulSoup(body, "html.parser")
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "no-store" in headers["Cache-Control"]
    assert text_of(page.find("h1")) == "Saving is paused"
    assert "The main database cannot be reached" in text_of(page.find("main"))
    assert "Nothing from this request was saved" in text_of(page.find("main"))
    # Without replicas, nothing is said of readers being served.
    assert "Readers still see" not in body


# The cache unreachable ------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_without_its_cache(static_root, demo_folder, tmp_path_factory):
    """The demo site (its first ten articles: enough for every block of the front page) on a
    SQLite file of its own, served with a Redis nobody runs."""
    folder = tmp_path_factory.mktemp("no-cache")
    shutil.copytree(demo_folder / "images", folder / "images")
    lines = (demo_folder / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    (folder / "articles.jsonl").write_text("\n".join(lines[:10]) + "\n", encoding="utf-8")
    env = server_environment(
        DATABASE_URL=f"sqlite:///{folder / 'newsroom.sqlite3'}",
        STATIC_ROOT=static_root,
        MEDIA_ROOT=folder / "media",
    )
    manage("migrate", "--noinput", "-v0", env=env)
    manage("import_articles", str(folder / "articles.jsonl"), env=env)
    manage("demo_site", env=env)
    server = Server({**env, "REDIS_URL": NOWHERE_REDIS}, folder / "gunicorn.log")
    yield server
    server.stop()


def test_pages_are_served_while_the_cache_is_down(site_without_its_cache):
    status, _, body = site_without_its_cache.get("/")
    home = BeautifulSoup(body, "html.parser")
    assert status == 200
    lead = home.select_one(".card__headline a")
    assert lead is not None and len(home.select(".card")) > 5

    status, _, body = site_without_its_cache.get(lead["href"])
    article = BeautifulSoup(body, "html.parser")
    assert status == 200
    assert text_of(article.find("h1")) == text_of(lead)
    assert article.select(".article__body p")

    # The first failure rests the cache for a while: one warning, not one per cache call.
    warnings = [line for line in site_without_its_cache.log().splitlines() if "Cache" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith("WARNING newsroom.cache: Cache unavailable (ConnectionError: ")


@pytest.fixture
def cache_at(settings):
    """Point the default cache at a Redis address, under a key prefix of this test's own."""
    original = settings.CACHES
    prefix = f"newsroom-test-{uuid.uuid4().hex}"
    pointed_at = []

    def point(location):
        pointed_at.append(location)
        settings.CACHES = {
            "default": {
                "BACKEND": "newsroom.cache.ForgivingRedisCache",
                "LOCATION": location,
                "KEY_PREFIX": prefix,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
        return prefix

    yield point
    # Back to the local cache before the shared fixture clears "the" cache: on Redis that
    # would empty the whole database, other users' keys too. Only this test's keys go.
    settings.CACHES = original
    if REDIS_URL not in pointed_at:  # nothing was written to a real Redis
        return
    server = redis.Redis.from_url(REDIS_URL)
    stale = list(server.scan_iter(f"{prefix}:*"))
    if stale:
        server.delete(*stale)


@pytest.mark.services
@pytest.mark.django_db
def test_with_redis_running_pages_come_from_the_cache(reader, cache_at):
    prefix = cache_at(REDIS_URL)
    ArticleFactory(headline="Harbour reopens", section=SectionFactory(name="News"))
    with CaptureQueriesContext(connection) as first:
        assert reader.get("/").status_code == 200
    with CaptureQueriesContext(connection) as second:
        page = parse(reader.get("/"))
    assert text_of(page.select_one(".card__headline")) == "Harbour reopens"
    assert len(second) < len(first)  # the header and footer came from Redis
    chrome = f"{prefix}:1:{CHROME_KEY}:{django_settings.DEFAULT_SITE_ID}"  # the default brand's
    assert redis.Redis.from_url(REDIS_URL).exists(chrome)


@pytest.mark.django_db
def test_with_redis_unreachable_the_cache_is_empty_and_says_so_once(reader, cache_at, caplog):
    cache_at(NOWHERE_REDIS)
    ArticleFactory(headline="Harbour reopens", section=SectionFactory(name="News"))
    with caplog.at_level(logging.WARNING, logger="newsroom.cache"):
        page = parse(reader.get("/"))
        assert text_of(page.select_one(".card__headline")) == "Harbour reopens"
        assert cache.get("anything", "not cached") == "not cached"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.add("counter", 1) is False
        with pytest.raises(ValueError):  # as for a missing key: rate limits count nothing
            cache.incr("counter")
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    warnings = [r for r in caplog.records if r.name == "newsroom.cache"]
    assert len(warnings) == 1
    assert warnings[0].getMessage().startswith("Cache unavailable (ConnectionError: ")


# A media file gone ----------------------------------------------------------------------


@pytest.fixture(params=["sizes recorded", "sizes never recorded"])
def pictures_gone(request):
    """A published article whose featured, body and library pictures are no longer stored.

    "Sizes never recorded" is a row whose width and height are empty, which Django's own
    ImageField would try to measure from the (missing) file each time the row is read.
    """
    library_image = Image.objects.create(file=image_file("quay.jpg"), alt_text="The quay")
    inline = image_file("crane.jpg")
    inline_name = default_storage.save("articles/body/crane.jpg", inline)
    body = (
        "<p>The harbour reopened on Monday.</p>"
        f'<figure><img src="{default_storage.url(inline_name)}" alt="A crane"></figure>'
        f"{library_image.figure_html()}<p>Ferries run again.</p>"
    )
    article = with_renditions(
        ArticleFactory(
            headline="Harbour reopens",
            section=SectionFactory(name="News"),
            featured_image=image_file("harbour.jpg"),
            featured_image_alt="The harbour at dawn",
            body=body,
        )
    )
    topic = TopicFactory(name="Shipping")
    add_topics(article, topic)
    names = [article.featured_image.name, library_image.file.name, inline_name]
    names += [rendition_name(article.featured_image.name, w) for w in (480, 800, 1200)]
    for name in names:
        default_storage.delete(name)
    if request.param == "sizes never recorded":
        Article.objects.filter(pk=article.pk).update(
            featured_image_width=None, featured_image_height=None
        )
        Image.objects.filter(pk=library_image.pk).update(width=None, height=None)
    assert not any(default_storage.exists(name) for name in names)
    return article, topic


@pytest.mark.django_db
def test_an_article_whose_pictures_are_gone_is_shown_without_its_featured_picture(
    reader, pictures_gone, caplog
):
    article, _ = pictures_gone
    with caplog.at_level(logging.WARNING):
        response = reader.get(article.get_absolute_url())
    page = parse(response)
    assert response.status_code == 200
    assert text_of(page.find("h1")) == "Harbour reopens"
    assert page.select_one(".featured-image") is None
    assert [text_of(p) for p in page.select(".article__body > p")] == [
        "The harbour reopened on Monday.",
        "Ferries run again.",
    ]
    assert f"{article.featured_image.name} is missing from storage" in caplog.text


@pytest.mark.django_db
@pytest.mark.parametrize("listing", ["home", "section", "topic", "search", "feed"])
def test_listings_of_an_article_whose_pictures_are_gone_still_answer(
    reader, pictures_gone, listing
):
    article, topic = pictures_gone
    path = {
        "home": "/",
        "section": article.section.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "search": "/search/?q=harbour",
        "feed": "/feeds/rss/",
    }[listing]
    response = reader.get(path)
    assert response.status_code == 200
    assert "Harbour reopens" in response.content.decode()


@pytest.mark.django_db
def test_an_upload_is_still_measured():
    article = ArticleFactory(featured_image=image_file("wide.jpg", size=(1600, 900)))
    assert (article.featured_image_width, article.featured_image_height) == (1600, 900)
    reread = Article.objects.get(pk=article.pk)
    assert (reread.featured_image_width, reread.featured_image_height) == (1600, 900)
