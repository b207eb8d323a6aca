"""HTTP behaviour for a CDN and for browsers: cache headers, validators and 304s."""

import pytest
from django.utils.http import parse_http_date

from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    TopicFactory,
    add_authors,
    add_topics,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    article = ArticleFactory(section=SectionFactory(name="News"), slug="a-story")
    add_topics(article, TopicFactory(name="Boats"))
    add_authors(article, AuthorFactory(slug="ida"))
    return article


PAGES = ["/news/a-story/", "/news/", "/topics/boats/", "/authors/ida/", "/latest/", "/"]


@pytest.mark.parametrize("url", PAGES)
def test_public_pages_suit_a_cdn(reader, article, url):
    response = reader.get(url)
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=60", "s-maxage=300", "stale-while-revalidate=600"}
    assert response.has_header("ETag")


@pytest.mark.parametrize("url", ["/news/a-story/", "/news/", "/topics/boats/", "/authors/ida/"])
def test_a_repeat_request_gets_not_modified(reader, article, url):
    first = reader.get(url)
    assert first.has_header("Last-Modified")
    again = reader.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["Cache-Control"] == first["Cache-Control"]
    since = reader.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_last_modified_is_the_article_change_time(reader, article):
    response = reader.get("/news/a-story/")
    assert parse_http_date(response["Last-Modified"]) == int(article.modified.timestamp())


def test_a_changed_article_is_sent_again(reader, article, django_capture_on_commit_callbacks):
    first = reader.get("/news/a-story/")
    article.headline = "A different headline"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    again = reader.get("/news/a-story/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert b"A different headline" in again.content


def test_admin_pages_are_not_publicly_cacheable(editor):
    response = editor.get("/admin/")
    assert "public" not in response.get("Cache-Control", "")
    assert "private" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_missing_pages_are_branded_and_not_cached_publicly(reader):
    response = reader.get("/news/nothing-here/")
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")
    assert b"We can\xe2\x80\x99t find that page" in response.content


@pytest.mark.urls("tests.error_urls")
def test_a_server_error_shows_a_branded_page_without_details(client):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"deliberate failure" not in response.content
    assert b"Traceback" not in response.content
