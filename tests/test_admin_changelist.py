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


def changelist_queries(client, url="/admin/articles/article/"):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    page = parse(response)
    rows = page.select("#result_list tbody tr")
    return len(queries), len(rows), " ".join(page.select_one(".paginator").get_text().split())


@pytest.fixture
def editor(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("desk", "d@example.com", "pw-1234-long")
    )
    return client


def test_the_article_list_costs_the_same_with_ten_thousand_articles(editor):
    archive(2000)
    small, small_rows, _ = changelist_queries(editor)
    Article.objects.all().delete()
    Author.objects.all().delete()
    archive(10_000)
    large, large_rows, _ = changelist_queries(editor)
    assert small_rows == large_rows == 100  # the admin shows 100 to a page
    assert small == large
    # session, user, permissions, the count (on PostgreSQL the planner's estimate, and an
    # exact count of at most 1,001 rows for a short list), the date drill-down (the admin's bounds, and on PostgreSQL ours and
    # one query of probes), the section filter, the page, its bylines: none of them per row
    assert large <= 12


def test_a_short_list_is_counted_exactly_and_a_long_one_estimated(editor):
    archive(30)
    short, rows, text = changelist_queries(editor)
    assert rows == 30 and "30 articles" in text and "about" not in text
    Article.objects.all().delete()
    Author.objects.all().delete()
    archive(1500)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_article")  # the statistics the estimate reads
    long, _, text = changelist_queries(editor)
    if connection.vendor == "postgresql":
        # Counted up to 1,001 rows, then the planner's estimate, from the table's statistics.
        assert "about" in text
        assert long == short
    else:
        assert "1500 articles" in text and long == short
    # Pages go up to 100 (the rest is for filters and search), however many rows there are.
    assert editor.get("/admin/articles/article/?p=15").status_code == 200
    assert editor.get("/admin/articles/article/?p=16").status_code == 302  # beyond: ?e=1


def test_the_date_drill_down_lists_the_years_months_and_days_with_articles(editor):
    section = SectionFactory(name="News")
    for year, month, day in [(2019, 3, 4), (2021, 7, 1), (2021, 7, 9), (2021, 11, 30)]:
        Article.objects.create(
            headline=f"Story {year}-{month}-{day}",
            slug=f"story-{year}-{month}-{day}",
            section=section,
            status=Article.Status.PUBLISHED,
            published_at=timezone.make_aware(timezone.datetime(year, month, day, 12)),
        )

    def choices(query=""):
        page = parse(editor.get(f"/admin/articles/article/{query}"))
        return [" ".join(a.get_text().split()) for a in page.select("nav.toplinks a")]

    assert choices() == ["2019", "2021"]
    assert choices("?published_at__year=2021") == ["‹ All dates", "July 2021", "November 2021"]
    assert choices("?published_at__year=2021&published_at__month=7") == [
        "‹ 2021",
        "1 July",
        "9 July",
    ]


def test_the_search_finds_words_and_their_beginnings_in_headlines_and_standfirsts(editor):
    section = SectionFactory(name="News")
    for slug, headline, standfirst in [
        ("lamp", "Harbour lighthouse relit", ""),
        ("ferry", "Ferry returns", "The lighthouse keeper waved."),
        ("other", "Council meets", "Budget news."),
    ]:
        Article.objects.create(headline=headline, slug=slug, standfirst=standfirst, section=section)

    def found(term):
        page = parse(editor.get("/admin/articles/article/", {"q": term}))
        return sorted(
            " ".join(a.get_text().split()) for a in page.select("#result_list tbody th a")
        )

    assert found("lighthouse") == ["Ferry returns", "Harbour lighthouse relit"]
    assert found("lightho") == ["Ferry returns", "Harbour lighthouse relit"]
    assert found("harbour light") == ["Harbour lighthouse relit"]
    assert found("other") == ["Council meets"]  # a slug, exactly
    assert found("submarine") == []
    assert editor.get("/admin/articles/article/", {"q": "&|!:*()'\\"}).status_code == 200
