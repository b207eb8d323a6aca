"""The database router's decisions: which database a request's reads go to (newsroom.db_routing),
and the settings that configure replicas, pooling and PgBouncer.

These run on any database: the decisions are taken from the request, the signed cookie and the
settings. Which database then answers, and what happens when one is down or lags, is shown on
real PostgreSQL servers in tests/test_replicas.py.
"""

import json
import os
import subprocess
import sys
import time

import pytest
from django.core import signing
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from articles.models import Article
from jobs.tasks import job
from newsroom import db_routing
from newsroom.db_routing import (
    COOKIE,
    DatabaseRouteMiddleware,
    PrimaryReplicaRouter,
    Route,
    current_route,
    route_for,
)
from tests.admin_forms import form_fields
from tests.conftest import parse
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, add_authors
from tests.test_revisions import change_url

REPLICAS = ["replica1", "replica2"]
SECONDS = 10


@pytest.fixture
def replicas_configured(settings):
    """Two replicas named, as DATABASE_REPLICA_URLS would make them."""
    settings.NEWSROOM_REPLICAS = REPLICAS
    settings.NEWSROOM_READ_YOUR_WRITES_SECONDS = SECONDS


def request(method="GET", path="/", cookie=None):
    factory = RequestFactory()
    made = factory.generic(method, path)
    if cookie is not None:
        made.COOKIES[COOKIE] = cookie
    return made


def fresh_cookie(age=0):
    """The cookie a signed-in editor's write leaves, made `age` seconds ago."""
    signer = signing.get_cookie_signer(salt=COOKIE + db_routing._SALT)
    real_time = time.time
    try:
        signing.time.time = lambda: real_time() - age
        return signer.sign("1")
    finally:
        signing.time.time = real_time


# Which route a request takes ------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("path", ["/", "/news/a-story/", "/feeds/rss/", "/no/such/page/"])
def test_a_readers_read_goes_to_a_replica(replicas_configured, method, path):
    assert route_for(request(method, path)).kind == Route.REPLICA


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_request_that_may_write_uses_the_primary_only(replicas_configured, method):
    assert route_for(request(method, "/submit/")).kind == Route.PRIMARY_ONLY


def test_the_admin_uses_the_primary_only_even_to_read(replicas_configured):
    for path in [reverse("admin:index"), reverse("admin:articles_article_changelist")]:
        assert route_for(request("GET", path)).kind == Route.PRIMARY_ONLY


def test_after_writing_an_editor_reads_from_the_primary_for_a_while(replicas_configured):
    assert route_for(request(cookie=fresh_cookie())).kind == Route.FRESH
    assert route_for(request(cookie=fresh_cookie(age=SECONDS - 2))).kind == Route.FRESH
    assert route_for(request(cookie=fresh_cookie(age=SECONDS + 1))).kind == Route.REPLICA


def test_a_forged_cookie_does_not_pin_a_reader_to_the_primary(replicas_configured):
    for forged in ["1", fresh_cookie().replace(":", ";"), signing.Signer().sign("1")]:
        assert route_for(request(cookie=forged)).kind == Route.REPLICA


def test_replicas_are_tried_first_for_readers_and_last_after_a_write(replicas_configured):
    assert sorted(Route(Route.REPLICA).candidates()[:2]) == REPLICAS
    assert Route(Route.REPLICA).candidates()[2:] == ["default"]
    assert Route(Route.FRESH).candidates()[0] == "default"
    assert sorted(Route(Route.FRESH).candidates()[1:]) == REPLICAS
    # Spread over the replicas: both come first, over a few dozen requests.
    firsts = {Route(Route.REPLICA).candidates()[0] for _ in range(60)}
    assert firsts == set(REPLICAS)


def test_outside_a_request_reads_use_the_primary(replicas_configured):
    assert current_route() is None
    assert PrimaryReplicaRouter().db_for_read(Article) is None  # Django's default: the primary


# The router's other answers -------------------------------------------------------------


def test_writes_go_to_the_primary_even_for_a_row_read_from_a_replica(replicas_configured):
    article = Article(headline="Read from a copy")
    article._state.db = "replica1"
    assert PrimaryReplicaRouter().db_for_write(Article, instance=article) == "default"


