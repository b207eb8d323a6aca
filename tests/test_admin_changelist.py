"""The newsdesk's article list stays at a fixed number of queries, however large the archive."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, ArticleAuthor
from authors.models import Author
from tests.conftest import parse
from tests.factories import SectionFactory

pytestmark = pytest.mark.django_db


def archive(count):
    """`count` published articles over three sections, each with a two-author byline."""
    sections = [SectionFactory(name=name) for name in ("News", "Music", "Tech")]
    authors = Author.objects.bulk_create(
        Author(name=f"Writer {n}", slug=f"writer-{n}") for n in range(10)
    )
    now = timezone.now()
    articles = Article.objects.bulk_create(
        (
            Article(
                headline=f"Story {n}",
                slug=f"story-{n}",
                section=sections[n % 3],
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(minutes=n),
                source_system="test",
                source_id=str(n),
            )
            for n in range(count)
        ),
        batch_size=2000,
    )
    ArticleAuthor.objects.bulk_create(
        (
            ArticleAuthor(article=article, author=authors[(n + k) % 10], position=k)
            for n, article in enumerate(articles)
            for k in range(2)
        ),
        batch_size=4000,
    )


def changelist_queries(client):
    client.get("/admin/articles/article/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/articles/article/")
    assert response.status_code == 200
    rows = parse(response).select("#result_list tbody tr")
    return len(queries), len(rows)


@pytest.fixture
def editor(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("desk", "d@example.com", "pw-1234-long")
    )
    return client


def test_the_article_list_costs_the_same_with_ten_thousand_articles(editor):
    archive(30)
    small, small_rows = changelist_queries(editor)
    Article.objects.all().delete()
    Author.objects.all().delete()
    archive(10_000)
    large, large_rows = changelist_queries(editor)
    assert small_rows == 30 and large_rows == 100  # the admin shows 100 to a page
    assert small == large
    # session, user, permissions, two counts, the date drill-down, the section filter, the page,
    # its bylines: none of them per row
    assert large <= 11
