"""Every change purges exactly the surrogate keys it touches, queued as `edge.purge` in the
outbox in the change's own transaction (docs/edge.md, "Surrogate keys").

These tests commit for real (transactional), as an editor's request does, and read the
`edge.purge` messages the outbox holds: one per change, with its keys. (The edge app that runs
the task is not needed: without it the outbox logs that it has no such task.)
"""

import io
import json
from datetime import timedelta

import pytest
from django.contrib.flatpages.models import FlatPage
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.admin.topics import merge_topics
from articles.models import Article
from articles.tasks import handle_due
from jobs.models import OutboxMessage
from library.models import Image
from library.uses import follow_replacement
from newsroom import fragments
from newsroom.brands import current_site
from newsroom.models import SiteSettings
from tests.admin_forms import form_fields
from tests.brand_keys import on_brand, on_brands
from tests.conftest import parse
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    TopicFactory,
    add_authors,
    add_topics,
    image_file,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def purges():
    """purges() → the key sets queued since the fixture was made, oldest first."""
    before = set(OutboxMessage.objects.values_list("pk", flat=True))

    def queued():
        messages = OutboxMessage.objects.filter(task_name="edge.purge").order_by("created_at")
        return [set(message.args[0]) for message in messages if message.pk not in before]

    return queued


@pytest.fixture
def story():
    news = SectionFactory(name="News", slug="news")
    article = ArticleFactory(headline="Harbour Lights", slug="harbour-lights", section=news)
    add_topics(article, TopicFactory(name="Boats"))
    add_authors(article, AuthorFactory(name="Ada", slug="ada"))
    return Article.objects.get(pk=article.pk)


def lists_of(article, *more_sections):
    """The list keys of a public article: every list that shows it, on its brand."""
    names = {"home", "latest", "feeds", "sitemaps", f"topic-{article.section_id}"}
    names |= {f"topic-{topic.pk}" for topic in article.ordered_topics}
    names |= {f"author-{author.pk}" for author in article.byline}
    names |= {f"topic-{pk}" for pk in more_sections}
    return on_brands(names) | {f"article-{article.pk}"}


