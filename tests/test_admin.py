"""Every model is registered in the admin and its pages work for an editor."""

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from articles.models import Article, RelatedLink
from authors.models import Author
from newsroom.models import SiteSettings
from tests.conftest import parse, text_of
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, add_authors

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("ed", "ed@example.com", "a-long-password-1")
    client.force_login(user)
    return client


def test_the_content_models_are_registered():
    from articles.models import Topic

    for model in (Article, Topic, Author, SiteSettings):
        assert admin.site.is_registered(model), model


@pytest.mark.parametrize(
    "name",
    [
        "articles_article",
        "articles_topic",
        "authors_author",
        "newsroom_sitesettings",
        "flatpages_flatpage",
    ],
)
def test_changelist_and_add_pages_open(editor, name):
    ArticleFactory()
    assert editor.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert editor.get(reverse(f"admin:{name}_add")).status_code == 200


def test_an_article_change_page_shows_byline_and_related_inlines(editor):
    article = ArticleFactory(headline="Inline Check")
    add_authors(article, AuthorFactory(name="Jo March"))
    RelatedLink.objects.create(article=article, title="Elsewhere", url="https://example.org/")
    page = parse(editor.get(reverse("admin:articles_article_change", args=[article.pk])))
    assert page.select_one("input[name=headline]")["value"] == "Inline Check"
    assert "Jo March" in text_of(page)
    assert page.select_one("input[value='https://example.org/']") is not None


def test_an_editor_can_create_an_article_through_the_admin(editor):
    section = SectionFactory(name="News")
    author = AuthorFactory()
    response = editor.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "Written In The Admin",
            "slug": "written-in-the-admin",
            "standfirst": "Brief.",
            "body": "<p>Safe</p><script>alert(1)</script>",
            "section": section.pk,
            "topics": "Science, Space",
            "status": "published",
            "published_at_0": "15/03/2022",
            "published_at_1": "12:08:00",
            "article_authors-TOTAL_FORMS": "1",
            "article_authors-INITIAL_FORMS": "0",
            "article_authors-0-author": author.pk,
            "article_authors-0-position": "0",
            "related_links-TOTAL_FORMS": "0",
            "related_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, parse(response).select(".errorlist")
    article = Article.objects.get(slug="written-in-the-admin")
    assert article.body == "<p>Safe</p>"
    assert sorted(t.name for t in article.topics.all()) == ["Science", "Space"]
    assert [a.pk for a in article.byline] == [author.pk]
    assert editor.get(article.get_absolute_url()).status_code == 200


def test_publishing_without_a_section_in_the_admin_is_refused(editor):
    response = editor.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "No Section",
            "slug": "no-section",
            "status": "published",
            "published_at_0": "15/03/2022",
            "published_at_1": "12:08:00",
            "article_authors-TOTAL_FORMS": "0",
            "article_authors-INITIAL_FORMS": "0",
            "related_links-TOTAL_FORMS": "0",
            "related_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Choose a section before publishing." in text_of(parse(response))
    assert not Article.objects.filter(slug="no-section").exists()


def test_a_brand_has_one_row_of_settings(editor):
    SiteSettings.load().save()
    response = editor.post(
        reverse("admin:newsroom_sitesettings_add"),
        {
            "site": settings.DEFAULT_SITE_ID,
            "brand_name": "A second row",
            "header_colour": "#111111",
            "accent_colour": "#b3102b",
            **EMPTY_INLINES,
        },
    )
    assert response.status_code == 200
    assert "already exists" in text_of(parse(response).select_one(".errorlist"))
    assert SiteSettings.objects.count() == 1


def test_brand_colours_that_cannot_be_read_are_refused(editor):
    response = editor.post(
        reverse("admin:newsroom_sitesettings_add"),
        {
            "site": settings.DEFAULT_SITE_ID,
            "brand_name": "Pale",
            "header_colour": "#eeeeee",
            "accent_colour": "#ffcc00",
            **EMPTY_INLINES,
        },
    )
    errors = [text_of(e) for e in parse(response).select(".errorlist")]
    assert any("#ffffff on #eeeeee" in e for e in errors)
    assert any("#ffcc00 on #ffffff" in e for e in errors)
    assert not SiteSettings.objects.exists()


EMPTY_INLINES = {
    f"{prefix}-{field}": value
    for prefix in ("sociallink_set", "footerlink_set")
    for field, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
}
