"""The article body is rendered once per change and stored, not rendered on every request.

Saving an article stores the body as the page prints it (`Article.body_rendered`), keyed on
what the rendering depends on: the body, the advert policy and the renderer's version. The page
prints the stored copy; when the key no longer matches (a row written around `save()`, a new
advert policy) it renders afresh, so readers never see a stale body.
"""

import pytest
from django.core.cache import cache

from articles.body import rendering
from articles.models import Article
from tests.conftest import parse
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

BODY = "".join(f"<p>Paragraph {n}.</p>" for n in range(1, 7))


def body_html(page):
    return str(parse(page).select_one(".article__body"))


def test_saving_stores_the_body_as_the_page_prints_it(reader):
    article = ArticleFactory(body=BODY)

    assert article.body_rendered == rendering.render_body_html(article.body)
    assert article.body_rendered_key == rendering.rendering_key(article.body)
    assert 'class="advert advert--inline"' in article.body_rendered


def test_the_page_prints_the_stored_body_without_rendering_it(reader, monkeypatch):
    article = ArticleFactory(body=BODY)
    page = reader.get(article.get_absolute_url())

    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered on a request")

    monkeypatch.setattr(rendering, "render_body", no_rendering)
    monkeypatch.setattr(Article, "refresh_rendered_body", no_rendering)
    cache.clear()
    again = reader.get(article.get_absolute_url())
    assert body_html(again) == body_html(page)


def test_a_body_written_around_save_is_rendered_afresh(reader):
    article = ArticleFactory(body=BODY)
    Article.objects.filter(pk=article.pk).update(body="<p>Rewritten in bulk.</p>")

    body = parse(reader.get(article.get_absolute_url())).select_one(".article__body")
    assert body.get_text(" ", strip=True) == "Rewritten in bulk."


def test_saving_only_the_body_stores_its_rendering_too():
    article = ArticleFactory(body=BODY)
    article.body = "<p>Shorter.</p>"
    article.save(update_fields=["body"])

    article.refresh_from_db()
    assert article.body_rendered == rendering.render_body_html("<p>Shorter.</p>")


def test_a_new_advert_policy_retires_the_stored_rendering(reader, settings):
    article = ArticleFactory(body=BODY)
    settings.NEWSROOM_ADVERTS = {"first_after": 1, "every": 1, "max": 5}

    body = parse(reader.get(article.get_absolute_url())).select_one(".article__body")
    assert len(body.select(".advert")) == 5
