"""Two server processes give every public page the same validators, so either one answers 304
to a reader (or an edge cache) holding the other's copy, whatever the encoding.

Two gunicorn processes (DEBUG off) on one SQLite file with the demo content, each with its own
in-process cache, as workers on one machine, or servers behind a balancer, have without Redis.
A story published a moment ago is on the front page, the listings and every article's rail:
any text that depends on when a page was made ("12 seconds ago"), or any per-process value,
would make the two disagree. The first process answers every page, the second a second or more
later; then each is asked with the other's validators.
"""

import gzip
import shutil
import time
import urllib.error
import urllib.request

import brotli
import pytest
from bs4 import BeautifulSoup

from tests.site_server import Server, manage, server_environment

HOST = "news.example"
ARTICLE = "/news/harbour-lighthouse-new-lamp/"
PAGES = {
    "article": ARTICLE,
    "home": "/",
    "section": "/news/",
    "topic": "/topics/science/",
    "topics": "/topics/",
    "author": "/authors/priya-natarajan/",
    "authors": "/authors/",
    "latest": "/latest/",
    "corrections": "/corrections/",
    "flat page": "/pages/about/",
    "site RSS": "/feeds/rss/",
    "site Atom": "/feeds/atom/",
    "topic RSS": "/feeds/topics/science/rss/",
    "section Atom": "/feeds/topics/news/atom/",
    "author Atom": "/feeds/authors/priya-natarajan/atom/",
    "corrections RSS": "/corrections/rss/",
    "sitemap index": "/sitemap.xml",
    "articles sitemap": "/sitemap-articles.xml",
    "news sitemap": "/sitemap-news.xml",
    "robots.txt": "/robots.txt",
}
ENCODINGS = {"identity": "", "gzip": "gzip", "br": "br, gzip"}
DECODE = {None: bytes, "gzip": gzip.decompress, "br": brotli.decompress}


def get(server, path, **headers):
    """(status, headers, body as sent) of a GET naming the site's host, never decompressed."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.port}{path}", headers={"Host": HOST, **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def site(demo_folder, tmp_path_factory):
    """The demo's first ten stories, one of them published a moment ago, and two servers."""
    folder = tmp_path_factory.mktemp("two-processes")
    shutil.copytree(demo_folder / "images", folder / "images")
    lines = (demo_folder / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    (folder / "articles.jsonl").write_text("\n".join(lines[:10]) + "\n", encoding="utf-8")
    env = server_environment(
        DATABASE_URL=f"sqlite:///{folder / 'newsroom.sqlite3'}",
        STATIC_ROOT=folder / "static",
        MEDIA_ROOT=folder / "media",
        SERVE_MEDIA="1",
        SITE_URL=f"http://{HOST}",
        ALLOWED_HOSTS=HOST,
    )
    manage("collectstatic", "--noinput", "-v0", env=env)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("import_articles", str(folder / "articles.jsonl"), env=env)
    manage("demo_site", env=env)
    manage(
        "shell",
        "-c",
        "from django.utils import timezone; from articles.models import Article; "
        "Article.objects.filter(slug='tide-powered-tram-first-passenger-run')"
        ".update(published_at=timezone.now())",
        env=env,
    )
    servers = [Server(env, folder / f"gunicorn-{n}.log") for n in (1, 2)]
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def answers(site):
    """Every page from the first process, then, a second and more later, from the second."""
    first, second = site
    status, _, body = get(first, ARTICLE)
    assert status == 200
    page = BeautifulSoup(body, "html.parser")
    fresh = page.select_one(".rail__item .rail__headline a")["href"]
    assert fresh == "/news/tide-powered-tram-first-passenger-run/", "a moment-old story leads"
    picture = page.select_one('meta[property="og:image"]')["content"].removeprefix(f"http://{HOST}")
    pages = {**PAGES, "picture": picture}
    from_first = {name: get(first, path) for name, path in pages.items()}
    time.sleep(1.5)
    from_second = {name: get(second, path) for name, path in pages.items()}
    return pages, from_first, from_second


@pytest.mark.parametrize("name", [*PAGES, "picture"])
def test_both_processes_send_the_same_validators(answers, name):
    _, from_first, from_second = answers
    (status_1, headers_1, body_1), (status_2, headers_2, body_2) = (
        from_first[name],
        from_second[name],
    )
    assert (status_1, status_2) == (200, 200)
    assert headers_1["ETag"] and headers_1["ETag"] == headers_2["ETag"]
    assert headers_1.get("Last-Modified") == headers_2.get("Last-Modified")
    assert body_1 == body_2


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("name", [*PAGES, "picture"])
def test_each_process_confirms_the_others_copy(site, answers, name, encoding):
    pages, from_first, from_second = answers
    accept = {"Accept-Encoding": ENCODINGS[encoding]}
    for holder, asked in ((from_first, site[1]), (from_second, site[0])):
        # The copy the reader holds came in this encoding, with this ETag.
        status, sent, body = get(asked, pages[name], **accept)
        assert status == 200
        assert DECODE[sent.get("Content-Encoding")](body) == holder[name][2]
        assert sent["ETag"] == holder[name][1]["ETag"]
        status, headers, body = get(asked, pages[name], **accept, **{"If-None-Match": sent["ETag"]})
        assert (status, body) == (304, b"")
        assert headers["ETag"] == sent["ETag"]
        assert headers.get("Vary") == sent.get("Vary")
        modified = holder[name][1].get("Last-Modified")
        if modified:
            since = {"If-Modified-Since": modified}
            assert get(asked, pages[name], **accept, **since)[0] == 304
