"""URL safety: a published article or a topic that changes address leaves a permanent redirect
from every old address, straight to the current one, never in a loop."""

import pytest
from django.contrib.redirects.models import Redirect
from django.urls import reverse

from articles.admin.topics import merge_topics
from articles.models import Article, Topic, TopicItem
from articles.redirects import published_url, record_move
from tests.admin_forms import form_fields
from tests.conftest import parse, text_of
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    TopicFactory,
    add_authors,
    add_topics,
    image_file,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def news():
    return SectionFactory(name="News", slug="news")


@pytest.fixture
def story(news):
    """A published article complete enough to pass every check on publishing."""
    article = ArticleFactory(
        headline="Harbour Reopens",
        slug="harbour-reopens",
        section=news,
        featured_image=image_file(),
        featured_image_alt="Boats in the harbour",
        featured_image_credit="Picture Desk",
    )
    add_authors(article, AuthorFactory(name="Ada Quill"))
    return article


def edit_in_admin(client, obj, **changes):
    """Open the object's change form, change some fields, and save it as an editor would.
    Where the form asks what kind of change it is (a public article), the editor answers
    "minor", unless `changes` say otherwise."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    page = client.get(url)
    data = form_fields(page, f"{obj._meta.model_name}_form")
    if parse(page).select_one("input[name=change_kind]"):
        data["change_kind"] = "minor"
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, [text_of(e) for e in parse(response).select(".errorlist")]
    obj.refresh_from_db()
    return obj


def assert_moved(reader, old, new):
    response = reader.get(old)
    assert response.status_code == 301, f"{old} answered {response.status_code}"
    assert response["Location"] == new


# Articles


def test_a_new_slug_redirects_the_old_address(editor, reader, story):
    edit_in_admin(editor, story, slug="harbour-reopens-at-last")

    assert_moved(reader, "/news/harbour-reopens/", "/news/harbour-reopens-at-last/")
    assert reader.get("/news/harbour-reopens-at-last/").status_code == 200


def test_a_new_section_redirects_the_old_address(editor, reader, story):
    SectionFactory(name="Travel", slug="travel")
    edit_in_admin(editor, story, section=str(Topic.objects.get(slug="travel").pk))

    assert story.get_absolute_url() == "/travel/harbour-reopens/"
    assert_moved(reader, "/news/harbour-reopens/", "/travel/harbour-reopens/")
    assert Redirect.objects.filter(
        old_path="/news/harbour-reopens/", new_path="/travel/harbour-reopens/"
    ).exists()


def test_every_earlier_address_goes_straight_to_the_latest(editor, reader, story):
    travel = SectionFactory(name="Travel", slug="travel")
    edit_in_admin(editor, story, slug="harbour-open")
    edit_in_admin(editor, story, section=str(travel.pk))
    edit_in_admin(editor, story, slug="harbour-open-again")

    for old in ["/news/harbour-reopens/", "/news/harbour-open/", "/travel/harbour-open/"]:
        assert_moved(reader, old, "/travel/harbour-open-again/")
    assert reader.get("/travel/harbour-open-again/").status_code == 200


def test_changing_back_removes_the_redirect_from_the_live_address(editor, reader, story):
    edit_in_admin(editor, story, slug="harbour-closes")
    edit_in_admin(editor, story, slug="harbour-reopens")

    assert reader.get("/news/harbour-reopens/").status_code == 200
    assert_moved(reader, "/news/harbour-closes/", "/news/harbour-reopens/")
    assert list(Redirect.objects.values_list("old_path", "new_path")) == [
        ("/news/harbour-closes/", "/news/harbour-reopens/")
    ]


def test_an_unpublished_article_leaves_no_redirect(editor, news):
    draft = ArticleFactory(slug="draft-one", section=news, status=Article.Status.DRAFT)
    edit_in_admin(editor, draft, slug="draft-two")
    assert not Redirect.objects.exists()


def test_an_edit_that_keeps_the_address_leaves_no_redirect(editor, story):
    edit_in_admin(editor, story, headline="Harbour Reopens To Boats")
    assert not Redirect.objects.exists()


def test_moves_never_make_a_loop():
    record_move(old_url="/a/x/", new_url="/a/y/")
    record_move(old_url="/a/y/", new_url="/a/z/")
    record_move(old_url="/a/z/", new_url="/a/x/")

    redirects = dict(Redirect.objects.values_list("old_path", "new_path"))
    assert redirects == {"/a/y/": "/a/x/", "/a/z/": "/a/x/"}
    assert not set(redirects) & set(redirects.values())


def test_a_move_to_the_same_address_or_from_nowhere_records_nothing():
    assert record_move(old_url="/a/x/", new_url="/a/x/") is None
    assert record_move(old_url=None, new_url="/a/x/") is None
    assert record_move(old_url="/a/x/", new_url=None) is None
    assert not Redirect.objects.exists()


def test_an_address_too_long_to_store_is_skipped_not_an_error():
    assert record_move(old_url="/a/" + "x" * 250 + "/", new_url="/a/y/") is None
    assert not Redirect.objects.exists()


def test_only_published_articles_have_an_address_to_keep(news):
    assert published_url(ArticleFactory(slug="p", section=news)) == "/news/p/"
    assert published_url(ArticleFactory(status=Article.Status.DRAFT)) is None
    assert published_url(ArticleFactory(section=None, status=Article.Status.DRAFT)) is None


# Topics


def test_renaming_a_topic_redirects_its_page_and_feeds(editor, reader, story):
    boats = TopicFactory(name="Boats", slug="boats")
    add_topics(story, boats)

    edit_in_admin(editor, boats, name="Ships", slug="ships")

    assert_moved(reader, "/topics/boats/", "/topics/ships/")
    assert_moved(reader, "/feeds/topics/boats/rss/", "/feeds/topics/ships/rss/")
    assert_moved(reader, "/feeds/topics/boats/atom/", "/feeds/topics/ships/atom/")
    assert "Harbour Reopens" in text_of(parse(reader.get("/topics/ships/")))


def test_renaming_a_section_redirects_its_page_and_its_articles(editor, reader, story, news):
    edit_in_admin(editor, news, name="World", slug="world")

    assert_moved(reader, "/news/", "/world/")
    assert_moved(reader, "/topics/news/", "/world/")
    assert_moved(reader, "/feeds/topics/news/rss/", "/feeds/topics/world/rss/")
    assert_moved(reader, "/news/harbour-reopens/", "/world/harbour-reopens/")


def test_a_topic_renamed_twice_redirects_straight_to_its_latest_name(editor, reader):
    topic = TopicFactory(name="Boats", slug="boats")
    edit_in_admin(editor, topic, slug="ships")
    edit_in_admin(editor, topic, slug="vessels")

    assert_moved(reader, "/topics/boats/", "/topics/vessels/")
    assert_moved(reader, "/topics/ships/", "/topics/vessels/")


def test_a_topic_may_not_take_the_address_of_a_site_page(editor):
    topic = TopicFactory(name="Boats", slug="boats")
    url = reverse("admin:articles_topic_change", args=[topic.pk])
    data = form_fields(editor.get(url), "topic_form")
    response = editor.post(url, {**data, "slug": "search"})
    assert response.status_code == 200
    assert "site's own pages" in text_of(parse(response).select_one(".errorlist"))


@pytest.fixture
def overlapping(news):
    """Three spellings of one subject, two articles carrying two of them, and a section."""
    covid = TopicFactory(name="Covid", slug="covid")
    covid19 = TopicFactory(name="COVID-19", slug="covid-19")
    corona = TopicFactory(name="Coronavirus", slug="coronavirus")
    first = ArticleFactory(headline="First Wave", slug="first-wave", section=news)
    second = ArticleFactory(headline="Second Wave", slug="second-wave", section=news)
    third = ArticleFactory(headline="Vaccines Arrive", slug="vaccines-arrive", section=news)
    add_topics(first, covid, covid19)
    add_topics(second, covid19, corona)
    add_topics(third, covid)
    return {"covid": covid, "covid-19": covid19, "coronavirus": corona}


def merge_in_admin(client, topics, into):
    """Select the topics, choose "Merge into…", then the topic to keep on the next page."""
    url = reverse("admin:articles_topic_changelist")
    selected = {"action": "merge_into", "_selected_action": [topic.pk for topic in topics]}
    page = parse(client.post(url, selected))
    choices = {text_of(label) for label in page.select("#id_target label")}
    assert choices == {
        f"{topic.name} ({'section' if topic.in_navigation else 'topic'}, {topic.get_absolute_url()})"
        for topic in topics
    }
    return client.post(url, {**selected, "target": into.pk, "apply": "Merge"})


def test_merging_topics_moves_their_articles_to_the_one_kept(editor, reader, overlapping):
    response = merge_in_admin(editor, overlapping.values(), into=overlapping["covid"])

    assert response.status_code == 302
    assert list(Topic.objects.filter(slug__startswith="co").values_list("slug", flat=True)) == [
        "covid"
    ]
    covid = overlapping["covid"]
    tagged = TopicItem.objects.filter(tag=covid).values_list("content_object__slug", flat=True)
    assert sorted(tagged) == ["first-wave", "second-wave", "vaccines-arrive"]
    assert TopicItem.objects.count() == 3
    page = text_of(parse(reader.get("/topics/covid/")))
    assert all(headline in page for headline in ["First Wave", "Second Wave", "Vaccines Arrive"])
    assert_moved(reader, "/topics/covid-19/", "/topics/covid/")
    assert_moved(reader, "/topics/coronavirus/", "/topics/covid/")
    assert_moved(reader, "/feeds/topics/coronavirus/atom/", "/feeds/topics/covid/atom/")


def test_the_merge_reports_what_it_did(editor, overlapping):
    response = merge_in_admin(editor, overlapping.values(), into=overlapping["covid"])
    page = parse(editor.get(response["Location"]))
    note = text_of(page.select_one(".messagelist"))
    assert note.startswith("Merged ")
    assert note.endswith(" into Covid; 2 articles moved.")
    assert "Coronavirus" in note and "COVID-19" in note


def test_merging_sections_moves_their_articles_into_the_section_kept(
    editor, reader, story, news, django_capture_on_commit_callbacks
):
    world = SectionFactory(name="World", slug="world")
    reader.get(story.get_absolute_url())  # the page's fragments are now cached

    with django_capture_on_commit_callbacks(execute=True):
        merge_in_admin(editor, [news, world], into=world)

    story.refresh_from_db()
    assert story.section == world
    assert_moved(reader, "/news/", "/world/")
    assert_moved(reader, "/news/harbour-reopens/", "/world/harbour-reopens/")
    page = parse(reader.get("/world/harbour-reopens/"))
    assert [text_of(item) for item in page.select(".breadcrumbs li")] == ["Home", "World"]
    assert "Harbour Reopens" in text_of(parse(reader.get("/world/")))


def test_a_section_cannot_be_merged_into_a_plain_topic(editor, news):
    boats = TopicFactory(name="Boats", slug="boats")
    response = merge_in_admin(editor, [news, boats], into=boats)

    assert response.status_code == 200
    assert "only into another section" in text_of(parse(response).select_one(".errorlist"))
    assert Topic.objects.filter(slug="news").exists()


def test_merging_needs_two_topics(editor, news):
    url = reverse("admin:articles_topic_changelist")
    response = editor.post(url, {"action": "merge_into", "_selected_action": [news.pk]})
    assert response.status_code == 302
    assert "Select at least two topics" in text_of(parse(editor.get(url)))


def test_merge_topics_is_a_no_op_when_only_the_kept_topic_is_given(news):
    assert merge_topics(topics=[news], into=news) == 0
    assert Topic.objects.filter(pk=news.pk).exists()


def test_merging_then_renaming_keeps_every_old_address_one_hop_away(editor, reader, overlapping):
    merge_in_admin(editor, overlapping.values(), into=overlapping["covid"])
    edit_in_admin(editor, overlapping["covid"], slug="pandemic")

    for old in ["/topics/covid/", "/topics/covid-19/", "/topics/coronavirus/"]:
        assert_moved(reader, old, "/topics/pandemic/")


def test_topics_a_to_z_counts_the_merged_articles_once(
    editor, reader, overlapping, django_capture_on_commit_callbacks
):
    reader.get("/topics/")  # the counts are now cached

    with django_capture_on_commit_callbacks(execute=True):
        merge_in_admin(editor, overlapping.values(), into=overlapping["covid"])

    page = parse(reader.get("/topics/"))
    entries = [text_of(item) for item in page.select(".az-list li")]
    assert "Covid (3)" in entries
    assert not [entry for entry in entries if entry.startswith(("COVID-19", "Coronavirus"))]
