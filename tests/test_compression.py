"""Pages, feeds and sitemaps compressed as the reader's client asks (zstd, brotli, gzip or
none), each with `Vary: Accept-Encoding` and one weak ETag of its content, so that a copy held
in any encoding is confirmed with a 304 in any other (newsroom.conditional)."""

import gzip

import brotli
import pytest
from backports import zstd
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils.cache import cc_delim_re

from articles.models import Correction
from tests.conftest import content_of
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    TopicFactory,
    add_authors,
    add_topics,
)

pytestmark = pytest.mark.django_db

URLS = [
    "/news/a-story/",
    "/",
    "/news/",
    "/topics/boats/",
    "/topics/",
    "/authors/ida/",
    "/authors/",
    "/latest/",
    "/corrections/",
    "/search/?q=story",
    "/feeds/rss/",
    "/feeds/atom/",
    "/feeds/topics/boats/rss/",
    "/feeds/authors/ida/atom/",
    "/corrections/rss/",
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/sitemap-news.xml",
    "/robots.txt",
]
# What a client accepts, and the encoding it gets.
ACCEPTS = [("br, gzip", "br"), ("gzip", "gzip"), ("", None)]
PREFERENCES = [
    ("gzip, deflate, br, zstd", "zstd"),  # what current browsers send
    ("br;q=0.5, gzip", "gzip"),
    ("identity", None),
    ("compress", None),
]
DECODE = {None: bytes, "gzip": gzip.decompress, "br": brotli.decompress, "zstd": zstd.decompress}


@pytest.fixture
def article():
    article = ArticleFactory(section=SectionFactory(name="News"), slug="a-story")
    add_topics(article, TopicFactory(name="Boats"))
    add_authors(article, AuthorFactory(slug="ida"))
    Correction.objects.create(article=article, note="The harbour opened at noon.")
    return article


def vary(response):
    return {part.lower() for part in cc_delim_re.split(response.get("Vary", ""))}


@pytest.mark.parametrize(("accept", "encoding"), ACCEPTS)
@pytest.mark.parametrize("url", URLS)
def test_each_page_is_sent_as_the_client_asks(reader, article, url, accept, encoding):
    plain = reader.get(url)
    response = reader.get(url, headers={"Accept-Encoding": accept})
    assert (plain.status_code, response.status_code) == (200, 200)
    assert response.get("Content-Encoding") == encoding
    body = content_of(response)
    if response.streaming:
        # Sent as it is written (the articles' sitemap): no length is known beforehand.
        assert not response.has_header("Content-Length")
    else:
        assert int(response["Content-Length"]) == len(body)
    assert DECODE[encoding](body) == content_of(plain)
    # Whatever the encoding, caches keep one copy per Accept-Encoding, and the content's ETag.
    assert "accept-encoding" in vary(response)
    assert response["ETag"] == plain["ETag"]
    assert response["ETag"].startswith('W/"')


@pytest.mark.parametrize(("accept", "encoding"), PREFERENCES)
def test_the_clients_preference_decides(reader, article, accept, encoding):
    plain = reader.get("/news/a-story/")
    response = reader.get("/news/a-story/", headers={"Accept-Encoding": accept})
    assert response.get("Content-Encoding") == encoding
    assert DECODE[encoding](response.content) == plain.content
    assert "accept-encoding" in vary(response)


@pytest.mark.parametrize("url", URLS)
def test_a_copy_in_one_encoding_is_not_modified_in_any_other(reader, article, url):
    accepts = [accept for accept, _ in ACCEPTS]
    for held in accepts:
        copy = reader.get(url, headers={"Accept-Encoding": held})
        for asked in accepts:
            headers = {"Accept-Encoding": asked, "If-None-Match": copy["ETag"]}
            again = reader.get(url, headers=headers)
            assert (again.status_code, content_of(again)) == (304, b""), (held, asked)
            assert again["ETag"] == copy["ETag"]
            assert "accept-encoding" in vary(again)
            assert "Content-Encoding" not in again


def test_a_changed_page_is_sent_again_compressed(reader, article):
    copy = reader.get("/news/a-story/", headers={"Accept-Encoding": "br, gzip"})
    article.headline = "A Different Headline"
    article.save()
    again = reader.get(
        "/news/a-story/", headers={"Accept-Encoding": "br, gzip", "If-None-Match": copy["ETag"]}
    )
    assert again.status_code == 200
    assert b"A Different Headline" in brotli.decompress(again.content)


def test_a_form_with_a_token_is_compressed_with_a_fresh_mask_each_time(client):
    """BREACH needs a secret repeated in compressed answers; Django masks the form's token
    anew in every response (docs/performance.md)."""
    url = reverse("admin:login")
    first, second = (client.get(url, headers={"Accept-Encoding": "br"}) for _ in range(2))
    assert first["Content-Encoding"] == second["Content-Encoding"] == "br"
    pages = [BeautifulSoup(brotli.decompress(r.content), "html.parser") for r in (first, second)]
    tokens = [page.select_one("input[name=csrfmiddlewaretoken]")["value"] for page in pages]
    assert tokens[0] != tokens[1]