def test_rows_from_the_primary_and_a_replica_may_be_related(replicas_configured):
    one, other = Article(), Article()
    one._state.db, other._state.db = "default", "replica2"
    assert PrimaryReplicaRouter().allow_relation(one, other) is True


def test_migrations_run_on_the_primary_only(replicas_configured):
    router = PrimaryReplicaRouter()
    assert router.allow_migrate("replica1", "articles") is False
    assert router.allow_migrate("default", "articles") is None


# Through the middleware, in real requests ---------------------------------------------------


@pytest.fixture
def routes_seen(replicas_configured):
    """The route kind in force for each query the test's requests make.

    The test's own transaction keeps every read on the primary (a replica could not see it),
    so what is observed is the route the request was given, not the database that answered."""
    seen = []

    def note(execute, sql, params, many, context):
        route = current_route()
        seen.append(route.kind if route else None)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        yield seen


def published_article():
    article = ArticleFactory(headline="Harbour reopens", section=SectionFactory(name="News"))
    add_authors(article, AuthorFactory(name="Jo March"))
    return article


@pytest.mark.django_db
def test_a_readers_page_is_read_on_the_replica_route(reader, routes_seen):
    article = published_article()
    routes_seen.clear()
    assert reader.get(article.get_absolute_url()).status_code == 200
    assert routes_seen and set(routes_seen) == {Route.REPLICA}


@pytest.mark.django_db
def test_an_editors_save_leaves_a_cookie_that_sends_their_next_reads_to_the_primary(
    editor, routes_seen
):
    article = published_article()
    data = form_fields(editor.get(change_url(article)), "article_form")
    data.update(headline="Harbour reopens to ferries", change_kind="minor")
    response = editor.post(change_url(article), data)
    assert response.status_code == 302, parse(response).select(".errorlist, .errornote")
    cookie = response.cookies[COOKIE]
    assert cookie["max-age"] == SECONDS
    assert cookie["httponly"] and cookie["samesite"] == "Lax"

    routes_seen.clear()
    page = editor.get(article.get_absolute_url())
    assert "Harbour reopens to ferries" in page.content.decode()
    assert routes_seen and set(routes_seen) == {Route.FRESH}


@pytest.mark.django_db
def test_the_admin_and_previews_are_read_on_the_primary_route(editor, routes_seen):
    article = published_article()
    routes_seen.clear()
    assert editor.get(change_url(article)).status_code == 200
    preview = reverse("admin:articles_article_preview", args=[article.pk])
    assert editor.get(preview).status_code == 200
    assert routes_seen and set(routes_seen) == {Route.PRIMARY_ONLY}
    # Reading the admin writes nothing, so it leaves no cookie.
    assert COOKIE not in editor.cookies


@pytest.mark.django_db
def test_a_readers_post_leaves_no_cookie(reader, replicas_configured):
    response = reader.post("/submit/", {})
    assert response.status_code < 500
    assert COOKIE not in response.cookies


def test_without_replicas_no_route_is_given(settings):
    settings.NEWSROOM_REPLICAS = []
    kinds = []
    middleware = DatabaseRouteMiddleware(lambda request: kinds.append(current_route()) or None)
    middleware(request("GET"))
    assert kinds == [None]


noted_by_task = []


@job(name="tests.note_route")
def note_route():
    noted_by_task.append(current_route())


def test_a_task_run_in_a_readers_request_reads_from_the_primary(replicas_configured):
    def view(request):
        note_route.apply()  # as jobs.outbox runs a task in-process, without a broker
        noted_by_task.append(current_route())
        return None

    noted_by_task.clear()
    DatabaseRouteMiddleware(view)(request("GET"))
    in_task, after_task = noted_by_task
    assert in_task is None
    assert after_task.kind == Route.REPLICA


# Settings ----------------------------------------------------------------------------------


