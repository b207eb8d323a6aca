"""Topic names: one topic per name whatever its case (Unicode case folding, in Python and in the
database alike), and a name too long for its column is a form error with the article kept."""

import pytest
from django.contrib.redirects.models import Redirect
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from articles.models import Article, Topic
from tests.admin_forms import form_fields
from tests.conftest import parse, text_of
from tests.factories import ArticleFactory, TopicFactory
from tests.test_revisions import change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(headline="Council Approves Budget", status=Article.Status.DRAFT)


def test_a_topic_name_longer_than_its_column_is_a_form_error_and_keeps_what_was_typed(
    editor, article
):
    data = form_fields(editor.get(change_url(article)), "article_form")
    long_name = "Very long topic " + "x" * 100
    typed = {"headline": "Council Approves Budget, Again", "topics": f"Budget, {long_name}"}

    response = editor.post(change_url(article), {**data, **typed})

    assert response.status_code == 200
    form = parse(response).select_one("form#article_form")
    assert "Topic names can be at most 100 characters: “Very long topic x" in text_of(
        form.select_one(".errorlist")
    )
    assert form.select_one("input[name=headline]")["value"] == typed["headline"]
    assert long_name in form.select_one("[name=topics]")["value"]
    article.refresh_from_db()
    assert article.headline == "Council Approves Budget"
    assert not Topic.objects.filter(name__in=["Budget", long_name]).exists()


def test_typing_a_topic_in_another_case_tags_the_existing_topic(editor, article):
    economy = TopicFactory(name="Économie")
    data = form_fields(editor.get(change_url(article)), "article_form")

    response = editor.post(change_url(article), {**data, "topics": "économie, ÉCONOMIE"})

    assert response.status_code == 302
    assert list(article.topics.all()) == [economy]
    assert not Topic.objects.filter(name__in=["économie", "ÉCONOMIE"]).exists()


def test_the_database_refuses_two_topics_whose_names_fold_to_the_same(article):
    Topic.objects.create(name="Économie")
    with pytest.raises(IntegrityError), transaction.atomic():
        Topic.objects.create(name="ÉCONOMIE")
    with pytest.raises(IntegrityError), transaction.atomic():
        Topic.objects.create(name="économie ", slug="another")


def test_the_topic_admin_refuses_a_name_that_is_already_a_topic_in_another_case(editor):
    TopicFactory(name="Économie")
    url = reverse("admin:articles_topic_add")
    data = form_fields(editor.get(url), "topic_form")

    response = editor.post(url, {**data, "name": "ÉCONOMIE", "slug": "economie-2"})

    assert response.status_code == 200
    assert "“Économie” is already a topic" in text_of(parse(response).select_one(".errorlist"))
    assert Topic.objects.count() == 1


def test_topic_suggestions_match_names_in_any_case_on_every_database(editor):
    for name in ["Économie", "Écologie", "Politique"]:
        TopicFactory(name=name)
    url = reverse("admin:articles_article_topic_suggestions")

    assert editor.get(url, {"q": "éco"}).json() == {"results": ["Écologie", "Économie"]}
    assert editor.get(url, {"q": "NOMIE"}).json() == {"results": ["Économie"]}


@pytest.mark.django_db(transaction=True)
def test_the_migration_merges_topics_whose_names_fold_to_the_same_and_keeps_the_section():
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0007_search_vector_parses_html")])
    old = executor.loader.project_state([("articles", "0007_search_vector_parses_html")]).apps
    OldTopic, OldArticle = old.get_model("articles", "Topic"), old.get_model("articles", "Article")
    OldTopic.objects.create(name="économie", slug="economie")
    section = OldTopic.objects.create(name="Économie", slug="economie-1", in_navigation=True)
    tagged = OldTopic.objects.create(name="ÉCONOMIE", slug="economie-2")
    story = OldArticle.objects.create(headline="Rates", slug="rates", section=section)
    old.get_model("articles", "TopicItem").objects.create(tag=tagged, content_object=story)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    kept = Topic.objects.get()
    assert (kept.name, kept.name_key, kept.in_navigation) == ("Économie", "économie", True)
    assert list(Article.objects.get(slug="rates").topics.all()) == [kept]
    assert Redirect.objects.filter(old_path="/topics/economie-2/").exists()
