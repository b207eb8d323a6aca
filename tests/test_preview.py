"""Previews: editors see any article in the real article template; a share link that expires
shows it to people without an account; no preview is indexed or kept by a cache, and drafts stay
off the public site."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from articles import preview_links
from articles.models import Article
from newsroom.fragments import fragment_key
from tests.conftest import parse, text_of
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, add_authors

pytestmark = pytest.mark.django_db

NOINDEX = {"name": "robots", "content": "noindex"}


@pytest.fixture
def draft():
    """A first draft: no section and no publication time yet."""
    article = ArticleFactory(
        headline="Lighthouse Keeper Retires After Forty Years",
        slug="lighthouse-keeper-retires",
        body="<p>The keeper climbed the stairs one last time.</p>",
        section=None,
        status=Article.Status.DRAFT,
        published_at=None,
    )
    add_authors(article, AuthorFactory(name="Ada Quill"))
    return article


def admin_preview_url(article):
    return reverse("admin:articles_article_preview", args=[article.pk])


def public_fragment_key(article):
    """The cache key of the public page's article fragment ({% fragment %} names it)."""
    return fragment_key(
        "fragment:article-page", article.pk, article.modified.timestamp(), ""  # no advert account
    )


def directives(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def assert_private_and_noindex(response):
    assert response["X-Robots-Tag"] == "noindex"
    assert {"private", "no-store"} <= directives(response)
    assert "public" not in directives(response)
    assert not response.has_header("Last-Modified")
    assert not response.has_header("ETag")


def assert_invalid_link_page(response):
    assert response.status_code == 404
    page = parse(response)
    assert text_of(page.h1) == "This preview link is invalid or has expired"
    assert page.find("meta", attrs=NOINDEX) is not None
    assert_private_and_noindex(response)


# The editor's preview in the admin


def test_an_editor_previews_a_draft_in_the_article_template(editor, draft):
    response = editor.get(admin_preview_url(draft))

    assert response.status_code == 200
    assert "articles/article_detail.html" in [t.name for t in response.templates]
    page = parse(response)
    assert text_of(page.select_one("h1.article__headline")) == draft.headline
    assert "The keeper climbed the stairs" in text_of(page.select_one(".article__body"))
    assert text_of(page.select_one(".byline")) == "By Ada Quill"
    assert text_of(page.select_one(".article__published")) == "Not yet published"
    assert [text_of(item) for item in page.select(".breadcrumbs li")] == ["Home"]
    assert page.find("meta", attrs=NOINDEX) is not None
    assert_private_and_noindex(response)


@pytest.mark.parametrize(
    ("status", "published_at"),
    [
        (Article.Status.DRAFT, None),
        (Article.Status.IN_REVIEW, None),
        (Article.Status.PUBLISHED, timedelta(days=2)),  # scheduled
        (Article.Status.UNPUBLISHED, timedelta(days=-2)),
    ],
)
def test_every_unpublished_state_can_be_previewed(editor, reader, status, published_at):
    article = ArticleFactory(
        section=SectionFactory(name="News"),
        status=status,
        published_at=published_at and timezone.now() + published_at,
    )

    response = editor.get(admin_preview_url(article))

    assert response.status_code == 200
    page = parse(response)
    assert text_of(page.select_one("h1.article__headline")) == article.headline
    assert [text_of(item) for item in page.select(".breadcrumbs li")] == ["Home", "News"]
    assert reader.get(article.get_absolute_url()).status_code == 404


def test_a_published_article_previews_too(editor):
    article = ArticleFactory()
    response = editor.get(admin_preview_url(article))
    assert response.status_code == 200
    assert parse(response).find("meta", attrs=NOINDEX) is not None
    assert_private_and_noindex(response)


def test_the_public_page_of_a_published_article_is_not_marked_as_a_preview(reader):
    response = reader.get(ArticleFactory().get_absolute_url())
    assert parse(response).find("meta", attrs=NOINDEX) is None
    assert not response.has_header("X-Robots-Tag")


def test_a_preview_leaves_the_public_fragment_cache_alone(editor, reader):
    article = ArticleFactory(headline="What Readers See")
    key = public_fragment_key(article)

    editor.get(admin_preview_url(article))
    assert cache.get(key) is None, "the preview filled the public fragment cache"

    reader.get(article.get_absolute_url())
    assert "What Readers See" in cache.get(key)[0]


def test_a_preview_never_shows_a_cached_public_fragment(editor):
    article = ArticleFactory(headline="The Current Words")
    key = public_fragment_key(article)
    cache.set(key, ("<p>A cached public copy</p>", {}), 600)

    page = editor.get(admin_preview_url(article)).content.decode()

    assert "A cached public copy" not in page
    assert "The Current Words" in page


def test_the_preview_needs_an_admin_login(reader, draft):
    response = reader.get(admin_preview_url(draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_who_cannot_change_the_article_are_refused(onlooker, draft):
    assert onlooker.get(admin_preview_url(draft)).status_code == 403


def test_previewing_a_missing_article_is_not_found(editor):
    assert editor.get(reverse("admin:articles_article_preview", args=[987654])).status_code == 404


def test_drafts_stay_off_the_public_site(reader, editor, draft):
    draft.section = SectionFactory(name="News")
    draft.save()
    editor.get(admin_preview_url(draft))

    assert reader.get(draft.get_absolute_url()).status_code == 404
    assert reader.get(reverse("articles:article-by-slug", args=[draft.slug])).status_code == 404


# The change form: Preview, the share link, and "View on site"


def test_the_change_form_offers_the_preview_and_share_links(editor, draft):
    page = parse(editor.get(reverse("admin:articles_article_change", args=[draft.pk])))

    assert page.select_one("a.previewlink")["href"] == admin_preview_url(draft)
    assert page.select_one("a.sharepreviewlink")["href"] == "#share-links"
    assert page.select_one("section#share-links form.share-link-create") is not None


def test_share_links_are_not_shown_to_staff_who_cannot_change_the_article(onlooker, draft):
    page = parse(onlooker.get(reverse("admin:articles_article_change", args=[draft.pk])))
    assert page.select_one("section#share-links") is None
    assert page.select_one("a.previewlink") is None


def test_view_on_site_opens_the_preview_while_the_article_is_not_public(editor, draft):
    page = parse(editor.get(reverse("admin:articles_article_change", args=[draft.pk])))
    assert page.select_one("a.viewsitelink")["href"] == admin_preview_url(draft)


def test_view_on_site_opens_the_public_page_once_published(editor):
    article = ArticleFactory()
    page = parse(editor.get(reverse("admin:articles_article_change", args=[article.pk])))
    view_on_site = page.select_one("a.viewsitelink")["href"]
    assert view_on_site != admin_preview_url(article)
    assert editor.get(view_on_site)["Location"].endswith(article.get_absolute_url())


# The share link (making, listing and revoking links: tests/test_preview_links.py)


@pytest.fixture
def share_link(draft):
    return preview_links.preview_path(preview_links.create_preview_link(draft, by=None))


def test_the_share_link_shows_the_draft_to_anyone_who_has_it(reader, share_link, draft):
    response = reader.get(share_link)

    assert response.status_code == 200
    page = parse(response)
    assert text_of(page.select_one("h1.article__headline")) == draft.headline
    assert page.find("meta", attrs=NOINDEX) is not None
    assert_private_and_noindex(response)


def test_the_share_link_shows_the_latest_version(reader, share_link, draft):
    draft.headline = "Keeper Stays On For One More Winter"
    draft.save()
    assert "One More Winter" in text_of(parse(reader.get(share_link)).h1)


def test_the_share_link_leaves_the_public_fragment_cache_alone(reader, share_link, draft):
    reader.get(share_link)
    assert cache.get(public_fragment_key(draft)) is None


def test_the_link_of_a_deleted_article_is_refused(reader, share_link, draft):
    draft.delete()
    assert_invalid_link_page(reader.get(share_link))
