"""Scheduled publishing's side effects at the scheduled minute: the worker's scheduler runs
`articles.publish_due` at the start of every minute, which sends `publication_due` and retires
the cached fragments once per article and publication time, however often it runs and however
many run at once; an article rescheduled gets them again at its new time."""

import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from articles import workflow
from articles.models import Article, HandledPublication
from articles.tasks import handle_due, publish_due
from newsroom import fragments
from newsroom.celery import app
from tests.brand_keys import on_brand
from tests.factories import ArticleFactory, AuthorFactory, add_authors
from tests.test_roles import member

pytestmark = pytest.mark.django_db


@contextmanager
def announcements():
    """The articles `publication_due` is sent for, in order, while the block runs."""
    received = []

    def receiver(sender, article, **kwargs):
        received.append(article.pk)

    workflow.publication_due.connect(receiver)
    try:
        yield received
    finally:
        workflow.publication_due.disconnect(receiver)


@pytest.fixture
def publisher(django_user_model):
    return member(django_user_model, "Editor", "eddie")


def scheduled(publisher, at):
    """An article a publisher scheduled, through the workflow as the admin does."""
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    add_authors(article, AuthorFactory())
    workflow.publish_article(article=article, by=publisher, at=at)
    return article


def test_nothing_happens_before_the_time_and_everything_at_it(
    publisher, django_capture_on_commit_callbacks
):
    at = timezone.now() + timedelta(hours=1)
    article = scheduled(publisher, at)
    version = fragments.versions([on_brand("latest")])

    with announcements() as received, django_capture_on_commit_callbacks(execute=True):
        assert handle_due(now=at - timedelta(seconds=1)) == []
        assert fragments.versions([on_brand("latest")]) == version
        assert [a.pk for a in handle_due(now=at)] == [article.pk]

    assert received == [article.pk]
    assert fragments.versions([on_brand("latest")]) != version  # the rails and counts show it now


def test_the_task_sends_publication_due_once_however_often_it_runs(
    django_capture_on_commit_callbacks,
):
    article = ArticleFactory(published_at=timezone.now() - timedelta(seconds=20))
    version = fragments.versions([on_brand("latest")])

    with announcements() as received, django_capture_on_commit_callbacks(execute=True):
        publish_due.apply()
    assert received == [article.pk]
    retired = fragments.versions([on_brand("latest")])
    assert retired != version

    with announcements() as received, django_capture_on_commit_callbacks(execute=True):
        publish_due.apply()
        publish_due.apply()
    assert received == []
    assert fragments.versions([on_brand("latest")]) == retired  # nothing new to retire
    assert HandledPublication.objects.get().published_at == article.published_at


def test_a_rescheduled_article_gets_its_side_effects_again_at_its_new_time(publisher):
    first = timezone.now() - timedelta(minutes=5)
    article = scheduled(publisher, first)
    with announcements() as received:
        handle_due()
    assert received == [article.pk]

    # Taken down, and scheduled again for later that morning.
    later = timezone.now() + timedelta(hours=2)
    workflow.unpublish_article(article=article, by=publisher)
    workflow.publish_article(article=article, by=publisher, at=later)

    with announcements() as received:
        assert handle_due() == []  # not yet
        handle_due(now=later)
        handle_due(now=later + timedelta(minutes=1))
    assert received == [article.pk]
    assert sorted(HandledPublication.objects.values_list("published_at", flat=True)) == [
        first, later
    ]


def test_an_article_published_again_at_its_old_time_is_not_announced_again(publisher):
    article = scheduled(publisher, timezone.now() - timedelta(minutes=5))
    with announcements() as received:
        handle_due()
        workflow.unpublish_article(article=article, by=publisher)
        workflow.publish_article(article=article, by=publisher)  # keeps its time
        handle_due()
    assert received == [article.pk]


def test_the_archive_is_never_announced():
    ArticleFactory(headline="Imported from last year", published_at=timezone.now() - timedelta(days=400))
    ArticleFactory(headline="Yesterday's, imported", published_at=timezone.now() - timedelta(hours=25))
    recent = ArticleFactory(published_at=timezone.now() - timedelta(hours=23))
    with announcements() as received:
        handle_due()
    assert received == [recent.pk]


def test_a_receiver_that_fails_leaves_the_article_for_the_next_run():
    article = ArticleFactory(published_at=timezone.now() - timedelta(minutes=1))
    calls = []

    def failing(sender, article, **kwargs):
        calls.append(article.pk)
        raise RuntimeError("the CDN did not answer")

    workflow.publication_due.connect(failing)
    try:
        with pytest.raises(RuntimeError):
            handle_due()
    finally:
        workflow.publication_due.disconnect(failing)
    assert not HandledPublication.objects.exists()

    with announcements() as received:
        handle_due()
    assert calls == [article.pk] and received == [article.pk]


def test_the_worker_scheduler_runs_it_at_the_start_of_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["publish-due"]
    assert entry["task"] == "articles.publish_due" == publish_due.name
    assert entry["task"] in app.tasks
    schedule = entry["schedule"]
    assert schedule == crontab(minute="*")
    now = schedule.now()
    due, next_in = schedule.is_due(now - timedelta(seconds=60))
    assert due and 0 < next_in <= 60
    due, next_in = schedule.is_due(now)
    assert not due and 0 < next_in <= 60


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_never_both_handle_an_article():
    article = ArticleFactory(published_at=timezone.now() - timedelta(minutes=1))
    holding, release = threading.Event(), threading.Event()
    first_run = []

    def slow_receiver(sender, article, **kwargs):
        holding.set()
        release.wait(10)

    def first_scheduler():
        try:
            first_run.extend(a.pk for a in handle_due())
        finally:
            connection.close()

    workflow.publication_due.connect(slow_receiver)
    thread = threading.Thread(target=first_scheduler)
    thread.start()
    try:
        assert holding.wait(10), "the first run never reached the article"
        workflow.publication_due.disconnect(slow_receiver)
        # The first run holds the article's row: this one skips it rather than wait or repeat.
        with announcements() as received:
            assert handle_due() == []
    finally:
        release.set()
        thread.join(10)
        workflow.publication_due.disconnect(slow_receiver)
    assert first_run == [article.pk]
    with announcements() as received:
        assert handle_due() == []  # the first run's record is seen
    assert received == []
    with transaction.atomic():
        assert HandledPublication.objects.filter(article=article).count() == 1
