"""Read replicas, on real servers: a throwaway PostgreSQL primary with two streaming replicas
(tests/pg_cluster.py) and the site served by gunicorn against them (DEBUG off), as deployed
with DATABASE_URL and DATABASE_REPLICA_URLS. Everything is asked over HTTP, as a reader, an
editor and an operator would.

- Readers' pages are read from a replica: with the replicas' replay paused, a change made on
  the primary is not on the public page, while the admin shows it.
- An editor sees their own change at once, while readers may see the page as it was (lag): a
  public page may be seconds old, never a 500; a preview or an editor's read never comes from a
  lagging replica.
- The primary stopped: public pages still answer 200, from the replicas; the admin answers 503
  "Saving is paused", and nothing is half-saved; /readyz says the primary is down. Started
  again, it is used again by the same web process.
- A replica stopped, then both: pages still answer, from the other replica or the primary.
  Started again, they are read from again without restarting the web process.

Each runs twice: with connections kept between requests (DATABASE_CONN_MAX_AGE, the default)
and with a psycopg pool in the process (DATABASE_POOL).
"""

import http.cookiejar
import shutil
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup

from newsroom.db_routing import DOWN_SECONDS
from tests.admin_forms import form_fields
from tests.conftest import text_of
from tests.pg_cluster import Cluster
from tests.site_server import Server, manage, server_environment

pytestmark = [pytest.mark.postgres, pytest.mark.services]

EDITOR, PASSWORD = "editor", "newsroom-demo"  # the demo's editor (newsroom.demo)
READ_YOUR_WRITES_SECONDS = 5


# A visitor with cookies, speaking HTTP to the server ------------------------------------


@dataclass
class Answer:
    status: int
    headers: object
    content: bytes

    @property
    def text(self):
        return self.content.decode()

    @property
    def page(self):
        return BeautifulSoup(self.content, "html.parser")


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 is the answer


class Visitor:
    """One person's browser: their own cookies; redirects are answers, not followed."""

    def __init__(self, server):
        self.server = server
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _KeepRedirects()
        )

    def get(self, path):
        return self._open(urllib.request.Request(self._url(path)))

    def post(self, path, data):
        body = urllib.parse.urlencode(data, doseq=True).encode()
        return self._open(urllib.request.Request(self._url(path), data=body, method="POST"))

    def sign_in(self, username, password):
        form = self.get("/admin/login/")
        token = form.page.select_one("input[name=csrfmiddlewaretoken]")["value"]
        data = {"csrfmiddlewaretoken": token, "username": username, "password": password}
        answer = self.post("/admin/login/", {**data, "next": "/admin/"})
        assert answer.status == 302, answer.text
        return self

    def _url(self, path):
        return f"http://127.0.0.1:{self.server.port}{path}"

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=60) as response:
                return Answer(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers, error.read())


# The cluster, the content and the server -------------------------------------------------


@pytest.fixture(scope="module")
def cluster(demo_folder, static_root, tmp_path_factory):
    """A primary and two replicas holding the demo's first ten stories and its accounts."""
    cluster = Cluster(replica_count=2)
    try:
        cluster.start()
        cluster.create_database("newsroom")
        folder = tmp_path_factory.mktemp("replicas")
        shutil.copytree(demo_folder / "images", folder / "images")
        lines = (demo_folder / "articles.jsonl").read_text(encoding="utf-8").splitlines()
        (folder / "articles.jsonl").write_text("\n".join(lines[:10]) + "\n", encoding="utf-8")
        cluster.env = server_environment(
            DATABASE_URL=cluster.primary.url("newsroom"),
            STATIC_ROOT=static_root,
            MEDIA_ROOT=folder / "media",
            # Every page read from the database each time, so that each answer shows where
            # it was read (fragment caching with replicas: docs/deploy.md).
            FRAGMENT_SECONDS=0,
            DATABASE_READ_YOUR_WRITES_SECONDS=READ_YOUR_WRITES_SECONDS,
        )
        manage("migrate", "--noinput", "-v0", env=cluster.env)
        manage("import_articles", str(folder / "articles.jsonl"), env=cluster.env)
        manage("demo_site", env=cluster.env)
        cluster.wait_for_replicas()
        cluster.folder_for_logs = folder
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module", params=["kept connections", "pool"])
def site(request, cluster):
    """The web process on the primary and both replicas."""
    env = {
        **cluster.env,
        "DATABASE_REPLICA_URLS": ",".join(r.url("newsroom") for r in cluster.replicas),
    }
    if request.param == "pool":
        env.update(DATABASE_POOL="1", DATABASE_POOL_MAX_SIZE="2", DATABASE_POOL_TIMEOUT="3")
    name = request.param.replace(" ", "-")
    server = Server(env, cluster.folder_for_logs / f"gunicorn-{name}.log")
    yield server
    server.stop()


