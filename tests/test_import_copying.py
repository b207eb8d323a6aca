"""The rows an import sends by COPY (`importers.copying`) hold what Django would send.

Values a field would hand back unchanged skip Django's preparation calls; each value must
still be what `pre_save` and `get_db_prep_save` give, on the database under test.
"""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.functional import lazystr

from articles.models import Article, Topic
from importers.copying import _as_is, _columns, row_of
from newsroom.sanitising import sanitise_body

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


def django_row(fields, obj):
    return [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]


def comparable(row):
    """Each value with its type; a driver's wrapper (psycopg's Jsonb) by what it wraps."""
    return [(type(value), getattr(value, "obj", value)) for value in row]


@pytest.mark.parametrize("with_pk", [True, False])
def test_each_value_is_what_django_would_send(monkeypatch, with_pk):
    monkeypatch.setattr(timezone, "now", lambda: NOW)  # auto_now fields, both ways alike
    section = Topic.objects.create(name="News", slug="news")
    articles = [
        Article(
            pk=7,
            headline="A headline",
            slug="a-headline",
            standfirst="",
            body=sanitise_body("<p>Body</p>"),  # a str subclass
            status=Article.Status.PUBLISHED,
            published_at=NOW,
            section=section,
            source_system="wordpress:old.example",
            source_id="12",
            source_fingerprint="f" * 64,
            featured_image_width=800,
            featured_image_height=None,
            featured_image_renditions={"w": [1, 2]},
            version=3,
        ),
        Article(
            pk=8,
            headline=lazystr("A lazy headline"),  # not a str: Django's way
            slug="b",
            body="<p>plain</p>",
            status=Article.Status.DRAFT,
            version=True,  # a bool in an integer field becomes 1, Django's way
        ),
    ]
    fields = _columns(Article, with_pk=with_pk)
    row = row_of(fields, connection)
    for article in articles:
        assert comparable(row(article)) == comparable(django_row(fields, article))


def test_texts_numbers_and_keys_take_the_short_way():
    fields = {field.name: field for field in _columns(Article, with_pk=True)}
    for name in ("id", "headline", "slug", "standfirst", "status", "source_id", "section"):
        assert _as_is(fields[name], connection), name
    # Dates (auto_now among them) and JSON are always prepared by Django.
    for name in ("published_at", "modified", "created", "featured_image_renditions"):
        assert not _as_is(fields[name], connection), name
