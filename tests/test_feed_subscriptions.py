"""Feed subscriptions: partners' feeds polled on a schedule, conditionally, with backoff after
failures and a status the desk can read; the importer's safeguards hold.

Every poll here talks to a real HTTP server on 127.0.0.1 started by the test, which serves a
feed with an ETag and a Last-Modified date, answers 304 to a matching conditional request and
records the headers it was sent. Loopback is a private address, which importers refuse: tests
that poll it turn IMPORT_FETCH_ALLOW_PRIVATE on, and the test of the refusal leaves it off.
"""

import importlib
import os
import re
import subprocess
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from articles.models import Article
from importers.subscriptions.models import FeedSubscription
from importers.subscriptions.polling import LEASE, backoff, claim, poll
from importers.subscriptions.tasks import poll_due_feeds, poll_feed
from jobs.models import FailedTask, OutboxMessage
from newsroom.celery import app as celery_app
from tests.admin_forms import form_fields
from tests.conftest import SHARED_FIXTURES, parse, text_of
from tests.factories import SectionFactory
from tests.servers import wait_for
from tests.task_queue import CELERY, ROOT, spare_redis_url, stop
from tests.test_task_workers import worker_database_url

pytestmark = pytest.mark.django_db

ETAG = '"wire-v1"'
LAST_MODIFIED = "Tue, 14 Mar 2023 09:30:00 GMT"
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Partner Wire</title><link>https://wire.example/</link>
<description>Wire</description>
<item><title>{headline}</title><link>https://wire.example/harbour</link><guid>wire-1</guid>
<pubDate>Tue, 14 Mar 2023 09:30:00 GMT</pubDate><description>The harbour is open.</description></item>
<item><title>Second story</title><link>https://wire.example/second</link><guid>wire-2</guid>
<pubDate>Tue, 14 Mar 2023 10:30:00 GMT</pubDate><description>Short.</description></item>
{more}</channel></rss>"""
THIRD_ITEM = """<item><title>Third story</title><guid>wire-3</guid>
<pubDate>Tue, 14 Mar 2023 11:30:00 GMT</pubDate><description>Later.</description></item>"""
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol4;</title><link>https://wire.example/</link>
<item><title>&lol4;</title><guid>laugh</guid><description>&lol4;</description></item>
</channel></rss>"""
MAKEFILE = ROOT / "Makefile"
# A Redis database of this module's own: the scheduler's worker takes the default queue.
OWN_REDIS = spare_redis_url().removesuffix("/13") + "/14"
needs_fixtures = pytest.mark.skipif(
    not SHARED_FIXTURES.is_dir(), reason=f"the shared fixtures are not at {SHARED_FIXTURES}"
)