def front_page_stories(server, cluster):
    """The stories the front page shows, newest first, as `Story`s."""
    home = Visitor(server).get("/")
    assert home.status == 200
    stories = []
    for link in home.page.select(".card__headline a"):
        slug = link["href"].rstrip("/").rsplit("/", 1)[-1]
        pk = cluster.primary.value(
            "SELECT id FROM articles_article WHERE slug = %s", (slug,), database="newsroom"
        )
        stories.append(Story(link["href"], pk, text_of(link)))
    return stories


def put_back(cluster, story):
    """Every server running, replaying, and `story` with its own headline again."""
    for server in [cluster.primary, *cluster.replicas]:
        if not server.running():
            server.start()
    for replica in cluster.replicas:
        replica.value("SELECT pg_wal_replay_resume()")
    set_headline_on_primary(cluster, story.pk, story.headline)
    cluster.wait_for_replicas()


@pytest.fixture
def story(site, cluster):
    """The newest story, as the front page leads with it; put back after the test."""
    lead = front_page_stories(site, cluster)[0]
    yield lead
    put_back(cluster, lead)


@dataclass
class Story:
    path: str
    pk: int
    headline: str

    @property
    def change(self):
        return f"/admin/articles/article/{self.pk}/change/"

    @property
    def preview(self):
        return f"/admin/articles/article/{self.pk}/preview/"


def set_headline_on_primary(cluster, pk, headline):
    cluster.primary.value(
        "UPDATE articles_article SET headline = %s WHERE id = %s",
        (headline, pk),
        database="newsroom",
    )


def headline_on(answer):
    assert answer.status == 200, answer.text[:500]
    return text_of(answer.page.find("h1"))


def save_headline(editor, story, headline, form=None):
    """The editor opens the change form (unless `form`, loaded before), changes the headline
    and saves, as in a browser; returns the answer."""
    answer = form or editor.get(story.change)
    assert answer.status == 200, answer.status
    data = form_fields(answer.page, "article_form")
    data.update(headline=headline, change_kind="minor")
    return editor.post(story.change, data)


# Reads go to the replicas ------------------------------------------------------------------


def test_readers_pages_are_read_from_a_replica(site, cluster, story):
    editor = Visitor(site).sign_in(EDITOR, PASSWORD)
    cluster.pause_replay()
    set_headline_on_primary(cluster, story.pk, "Written on the primary only")

    # The public page (for a reader, and for an editor who has written nothing lately)
    # comes from a replica, which has not applied the change.
    time.sleep(READ_YOUR_WRITES_SECONDS + 0.5)  # the editor's sign-in was a write
    assert headline_on(Visitor(site).get(story.path)) == story.headline
    assert headline_on(editor.get(story.path)) == story.headline
    # The admin reads the primary.
    form = editor.get(story.change)
    assert form.page.select_one("input[name=headline]")["value"] == "Written on the primary only"

    cluster.resume_replay()
    assert headline_on(Visitor(site).get(story.path)) == "Written on the primary only"