def edit_in_admin(client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_fields(client.get(url), "article_form") | {"change_kind": "minor"} | changes
    response = client.post(url, data)
    errors = [node.get_text(" ", strip=True) for node in parse(response).select(".errorlist")]
    assert response.status_code == 302, errors


def test_a_headline_edit_purges_the_article_and_the_sitemaps_only(editor, story, purges):
    edit_in_admin(editor, story, headline="Harbour Lights Return")
    assert purges() == [{f"article-{story.pk}", on_brand("sitemaps")}]


def test_a_body_edit_purges_the_article_alone(editor, story, purges):
    edit_in_admin(editor, story, body="<p>A better telling.</p>")
    assert purges() == [{f"article-{story.pk}"}]


def test_a_draft_edit_purges_nothing(editor, purges):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    mark = purges()
    edit_in_admin(editor, draft, headline="Still a draft")
    assert purges() == mark


def test_publishing_purges_every_list_that_shows_it(editor, story, purges):
    Article.objects.filter(pk=story.pk).update(status=Article.Status.DRAFT)
    story.refresh_from_db()
    workflow.publish_article(article=story, by=editor.user)
    assert purges() == [lists_of(story)]


def test_unpublishing_purges_every_list_that_showed_it(editor, story, purges):
    workflow.unpublish_article(article=story, by=editor.user)
    assert purges() == [lists_of(story)]


def test_a_correction_purges_the_article_and_the_corrections(editor, story, purges):
    edit_in_admin(
        editor, story, change_kind="correction", correction_note="The lights are blue."
    )
    # The update time moved on: the sitemaps show it.
    assert purges() == [{f"article-{story.pk}", *on_brands(["corrections", "sitemaps"])}]


def test_a_section_change_purges_both_sections_lists(editor, story, purges):
    music = SectionFactory(name="Music", slug="music")
    mark = len(purges())
    edit_in_admin(editor, story, section=str(music.pk))
    assert purges()[mark:] == [lists_of(story, music.pk)]


def test_deleting_purges_every_list_that_showed_it(story, purges):
    keys = lists_of(story)
    story.delete()
    assert purges() == [keys]


def test_an_author_edit_purges_the_author(story, purges):
    ada = story.byline[0]
    ada.bio = "Ada writes about the sea."
    ada.save()
    assert purges() == [{f"author-{ada.pk}"}]


def test_renaming_a_topic_purges_the_topic_and_a_section_the_chrome(story, purges):
    boats = story.ordered_topics[0]
    boats.name = "Sailing"
    boats.save()
    story.section.name = "Headlines"
    story.section.save()
    assert purges() == [{f"topic-{boats.pk}"}, {f"topic-{story.section_id}", "chrome"}]


def test_merging_topics_purges_each_topic_once(story, purges):
    boats = story.ordered_topics[0]
    sailing = TopicFactory(name="Sailing")
    mark = len(purges())
    merge_topics(topics=[boats, sailing], into=sailing)
    assert purges()[mark:] == [{f"topic-{boats.pk}", f"topic-{sailing.pk}", "sitemaps"}]


def test_site_settings_and_flat_pages_purge_the_chrome(purges):
    settings = SiteSettings.load()
    settings.brand_name = "The Harbour Post"
    settings.save()
    FlatPage.objects.create(url="/about/", title="About", content="<p>Us.</p>")
    assert purges() == [{"chrome"}, {"chrome"}]


def test_a_replaced_picture_purges_it_and_the_articles_showing_it(editor, story, purges):
    picture = Image.objects.create(file=image_file("old.jpg"), alt_text="Old")
    Article.objects.filter(pk=story.pk).update(
        featured_library_image=picture, featured_image=picture.file.name
    )
    old_name = picture.file.name
    mark = len(purges())
    picture.file = image_file("new.jpg")
    picture.save()
    follow_replacement(picture, old_name=old_name, by=editor.user)
    assert purges()[mark:] == [{f"article-{story.pk}"}, {f"media-{picture.pk}"}]


def test_an_import_queues_one_purge_for_the_run(tmp_path, purges):
    lines = [
        {
            "source": {"system": "wire", "id": str(n)},
            "headline": f"Wire story {n}",
            "body_html": f"<p>Story {n}.</p>",
            "section": "News",
            "topics": ["Boats"],
            "authors": [{"name": "Rosa Field", "slug": "rosa-field"}],
            "status": "published",
            "published_at": "2024-05-01T09:30:00+01:00",
        }
        for n in range(5)
    ]
    path = tmp_path / "wire.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    call_command("import_articles", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    (keys,) = purges()
    articles = Article.objects.filter(source_system="wire")
    assert {f"article-{a.pk}" for a in articles} <= keys
    assert on_brands(["home", "latest", "feeds", "sitemaps"]) <= keys


def test_a_scheduled_article_coming_due_purges_the_lists(editor, purges):
    at = timezone.now() + timedelta(minutes=5)
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    add_authors(article, AuthorFactory())
    mark = len(purges())
    workflow.publish_article(article=article, by=editor.user, at=at)
    assert purges()[mark:] == []  # scheduled: nothing readers see changed yet
    handle_due(now=at + timedelta(seconds=1))
    assert purges()[mark:] == [lists_of(article)]


def test_one_transaction_queues_one_purge(story, purges):
    ada = story.byline[0]
    with transaction.atomic():
        story.headline = "One"
        story.save()
        ada.name = "Ada Quill"
        ada.save()
    assert purges() == [{f"article-{story.pk}", on_brand("sitemaps"), f"author-{ada.pk}"}]


def test_a_change_rolled_back_queues_no_purge(story, purges):
    with pytest.raises(RuntimeError), transaction.atomic():
        story.headline = "Never"
        story.save()
        raise RuntimeError("the save fails after the purge was queued")
    assert purges() == []
    story.headline = "Later"
    story.save()  # a later transaction starts its own purge
    assert purges() == [{f"article-{story.pk}", on_brand("sitemaps")}]


def test_saving_one_article_retires_only_its_fragments(reader, story, purges):
    other = ArticleFactory(headline="Far Away", section=story.section)
    reader.get(story.get_absolute_url())
    reader.get(other.get_absolute_url())
    page_of = {
        a.pk: fragments.fragment_key(
            "fragment:article-page", a.pk, a.modified.timestamp(), ""  # no advert account
        )
        for a in (story, other)
    }
    stamps = {pk: fragments.cache.get(key)[1] for pk, key in page_of.items()}
    assert all(fragments.versions(stamp) == stamp for stamp in stamps.values())
    story.body = "<p>Changed.</p>"
    story.save()
    assert fragments.versions(stamps[other.pk]) == stamps[other.pk]  # still a hit
    assert fragments.versions(stamps[story.pk]) != stamps[story.pk]  # retired


def test_a_savepoint_rolled_back_leaves_the_transactions_purge_whole(story, purges):
    other = ArticleFactory(headline="Other", section=story.section)
    mark = len(purges())
    with transaction.atomic():
        story.body = "<p>Kept.</p>"
        story.save()
        with pytest.raises(RuntimeError), transaction.atomic():
            other.body = "<p>Rolled back.</p>"
            other.save()
            raise RuntimeError("this part fails")
        other.refresh_from_db()
        other.standfirst = "Kept too."
        other.save()
    assert purges()[mark:] == [{f"article-{story.pk}", f"article-{other.pk}"}]


def test_a_new_site_address_purges_what_writes_full_addresses(purges):

    site = current_site()
    site.domain = "news.example.org"
    site.save()
    assert purges() == [{"chrome", "feeds", "sitemaps", "robots"}]


def test_the_placeholder_site_given_its_address_purges_nothing(purges):
    """Migrating (or a flushed test database) makes Django's placeholder site and then gives it
    SITE_URL's address: nothing was ever served under the placeholder."""
    from django.contrib.sites.models import Site

    from newsroom.site_domain import PLACEHOLDER, fill_placeholder_domain

    Site.objects.filter(pk=current_site().pk).update(domain=PLACEHOLDER)
    Site.objects.clear_cache()
    fill_placeholder_domain()
    assert current_site().domain != PLACEHOLDER
    assert purges() == []
