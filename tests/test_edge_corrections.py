"""A correction reaches readers through the edge at once: the site behind a real varnishd with
the shipped VCL (tests/varnish.py), its purges sent to that Varnish (EDGE_PURGE_URLS). An
editor changes a headline in the admin; every page that shows the article serves the new one
through Varnish within a second of the save, and a page that does not show it stays cached.
"""

import time
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from tests.conftest import text_of
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    TopicFactory,
    add_authors,
    add_topics,
)
from tests.test_redirects import edit_in_admin
from tests.varnish import HOST, newsroom_origin, varnish

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

OLD, NEW = "Ferry timetable changes from Monday", "Ferry timetable changes from Tuesday"


@pytest.fixture
def edge(settings):
    settings.ALLOWED_HOSTS = [HOST, "testserver"]
    with newsroom_origin() as origin, varnish(origin.port) as server:
        settings.EDGE_PURGE_URLS = [f"http://127.0.0.1:{server.port}"]
        yield server


def test_a_new_headline_reaches_every_page_showing_it_within_a_second(edge, editor):
    section = SectionFactory(name="Travel", slug="travel")
    topic = TopicFactory(name="Ferries", slug="ferries")
    author = AuthorFactory(name="Rhona Tide", slug="rhona-tide")
    story = ArticleFactory(
        headline=OLD,
        slug="ferry-timetable",
        section=section,
        published_at=timezone.now() - timedelta(days=2),
    )
    add_topics(story, topic)
    add_authors(story, author)
    # Newer stories fill the "latest" rail, so the untouched one's page does not show `story`.
    newer = [ArticleFactory(headline=f"Newer story {n}") for n in range(6)]
    untouched = newer[-1].get_absolute_url()

    showing = [
        story.get_absolute_url(),
        "/",
        section.get_absolute_url(),
        topic.get_absolute_url(),
        author.get_absolute_url(),
        "/feeds/rss/",
        "/feeds/atom/",
        f"/feeds/topics/{topic.slug}/rss/",
        f"/feeds/authors/{author.slug}/rss/",
    ]
    for path in [*showing, untouched]:
        first, second = edge.get(path), edge.get(path)
        assert first.status == second.status == 200, path
        assert second.headers["X-Cache"] == "HIT", path
    assert all(OLD in edge.get(path).data.decode() for path in showing)

    edit_in_admin(editor, story, headline=NEW)
    saved = time.monotonic()

    stale = set(showing)
    while stale and time.monotonic() - saved < 1.0:
        stale = {path for path in stale if NEW not in edge.get(path).data.decode()}
    elapsed = time.monotonic() - saved
    assert not stale, f"still the old headline after {elapsed:.2f} s: {sorted(stale)}"
    for path in showing:
        page = edge.get(path).data.decode()
        assert NEW in page and OLD not in page, path
    assert edge.get(untouched).headers["X-Cache"] == "HIT"
    assert "Newer story 5" in text_of(BeautifulSoup(edge.get(untouched).data, "html.parser"))