def test_an_editor_sees_their_own_change_at_once_while_readers_may_see_it_late(
    site, cluster, story
):
    editor = Visitor(site).sign_in(EDITOR, PASSWORD)
    reader = Visitor(site)
    cluster.pause_replay()  # the replicas lag, as long as the test needs

    answer = save_headline(editor, story, "Harbour reopens after the storm")
    assert answer.status == 302

    # The editor's own reads: the public page, the preview, the admin.
    assert headline_on(editor.get(story.path)) == "Harbour reopens after the storm"
    assert headline_on(editor.get(story.preview)) == "Harbour reopens after the storm"
    # A reader gets the page as it was a moment ago: old, never an error.
    for _ in range(3):
        assert headline_on(reader.get(story.path)) == story.headline

    cluster.resume_replay()
    assert headline_on(reader.get(story.path)) == "Harbour reopens after the storm"


# The primary down --------------------------------------------------------------------------

# A reader's every kind of page (the demo's first ten stories have these authors and topics).
PUBLIC_PAGES = [
    "/", "/news/", "/latest/", "/topics/", "/topics/science/", "/authors/",
    "/authors/priya-natarajan/", "/search/?q=the", "/corrections/", "/pages/about/",
    "/feeds/rss/", "/feeds/topics/science/atom/", "/sitemap.xml", "/sitemap-news.xml",
    "/robots.txt",
]


def test_with_the_primary_down_readers_are_served_and_the_admin_says_saving_is_paused(
    site, cluster, story
):
    editor = Visitor(site).sign_in(EDITOR, PASSWORD)
    form = editor.get(story.change)  # open before the outage, saved during it
    versions = cluster.primary.value("SELECT count(*) FROM reversion_version", database="newsroom")
    cluster.primary.stop()

    reader = Visitor(site)
    for path in [story.path, *PUBLIC_PAGES]:
        answer = reader.get(path)
        assert answer.status == 200, (path, answer.text[:300])
    assert headline_on(reader.get(story.path)) == story.headline
    assert reader.get("/no/such/page/").status == 404
    # The editor, just signed in (a write), reads the public site too: from a replica now.
    assert headline_on(editor.get(story.path)) == story.headline

    for answer in [editor.get("/admin/"), save_headline(editor, story, "Lost?", form=form)]:
        assert answer.status == 503
        assert answer.headers["Retry-After"] == "30"
        assert text_of(answer.page.find("h1")) == "Saving is paused"
        assert "main database cannot be reached" in text_of(answer.page.find("main"))
        assert "Nothing from this request was saved" in text_of(answer.page.find("main"))

    readiness = Visitor(site).get("/readyz")
    assert readiness.status == 200
    lines = readiness.text.splitlines()
    assert lines[0] == (
        "degraded: database (saving is paused; readers are served from the replicas)"
    )
    assert lines[1].startswith("database: down")
    assert lines[2:4] == ["replica1: OK", "replica2: OK"]

    # Back: nothing of the refused save was written, and the same process saves again.
    cluster.primary.start()
    cluster.wait_for_replicas()
    assert cluster.primary.value(
        "SELECT headline FROM articles_article WHERE id = %s", (story.pk,), database="newsroom"
    ) == story.headline
    assert cluster.primary.value(
        "SELECT count(*) FROM reversion_version", database="newsroom"
    ) == versions
    assert save_headline(editor, story, "Saved once the database was back").status == 302
    assert headline_on(editor.get(story.path)) == "Saved once the database was back"
    assert Visitor(site).get("/readyz").text.splitlines()[0] == "database: OK"


# A replica down ----------------------------------------------------------------------------


