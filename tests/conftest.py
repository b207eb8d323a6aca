"""What every test module shares: the people who use the site, a clean site per test, the demo.

Personas (one meaning per name). Each is a `django.test.Client` of its own, with its own cookies,
so several people can act in one test; a signed-in persona's account is its `.user`:

- `reader`: an anonymous member of the public (pytest-django's `client`).
- `contributor`, `other_contributor`: staff in the Contributor group (articles' 0005_roles
  migration). They write and change their own drafts and send them to review; they may not
  publish (`articles.publish_article`) or change others' articles (`articles.edit_any_article`).
- `editor`, `other_editor`: staff in the Editor group: they publish, schedule and unpublish, and
  change anyone's article. `other_editor` is a second desk for two people on one article.
- `administrator`: staff in the Administrator group: an editor who also manages accounts, groups,
  site settings and the site's domain. Not a superuser.
- `onlooker`: staff in no group who may only look at articles in the admin.
- `superuser`: an account that holds every permission without being granted any, for the few
  tests about what only the role-free superuser sees.

Accounts a test needs beyond these (staff with no permission at all, one bare permission) are
made in that test module with `member()` and `signed_in()` and named for what they may do.
Every persona's password is `PASSWORD`, for tests that sign in through the login form or a
browser.

Markers (registered in pyproject.toml; `make test-fast` leaves the three out, `make test` runs
them all):

- `browser`: starts Chromium (tests/browser.py).
- `services`: needs a running service or an outside tool besides the database: Redis, Java
  with vnu.jar, varnishd (tests/varnish.py), pgbouncer, throwaway PostgreSQL servers
  (tests/pg_cluster.py).
- `postgres`: only means something on PostgreSQL. On another database such a test is skipped
  with its reason, which `-ra` lists: it is never counted as passed there. (What only the
  fallback does is skipped on PostgreSQL the same way, with `skipif`; see test_search.)
"""

import importlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import clear_url_caches

from articles import body
from library import images
from tests.site_server import manage, server_environment


@pytest.fixture(autouse=True, scope="session")
def plain_http():
    """Tests speak http to the test client and the live server, so production's redirect to
    https is off for the run (before any live server starts); test_security turns it back on."""
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(autouse=True, scope="session")
def reads_from_the_test_database():
    """With DATABASE_REPLICA_URLS set, each replica alias mirrors the test database (TEST
    MIRROR), but through a connection of its own, which cannot see what a test wrote in its
    transaction: so readers' reads are not routed to replicas in the ordinary run.
    tests/test_replicas.py runs real replicas in processes of their own."""
    with override_settings(NEWSROOM_REPLICAS=[]):
        yield


@pytest.fixture(autouse=True, scope="session")
def quick_password_hashing():
    """Every persona has a password and the sign-in tests try dozens: a deliberately slow hash
    would spend most of the run on them, and no test is about the hash itself."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True, scope="session")
def quick_image_encoding():
    """Renditions are encoded with the encoder's least effort: the demo's pictures are made
    again by every test that loads it, and no test is about how small WebP gets a file (the
    formats, sizes and names of renditions are what tests check)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(images.WEBP_OPTIONS, "method", 0)
        yield


@pytest.fixture(autouse=True)
def isolated_site(settings, tmp_path):
    """Each test gets its own media folder, an empty cache and plain static file names."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
    body._content_blocks.cache_clear()
    yield
    cache.clear()


DEMO = Path(__file__).resolve().parent.parent / "demo"

# The importers' conformance tests read real-world files kept outside the repository; where
# that folder is absent the module is not collected (rather than reported as skipped).
SHARED_FIXTURES = Path(
    os.environ.get("NEWSROOM_FIXTURES", Path(__file__).resolve().parents[2] / "shared" / "fixtures")
)
collect_ignore = [] if SHARED_FIXTURES.is_dir() else ["test_import_conformance.py"]


@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory):
    """The demo JSONL beside freshly drawn pictures, outside the project tree (drawn once)."""
    folder = tmp_path_factory.mktemp("demo")
    shutil.copy(DEMO / "articles.jsonl", folder / "articles.jsonl")
    subprocess.run(
        [
            sys.executable,
            str(DEMO / "draw_images.py"),
            str(folder / "images"),
            "--articles",
            str(folder / "articles.jsonl"),
        ],
        check=True,
        capture_output=True,
    )
    return folder


def load_demo(folder):
    """Import the demo articles and dress the site as `make run` does; returns the report."""
    out = io.StringIO()
    call_command("import_articles", str(folder / "articles.jsonl"), stdout=out)
    call_command("demo_site", stdout=io.StringIO())
    return out.getvalue()


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` are skipped, with the reason, on any other database."""
    skip = pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: run with DATABASE_URL=postgres://...",
    )
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