def settings_in_a_process(**env):
    """What the settings make of `env`, in a fresh process (its CompletedProcess)."""
    program = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps({'databases': settings.DATABASES, "
        "'replicas': settings.NEWSROOM_REPLICAS}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")},
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "ENV_FILE": "",
            "SECRET_KEY": "settings-test-only",
            **env,
        },
        capture_output=True,
        text=True,
    )
    return result


PRIMARY_URL = "postgres://newsroom:secret-word@db-primary.internal:5432/newsroom"
REPLICA_URLS = (
    "postgres://newsroom:secret-word@db-replica-a.internal:5432/newsroom,"
    "postgres://newsroom:secret-word@db-replica-b.internal:5432/newsroom?connect_timeout=2"
)


def test_each_replica_url_becomes_a_database_that_mirrors_the_primary_in_tests():
    result = settings_in_a_process(DATABASE_URL=PRIMARY_URL, DATABASE_REPLICA_URLS=REPLICA_URLS)
    assert result.returncode == 0, result.stderr
    told = json.loads(result.stdout)
    databases = told["databases"]
    assert told["replicas"] == ["replica1", "replica2"]
    assert sorted(databases) == ["default", "replica1", "replica2"]
    assert databases["replica1"]["HOST"] == "db-replica-a.internal"
    assert databases["replica2"]["HOST"] == "db-replica-b.internal"
    for alias in ("replica1", "replica2"):
        assert databases[alias]["TEST"]["MIRROR"] == "default"
        assert databases[alias]["CONN_HEALTH_CHECKS"] is True
    # A connection attempt gives up after 5 seconds unless the URL says otherwise.
    assert databases["default"]["OPTIONS"]["connect_timeout"] == 5
    assert databases["replica2"]["OPTIONS"]["connect_timeout"] == 2


def test_the_pool_takes_its_sizes_from_the_environment():
    result = settings_in_a_process(
        DATABASE_URL=PRIMARY_URL,
        DATABASE_REPLICA_URLS=REPLICA_URLS,
        DATABASE_POOL="1",
        DATABASE_POOL_MIN_SIZE="2",
        DATABASE_POOL_MAX_SIZE="6",
    )
    assert result.returncode == 0, result.stderr
    databases = json.loads(result.stdout)["databases"]
    for alias in ("default", "replica1", "replica2"):
        assert databases[alias]["OPTIONS"]["pool"] == {
            "min_size": 2,
            "max_size": 6,
            "timeout": 5,
            "reconnect_timeout": 5,
        }
        # Django's pool lends a connection per request: none is kept by the request itself.
        assert databases[alias]["CONN_MAX_AGE"] == 0


def test_through_pgbouncer_server_side_cursors_are_off():
    result = settings_in_a_process(DATABASE_URL=PRIMARY_URL, DATABASE_PGBOUNCER="1")
    assert result.returncode == 0, result.stderr
    default = json.loads(result.stdout)["databases"]["default"]
    assert default["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert "pool" not in default["OPTIONS"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DATABASE_URL": "sqlite:///var/x.sqlite3", "DATABASE_REPLICA_URLS": REPLICA_URLS},
            "DATABASE_REPLICA_URLS are PostgreSQL streaming replicas of a PostgreSQL DATABASE_URL",
        ),
        (
            {"DATABASE_URL": PRIMARY_URL, "DATABASE_POOL": "1", "DATABASE_PGBOUNCER": "1"},
            "DATABASE_POOL and DATABASE_PGBOUNCER are both on",
        ),
        (
            {"DATABASE_URL": PRIMARY_URL, "DATABASE_POOL": "1", "DATABASE_POOL_MAX_SIZE": "0"},
            "DATABASE_POOL_MIN_SIZE must be 1 or more and at most DATABASE_POOL_MAX_SIZE",
        ),
        (
            {"DATABASE_URL": PRIMARY_URL, "DATABASE_REPLICA_URLS": "nosuchscheme://x/y"},
            "DATABASE_REPLICA_URLS",
        ),
    ],
)
def test_a_database_setting_that_cannot_work_stops_start_up_with_a_message(env, message):
    result = settings_in_a_process(**env)
    assert result.returncode != 0
    assert message in result.stderr
    assert "secret-word" not in result.stderr