def test_with_a_replica_down_its_reads_go_to_another_then_to_the_primary(site, cluster, story):
    first, second = cluster.replicas
    reader = Visitor(site)
    first.stop()
    stopped_at = time.monotonic()
    for _ in range(6):
        assert headline_on(reader.get(story.path)) == story.headline
    readiness = Visitor(site).get("/readyz")
    assert readiness.status == 200
    assert readiness.text.splitlines()[0] == (
        "degraded: replica1 (their reads go to the other databases)"
    )

    second.stop()
    for path in [story.path, *PUBLIC_PAGES]:
        assert reader.get(path).status == 200, path

    # Said once, then again only each time it was knocked on (every DOWN_SECONDS): not for
    # each of the two dozen requests.
    log = site.log()
    knocks = 1 + (time.monotonic() - stopped_at) // DOWN_SECONDS
    assert 1 <= log.count("Database replica1 unreachable") <= knocks, log
    assert "Database replica2 unreachable" in log

    # Both back: after a few seconds they are read from again, by the same process. Shown by
    # their lag: with replay paused, the page no longer shows what only the primary has.
    first.start()
    second.start()
    cluster.wait_for_replicas()
    cluster.pause_replay()
    set_headline_on_primary(cluster, story.pk, "Only on the primary")
    assert headline_on(reader.get(story.path)) in {story.headline, "Only on the primary"}
    time.sleep(DOWN_SECONDS + 0.5)
    # Each request takes the replicas in a random order: read until both have been tried
    # (two dozen reads miss one of them once in 2**24 runs), each read a replica's.
    for _ in range(24):
        assert headline_on(reader.get(story.path)) == story.headline
        log = site.log()
        if "Database replica1 answers again" in log and "Database replica2 answers again" in log:
            break
    assert "Database replica1 answers again" in log
    assert "Database replica2 answers again" in log


# Caches and lag --------------------------------------------------------------------------


def rail_headlines(answer):
    assert answer.status == 200
    return [text_of(link) for link in answer.page.select(".rail__item .rail__headline a")]


@pytest.fixture(params=[5, 0], ids=["waiting for the replicas", "not waiting"])
def cached_site(request, cluster):
    """The site with fragment caching on (FRAGMENT_SECONDS' default), one process of four
    threads sharing its cache, and DATABASE_REPLICA_WAIT_SECONDS as the test says."""
    env = {
        **cluster.env,
        "DATABASE_REPLICA_URLS": ",".join(r.url("newsroom") for r in cluster.replicas),
        "FRAGMENT_SECONDS": "60",
        "DATABASE_REPLICA_WAIT_SECONDS": str(request.param),
    }
    log = cluster.folder_for_logs / f"gunicorn-cached-{request.param}.log"
    server = Server(env, log, options=["--threads", "4"])
    yield server, request.param
    server.stop()


def test_cached_fragments_are_dropped_only_once_the_replicas_have_the_change(
    cached_site, cluster
):
    server, wait_seconds = cached_site
    changed, other = front_page_stories(server, cluster)[:2]
    reader, editor = Visitor(server), Visitor(server).sign_in(EDITOR, PASSWORD)
    try:
        # The other story's rail (a cached fragment) lists the newest story.
        assert changed.headline in rail_headlines(reader.get(other.path))
        form = editor.get(changed.change)
        cluster.pause_replay()
        saved = []
        saving = threading.Thread(
            target=lambda: saved.append(save_headline(editor, changed, "Ferry timetable", form))
        )
        saving.start()
        time.sleep(1)
        # Meanwhile a reader's page, read from a lagging replica, has the old headline.
        assert changed.headline in rail_headlines(reader.get(other.path))
        cluster.resume_replay()
        saving.join(timeout=30)
        assert saved and saved[0].status == 302
        rail = rail_headlines(reader.get(other.path))
    finally:
        put_back(cluster, changed)
    if wait_seconds:
        # The save waited for the replicas before dropping the fragments naming the story.
        assert "Ferry timetable" in rail and changed.headline not in rail
    else:
        # Dropped at once, the fragment was rebuilt from the lagging replica under the new
        # version: the old headline stays for as long as the fragment lives (60 s here).
        assert changed.headline in rail and "Ferry timetable" not in rail