# Personas -----------------------------------------------------------------------------------

PASSWORD = "a-long-password-1"


def member(django_user_model, role, username, **fields):
    """A new staff account in the named role's group ("Contributor", "Editor",
    "Administrator"), or in no group when `role` is None."""
    user = django_user_model.objects.create_user(
        username, f"{username}@example.com", PASSWORD, is_staff=True, **fields
    )
    if role:
        user.groups.add(role_group(role))
    return user


def role_group(name):
    """The role's group. The data migrations made the groups, but a live-server test's database
    is emptied between tests, so they are made again (idempotently) with the migrations' code."""
    group = Group.objects.filter(name=name).first()
    if group is None:
        editor = SimpleNamespace(connection=connection)
        importlib.import_module("articles.migrations.0005_roles").create_roles(apps, editor)
        importlib.import_module("submissions.migrations.0002_desk_roles").grant(apps, editor)
        importlib.import_module("importers.migrations.0001_feed_subscriptions").grant(apps, editor)
        importlib.import_module("importers.migrations.0002_import_jobs").grant(apps, editor)
        group = Group.objects.get(name=name)
    return group


def signed_in(user):
    """A client of its own, signed in as `user`, who is its `.user`."""
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def reader(client):
    """An anonymous member of the public."""
    return client


@pytest.fixture
def contributor(django_user_model):
    return signed_in(member(django_user_model, "Contributor", "cora"))


@pytest.fixture
def other_contributor(django_user_model):
    return signed_in(member(django_user_model, "Contributor", "colin"))


@pytest.fixture
def editor(django_user_model):
    return signed_in(member(django_user_model, "Editor", "eddie"))


@pytest.fixture
def other_editor(django_user_model):
    return signed_in(member(django_user_model, "Editor", "erin"))


@pytest.fixture
def administrator(django_user_model):
    return signed_in(member(django_user_model, "Administrator", "ada"))


@pytest.fixture
def onlooker(django_user_model):
    """Staff in no group who may look at articles in the admin but change nothing."""
    user = member(django_user_model, None, "on")
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    return signed_in(user)


@pytest.fixture
def superuser(django_user_model):
    return signed_in(
        django_user_model.objects.create_superuser("chief", "chief@example.com", PASSWORD)
    )


@pytest.fixture
def urls_with():
    """Rebuild the site's URLconf with settings it reads at import (ADMIN_URL, SERVE_MEDIA):
    `urls_with(SERVE_MEDIA=True)`. The settings and the URLconf are put back afterwards, in
    that order."""
    overrides = []

    def reload():
        importlib.reload(importlib.import_module(django_settings.ROOT_URLCONF))
        clear_url_caches()

    def configure(**settings):
        overrides.append(override_settings(**settings))
        overrides[-1].enable()
        reload()

    yield configure
    for override in reversed(overrides):
        override.disable()
    reload()


def content_of(response):
    """The response's body; a streamed one (the articles' sitemap) read to its end, once."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def parse(response):
    """The response's HTML as a BeautifulSoup tree."""
    return BeautifulSoup(content_of(response), "html.parser")


def text_of(node):
    """A node's visible text with whitespace collapsed."""
    return " ".join(node.get_text(" ").split())


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Static files collected as a deployment has them: with DEBUG off pages name them by
    their manifest."""
    root = tmp_path_factory.mktemp("static")
    manage("collectstatic", "--noinput", "-v0", env=server_environment(STATIC_ROOT=root))
    return root