# The partner's server -------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        partner = self.server.partner
        partner.requests.append(dict(self.headers))
        if partner.status != 200:
            self.answer(partner.status, b"Something broke", "text/plain")
            return
        if_none_match = self.headers.get("If-None-Match")
        if_modified_since = self.headers.get("If-Modified-Since")
        unchanged = (
            if_none_match == partner.etag
            if if_none_match is not None
            else if_modified_since is not None and if_modified_since == partner.last_modified
        )
        if unchanged:
            self.answer(304, b"", "", ETag=partner.etag)
            return
        self.answer(
            200, partner.body, partner.content_type, ETag=partner.etag,
            Last_Modified=partner.last_modified,
        )

    def answer(self, status, body, content_type, **headers):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            if value:
                self.send_header(name.replace("_", "-"), value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if status != 304:
            self.wfile.write(body)


class Partner:
    """The partner's feed as its server serves it; change the attributes to change the feed."""

    def __init__(self, server):
        self.server = server
        self.requests = []  # the headers of each request, in order
        self.status = 200
        self.content_type = "application/rss+xml; charset=utf-8"
        self.etag = ETAG
        self.last_modified = LAST_MODIFIED
        self.serve(RSS.format(headline="Harbour reopens", more="").encode())

    def serve(self, body, *, etag=None, last_modified=None):
        self.body = body
        self.etag = etag or self.etag
        self.last_modified = last_modified or self.last_modified

    @property
    def url(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/feed.xml"


@pytest.fixture
def partner():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.partner = Partner(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.partner
    server.shutdown()
    server.server_close()


@pytest.fixture
def loopback_allowed(settings):
    settings.IMPORT_FETCH_ALLOW_PRIVATE = True


def subscribe(partner, **fields):
    return FeedSubscription.objects.create(name="Partner Wire", url=partner.url, **fields)


def wire_articles():
    return Article.objects.filter(source_system="feed:wire.example")


def about(moment, expected, slack=timedelta(seconds=30)):
    return abs(moment - expected) < slack


# Polling ----------------------------------------------------------------------------------


def test_a_poll_imports_the_feed_and_keeps_its_validators(partner, loopback_allowed):
    subscription = subscribe(partner, poll_interval=30)

    assert poll(subscription.pk) == "imported"

    assert sorted(wire_articles().values_list("headline", flat=True)) == [
        "Harbour reopens", "Second story",
    ]
    assert "If-None-Match" not in partner.requests[0]
    assert "If-Modified-Since" not in partner.requests[0]
    subscription.refresh_from_db()
    now = timezone.now()
    assert about(subscription.last_success_at, now)
    assert about(subscription.next_poll_at, now + timedelta(minutes=30))
    assert subscription.items_taken_last == subscription.items_taken_total == 2
    assert subscription.consecutive_failures == 0
    assert subscription.last_error == ""
    assert (subscription.etag, subscription.last_modified) == (ETAG, LAST_MODIFIED)
    assert "entry: 2 created" in subscription.last_report
    assert subscription.polling_until is None


def test_an_unchanged_feed_answers_304_and_nothing_is_imported_again(partner, loopback_allowed):
    subscription = subscribe(partner)
    poll(subscription.pk)
    modified = dict(wire_articles().values_list("pk", "modified"))

    assert poll(subscription.pk) == "not modified"

    assert partner.requests[1]["If-None-Match"] == ETAG
    assert partner.requests[1]["If-Modified-Since"] == LAST_MODIFIED
    assert dict(wire_articles().values_list("pk", "modified")) == modified
    subscription.refresh_from_db()
    assert subscription.items_taken_last == 0
    assert subscription.items_taken_total == 2
    assert "304 Not Modified" in subscription.last_report
    assert subscription.etag == ETAG


def test_a_changed_feed_updates_its_articles_and_adds_new_ones(partner, loopback_allowed):
    subscription = subscribe(partner)
    poll(subscription.pk)
    partner.serve(
        RSS.format(headline="Harbour reopens at last", more=THIRD_ITEM).encode(),
        etag='"wire-v2"',
        last_modified="Wed, 15 Mar 2023 08:00:00 GMT",
    )

    assert poll(subscription.pk) == "imported"

    assert partner.requests[1]["If-None-Match"] == ETAG  # what it held: the server said no
    assert wire_articles().count() == 3
    assert wire_articles().get(source_id="wire-1").headline == "Harbour reopens at last"
    subscription.refresh_from_db()
    assert subscription.items_taken_last == 2  # one updated, one created; one unchanged
    assert subscription.items_taken_total == 4
    assert subscription.etag == '"wire-v2"'
    assert subscription.last_modified == "Wed, 15 Mar 2023 08:00:00 GMT"


def test_a_server_without_etag_is_asked_with_if_modified_since(partner, loopback_allowed):
    partner.etag = ""
    subscription = subscribe(partner)
    poll(subscription.pk)

    assert poll(subscription.pk) == "not modified"

    assert "If-None-Match" not in partner.requests[1]
    assert partner.requests[1]["If-Modified-Since"] == LAST_MODIFIED
    assert wire_articles().count() == 2


def test_the_articles_get_the_subscriptions_section_and_source_name(partner, loopback_allowed):
    sport = SectionFactory(name="Sport")
    subscription = subscribe(partner, section=sport, source_name="wire-sport")

    poll(subscription.pk)

    articles = Article.objects.filter(source_system="wire-sport")
    assert articles.count() == 2
    assert {article.section for article in articles} == {sport}


@needs_fixtures
def test_the_command_and_a_subscription_import_one_feed_into_the_same_articles(
    partner, loopback_allowed, tmp_path
):
    """One engine: a publisher's real feed, imported by hand and then polled, is one article."""
    feed = (SHARED_FIXTURES / "feeds" / "nodefp-category-feed.xml").read_bytes()
    partner.serve(feed)
    (tmp_path / "feed.xml").write_bytes(feed)
    call_command("import_feed", str(tmp_path / "feed.xml"), stdout=None)
    before = list(Article.objects.values_list("pk", "source_system", "modified"))
    assert len(before) == 1
    subscription = subscribe(partner)

    poll(subscription.pk)

    assert list(Article.objects.values_list("pk", "source_system", "modified")) == before
    subscription.refresh_from_db()
    assert subscription.items_taken_last == 0
    assert "entry: 0 created, 0 updated, 1 unchanged" in subscription.last_report


# Failures and backoff -------------------------------------------------------------------------


def test_a_failure_is_recorded_and_pushes_the_next_poll_back_more_each_time(
    partner, loopback_allowed
):
    subscription = subscribe(partner, poll_interval=10)
    partner.status = 500

    assert poll(subscription.pk) == "failed"

    subscription.refresh_from_db()
    now = timezone.now()
    assert subscription.last_error == (
        f"{partner.url} could not be fetched: the server answered 500 Internal Server Error. "
        "Nothing was imported."
    )
    assert about(subscription.last_error_at, now)
    assert subscription.last_success_at is None
    assert subscription.consecutive_failures == 1
    assert about(subscription.next_poll_at, now + timedelta(minutes=20))

    poll(subscription.pk)
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 2
    assert about(subscription.next_poll_at, timezone.now() + timedelta(minutes=40))

    partner.status = 200
    assert poll(subscription.pk) == "imported"
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0
    assert about(subscription.next_poll_at, timezone.now() + timedelta(minutes=10))
    assert subscription.last_success_at > subscription.last_error_at
    assert "500 Internal Server Error" in subscription.last_error  # kept, with its time


def test_backoff_doubles_up_to_six_hours_or_the_interval_when_longer():
    hour = timedelta(hours=1)
    assert [backoff(hour, failures) for failures in (1, 2, 3, 4, 50)] == [
        2 * hour, 4 * hour, 6 * hour, 6 * hour, 6 * hour,
    ]
    assert backoff(timedelta(days=1), 3) == timedelta(days=1)


def test_a_server_that_is_not_there_is_a_failure_in_plain_words(loopback_allowed):
    with ThreadingHTTPServer(("127.0.0.1", 0), Handler) as closed:
        port = closed.server_address[1]  # bound, then closed: nothing listens there
    subscription = FeedSubscription.objects.create(
        name="Gone", url=f"http://127.0.0.1:{port}/feed.xml"
    )

    poll(subscription.pk)

    subscription.refresh_from_db()
    assert "the server refused the connection" in subscription.last_error
    assert subscription.consecutive_failures == 1


def test_the_poll_task_does_not_raise_or_retry_on_an_expected_failure(partner, loopback_allowed):
    """The subscription's backoff is the retry: Celery's would poll a failing server again
    at once, and record a task failure for what is the partner's problem."""
    subscription = subscribe(partner)
    partner.status = 503

    poll_feed.delay(subscription.pk)

    assert len(partner.requests) == 1
    assert not FailedTask.objects.exists()
    subscription.refresh_from_db()
    assert "503 Service Unavailable" in subscription.last_error


def test_hostile_xml_is_refused_and_recorded(partner, loopback_allowed):
    partner.serve(BILLION_LAUGHS)
    subscription = subscribe(partner)

    assert poll(subscription.pk) == "failed"

    assert not Article.objects.exists()
    subscription.refresh_from_db()
    assert subscription.last_error == (
        f"{partner.url}: The file declares XML entities (<!ENTITY lol …>), refused for safety. "
        "Nothing was imported."
    )
    assert subscription.consecutive_failures == 1
    assert subscription.etag == ""  # a refused answer's validators are not kept


@needs_fixtures
def test_a_feed_that_is_not_well_formed_is_refused_whole(partner, loopback_allowed):
    partner.serve((SHARED_FIXTURES / "feeds" / "nodefp-saxerror.xml").read_bytes())
    subscription = subscribe(partner)

    poll(subscription.pk)

    assert not Article.objects.exists()
    subscription.refresh_from_db()
    assert "The file is not well-formed XML" in subscription.last_error


def test_a_private_address_is_refused_and_never_contacted(partner, settings):
    settings.IMPORT_FETCH_ALLOW_PRIVATE = False
    subscription = subscribe(partner)  # as if made before the operator turned private off

    assert poll(subscription.pk) == "failed"

    assert partner.requests == []
    subscription.refresh_from_db()
    assert "127.0.0.1 is at 127.0.0.1, a private or internal address" in subscription.last_error
    assert subscription.consecutive_failures == 1


# One poll at a time, and the schedule ------------------------------------------------------


def test_a_subscription_being_polled_is_not_polled_again_until_its_lease_ends(
    partner, loopback_allowed
):
    subscription = subscribe(partner)
    assert claim(subscription.pk) is not None

    assert claim(subscription.pk) is None
    assert poll(subscription.pk) == "busy"
    assert partner.requests == []

    # Its worker died: once the lease is over, the next poll takes it.
    FeedSubscription.objects.filter(pk=subscription.pk).update(
        polling_until=timezone.now() - timedelta(seconds=1)
    )
    assert poll(subscription.pk) == "imported"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_one_subscription_claim_it_once(partner):
    subscription = subscribe(partner)
    start, won = threading.Barrier(8), []

    def race():
        try:
            start.wait()
            won.append(claim(subscription.pk) is not None)
        finally:
            connection.close()

    threads = [threading.Thread(target=race) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(won) == [False] * 7 + [True]


def test_the_minute_tick_polls_the_due_feeds_only(
    partner, loopback_allowed, django_capture_on_commit_callbacks
):
    now = timezone.now()
    due = subscribe(partner)
    later = FeedSubscription.objects.create(
        name="Later", url=partner.url + "?later", next_poll_at=now + timedelta(minutes=5)
    )
    paused = FeedSubscription.objects.create(
        name="Paused", url=partner.url + "?paused", active=False
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert poll_due_feeds() == 1

    assert [m.args for m in OutboxMessage.objects.filter(task_name="importers.poll_feed")] == [
        [due.pk]
    ]
    assert len(partner.requests) == 1
    due.refresh_from_db()
    assert due.items_taken_last == 2
    assert about(due.next_poll_at, timezone.now() + timedelta(minutes=60))
    for untouched in (later, paused):
        untouched.refresh_from_db()
        assert untouched.last_polled_at is None


def test_a_feed_queued_but_not_yet_polled_is_not_queued_again_by_the_next_tick(partner):
    subscription = subscribe(partner)

    poll_due_feeds()  # queued: with no commit in this test, the poll has not run
    assert poll_due_feeds() == 0

    subscription.refresh_from_db()
    assert about(subscription.next_poll_at, timezone.now() + LEASE)


def test_the_scheduler_runs_the_tick_every_minute_as_set_in_the_admin(administrator):
    task = PeriodicTask.objects.get(name="Poll due feed subscriptions")
    assert task.enabled and task.task == "importers.poll_due_feeds"

    def tick():
        entries = DatabaseScheduler(app=celery_app, lazy=True).all_as_schedule()
        return entries["Poll due feed subscriptions"].schedule.run_every

    assert tick() == timedelta(minutes=1)

    every_five = IntervalSchedule.objects.create(every=5, period=IntervalSchedule.MINUTES)
    page = reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])
    form_page = administrator.get(page)
    # Nothing inline the site's Content-Security-Policy would block.
    assert not [s for s in parse(form_page).select("script:not([src])") if s.get("type") != "application/json"]
    data = form_fields(form_page, "periodictask_form")
    data["interval"] = str(every_five.pk)
    response = administrator.post(page, data)
    assert response.status_code == 302, errors(response)

    assert tick() == timedelta(minutes=5)


@pytest.mark.services
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_make_workers_scheduler_polls_a_due_feed_from_the_database_timetable(partner):
    """`make worker`'s command, as it stands in the Makefile, on a real Redis: the scheduler
    reads the tick from the database (set here to every second, as an operator would in the
    admin), the tick queues the poll, the worker polls the partner's server."""
    importlib.import_module("importers.migrations.0001_feed_subscriptions").schedule(
        apps, SimpleNamespace(connection=connection)
    )  # the migration's row: a transactional test's database is emptied between tests
    every_second, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.SECONDS
    )
    PeriodicTask.objects.filter(name="Poll due feed subscriptions").update(interval=every_second)
    subscription = subscribe(partner)
    command = re.search(r"\$\(BIN\)/(celery -A newsroom worker .*)", MAKEFILE.read_text())
    worker = subprocess.Popen(
        [str(CELERY), *command[1].split()[1:], "-c", "1", "--without-gossip",
         "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env={
            **os.environ,
            "CELERY_BROKER_URL": OWN_REDIS,
            "DATABASE_URL": worker_database_url(),
            "IMPORT_FETCH_ALLOW_PRIVATE": "1",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "test-only-insecure-key",
            "ENV_FILE": "",
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        polled = wait_for(
            lambda: FeedSubscription.objects.filter(
                pk=subscription.pk, last_success_at__isnull=False
            ).exists(),
            timeout=60,
        )
    finally:
        log = stop(worker)
    assert polled, log
    assert "DatabaseScheduler" in log
    assert wire_articles().count() == 2
    assert OutboxMessage.objects.filter(task_name="importers.poll_feed").count() == 1


# The admin ---------------------------------------------------------------------------------


def errors(response):
    return [text_of(node) for node in parse(response).select(".errorlist, .errornote")]


ADD = reverse("admin:importers_feedsubscription_add")
CHANGELIST = reverse("admin:importers_feedsubscription_changelist")


def test_an_editor_adds_a_subscription_in_the_admin(editor, partner, loopback_allowed):
    sport = SectionFactory(name="Sport")
    data = form_fields(editor.get(ADD), "feedsubscription_form")
    assert data["poll_interval"] == "60" and data["active"] == "on"
    data.update(name="Partner Wire", url=partner.url, section=str(sport.pk))

    response = editor.post(ADD, data)

    assert response.status_code == 302, errors(response)
    subscription = FeedSubscription.objects.get()
    assert (subscription.url, subscription.section, subscription.active) == (
        partner.url, sport, True,
    )
    assert subscription.next_poll_at <= timezone.now()  # due at the next tick


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not an address", "Enter a valid URL."),
        ("ftp://wire.example/feed.xml", "only http and https addresses can be fetched"),
        ("http://user:secret@wire.example/feed.xml", "it carries a user name or password"),
        ("http://127.0.0.1:8000/feed.xml", "a private or internal address"),
        ("http://10.1.2.3/feed.xml", "a private or internal address"),
    ],
)
def test_a_bad_feed_address_is_refused_with_a_clear_message(editor, url, message):
    data = form_fields(editor.get(ADD), "feedsubscription_form")
    data.update(name="Partner Wire", url=url)

    response = editor.post(ADD, data)

    assert response.status_code == 200
    assert any(message in error for error in errors(response)), errors(response)
    assert not FeedSubscription.objects.exists()


def test_the_list_shows_each_feeds_status(editor, partner, loopback_allowed):
    working = subscribe(partner)
    poll(working.pk)
    failing = FeedSubscription.objects.create(name="Broken Wire", url=partner.url + "?broken")
    partner.status = 500
    poll(failing.pk)
    FeedSubscription.objects.create(name="New Wire", url=partner.url + "?new")

    rows = {
        text_of(row.select_one("th")): text_of(row)
        for row in parse(editor.get(CHANGELIST)).select("#result_list tbody tr")
    }

    assert "Working" in rows["Partner Wire"]
    assert " 2 2 " in rows["Partner Wire"]  # items taken: last poll, in all
    assert "Failing (1 in a row)" in rows["Broken Wire"]
    assert "the server answered 500 Internal Server Error" in rows["Broken Wire"]
    assert "Not polled yet" in rows["New Wire"]

    failing_only = parse(editor.get(CHANGELIST, {"status": "failing"}))
    assert [text_of(th) for th in failing_only.select("#result_list tbody th")] == [
        "Broken Wire"
    ]


def test_poll_now_polls_the_selected_feeds(
    editor, partner, loopback_allowed, django_capture_on_commit_callbacks
):
    subscription = subscribe(partner, next_poll_at=timezone.now() + timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            CHANGELIST,
            {"action": "poll_now", "_selected_action": [subscription.pk]},
            follow=True,
        )

    assert "Polling 1 feed(s) now" in text_of(parse(response))
    assert len(partner.requests) == 1
    subscription.refresh_from_db()
    assert subscription.items_taken_last == 2
    assert wire_articles().count() == 2


def test_saving_the_form_keeps_what_a_poll_wrote_meanwhile(editor, partner, loopback_allowed):
    """The admin reads the subscription, checks the form (the address's DNS lookup can take
    seconds), then saves: a poll that ends in between keeps its status and lets go of its
    lease. Played here step by step through the admin's own methods."""
    subscription = subscribe(partner)
    page = reverse("admin:importers_feedsubscription_change", args=[subscription.pk])
    data = form_fields(editor.get(page), "feedsubscription_form")
    data["name"] = "Partner Wire (sport)"
    model_admin = admin.site._registry[FeedSubscription]
    request = RequestFactory().post(page, data)
    request.user = editor.user
    stale = model_admin.get_object(request, str(subscription.pk))
    form = model_admin.get_form(request, stale, change=True)(data, instance=stale)
    assert form.is_valid(), form.errors

    poll(subscription.pk)  # ends while the editor's save is on its way
    model_admin.save_model(request, form.save(commit=False), form, change=True)

    subscription.refresh_from_db()
    assert subscription.name == "Partner Wire (sport)"
    assert subscription.items_taken_total == 2
    assert subscription.etag == ETAG
    assert subscription.polling_until is None


def test_a_new_address_forgets_the_old_ones_validators(editor, partner, loopback_allowed):
    subscription = subscribe(partner)
    poll(subscription.pk)
    page = reverse("admin:importers_feedsubscription_change", args=[subscription.pk])
    data = form_fields(editor.get(page), "feedsubscription_form")

    data["url"] = partner.url + "?edition=sport"
    assert editor.post(page, data).status_code == 302

    subscription.refresh_from_db()
    assert (subscription.etag, subscription.last_modified) == ("", "")
    assert subscription.next_poll_at <= timezone.now()


def test_a_contributor_cannot_see_or_manage_subscriptions(contributor, partner):
    subscription = subscribe(partner)

    assert contributor.get(CHANGELIST).status_code == 403
    assert contributor.get(ADD).status_code == 403
    assert contributor.post(ADD, {"name": "Mine", "url": "https://wire.example/"}).status_code == 403
    response = contributor.post(
        CHANGELIST, {"action": "poll_now", "_selected_action": [subscription.pk]}
    )
    assert response.status_code == 403
    assert "Feed subscriptions" not in text_of(parse(contributor.get(reverse("admin:index"))))
    assert FeedSubscription.objects.count() == 1
    assert partner.requests == []


def test_editors_manage_subscriptions_and_administrators_the_schedule(editor, administrator):
    assert "Feed subscriptions" in text_of(parse(editor.get(reverse("admin:index"))))
    periodic_tasks = reverse("admin:django_celery_beat_periodictask_changelist")
    assert editor.get(periodic_tasks).status_code == 403
    listing = parse(administrator.get(periodic_tasks))
    assert "Poll due feed subscriptions" in text_of(listing)
