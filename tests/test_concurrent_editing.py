"""Two people editing one article: the second save is refused, and nothing typed is lost."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.admin_revisions import StaleCheckForm
from articles.models import Article, RelatedLink
from tests.conftest import parse, text_of
from tests.factories import ArticleFactory, AuthorFactory, add_authors
from tests.test_revisions import change_form_data, change_url, versions_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_editor(django_user_model):
    """A logged-in client for a new editor, each with their own session."""

    def make(username, full_name):
        first, last = full_name.split()
        user = django_user_model.objects.create_superuser(
            username,
            f"{username}@example.com",
            "a-long-password-1",
            first_name=first,
            last_name=last,
        )
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def article():
    article = ArticleFactory(
        headline="Council Approves Budget",
        standfirst="The vote was close.",
        body="<p>The council approved the budget on Monday.</p>",
        status=Article.Status.DRAFT,
        published_at=None,
    )
    add_authors(article, AuthorFactory(name="Jo March"))
    return article


def errors(response):
    return text_of(parse(response).select_one("form#article_form"))


def test_the_change_form_carries_the_version_it_was_loaded_at(make_editor, article):
    Article.objects.filter(pk=article.pk).update(version=7)
    data = change_form_data(make_editor("ann", "Ann Lee").get(change_url(article)))
    assert data["loaded_version"] == "7"
    assert data["loaded_state"]


def test_sequential_saves_each_raise_the_version(make_editor, article):
    ann = make_editor("ann", "Ann Lee")
    for number, headline in enumerate(["Budget Passes", "Budget Passes Narrowly"], start=2):
        data = change_form_data(ann.get(change_url(article)))
        data["headline"] = headline
        response = ann.post(change_url(article), data)
        assert response.status_code == 302, parse(response).select(".errorlist")
        assert Article.objects.get(pk=article.pk).version == number
    assert Article.objects.get(pk=article.pk).headline == "Budget Passes Narrowly"


def test_the_second_of_two_editors_to_save_is_refused_and_keeps_what_they_typed(
    make_editor, article
):
    ann, bob = make_editor("ann", "Ann Lee"), make_editor("bob", "Bob Ray")
    anns_form = change_form_data(ann.get(change_url(article)))
    bobs_form = change_form_data(bob.get(change_url(article)))
    beth = AuthorFactory(name="Beth March")

    anns_form["headline"] = "Council Rejects Budget"
    anns_form["article_authors-0-author"] = str(beth.pk)
    assert ann.post(change_url(article), anns_form).status_code == 302

    bobs_form["standfirst"] = "Bob's new standfirst."
    bobs_form["body"] = "<p>Bob rewrote the story.</p>"
    bobs_form["related_links-0-title"] = "Bob's link"
    bobs_form["related_links-0-url"] = "https://example.org/bob"
    response = bob.post(change_url(article), bobs_form)

    assert response.status_code == 200
    page = parse(response)
    message = text_of(page.select_one(".errornote ~ ul.errorlist.nonfield, ul.errorlist.nonfield"))
    assert "Ann Lee saved this article" in message
    assert "They changed Headline and Byline." in message
    assert "Body" not in message  # Bob's own change, not Ann's
    headline_error = text_of(page.select_one(".field-headline .errorlist"))
    assert "Council Rejects Budget" in headline_error
    # Bob's typing is all still in the form...
    assert page.select_one("textarea[name=standfirst]").text.strip() == "Bob's new standfirst."
    assert page.select_one("textarea[name=body]").text.strip() == "<p>Bob rewrote the story.</p>"
    assert page.select_one("input[name=headline]")["value"] == "Council Approves Budget"
    assert page.select_one("input[name='related_links-0-url']")["value"] == (
        "https://example.org/bob"
    )
    # ...and none of it in the database, which keeps Ann's save.
    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == "Council Rejects Budget"
    assert stored.standfirst == "The vote was close."
    assert stored.body == "<p>The council approved the budget on Monday.</p>"
    assert [author.name for author in stored.byline] == ["Beth March"]
    assert not RelatedLink.objects.filter(article=article).exists()
    assert stored.version == 2
    assert len(versions_of(article)) == 1  # Ann's save only


def test_saving_again_after_reading_the_changes_keeps_the_second_editors_version(
    make_editor, article
):
    ann, bob = make_editor("ann", "Ann Lee"), make_editor("bob", "Bob Ray")
    anns_form = change_form_data(ann.get(change_url(article)))
    bobs_form = change_form_data(bob.get(change_url(article)))
    anns_form["headline"] = "Council Rejects Budget"
    ann.post(change_url(article), anns_form)
    bobs_form["body"] = "<p>Bob rewrote the story.</p>"
    refused = bob.post(change_url(article), bobs_form)

    response = bob.post(change_url(article), change_form_data(refused))

    assert response.status_code == 302, parse(response).select(".errorlist")
    stored = Article.objects.get(pk=article.pk)
    assert stored.body == "<p>Bob rewrote the story.</p>"
    assert stored.version == 3


def test_a_save_overtaken_between_its_check_and_its_write_is_refused(
    make_editor, article, monkeypatch
):
    """Another save commits after this one's form was checked: nothing of this one is kept."""
    ann = make_editor("ann", "Ann Lee")
    form = change_form_data(ann.get(change_url(article)))
    form["headline"] = "Overtaken"
    Article.objects.filter(pk=article.pk).update(headline="Someone Else's", version=2)
    checks = []
    real_clean = StaleCheckForm.clean

    def clean_as_if_checked_before_the_other_save(self):
        checks.append(self)
        if len(checks) == 1:  # this check saw version 1, still current at the time
            return super(StaleCheckForm, self).clean()
        return real_clean(self)

    monkeypatch.setattr(StaleCheckForm, "clean", clean_as_if_checked_before_the_other_save)
    response = ann.post(change_url(article), form)

    assert response.status_code == 200
    assert len(checks) == 2
    assert "while you were editing it" in errors(response)
    assert "Headline" in errors(response)
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.version) == ("Someone Else's", 2)
    assert versions_of(article) == []


def test_a_form_without_the_version_still_saves_and_counts(make_editor, article):
    """Scripts posting the form by hand are not refused; the version still goes up."""
    ann = make_editor("ann", "Ann Lee")
    form = change_form_data(ann.get(change_url(article)))
    del form["loaded_version"], form["loaded_state"]
    form["headline"] = "Posted By Hand"
    assert ann.post(change_url(article), form).status_code == 302
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.version) == ("Posted By Hand", 2)


def test_a_restore_meanwhile_counts_as_someone_elses_save(make_editor, article):
    ann, bob = make_editor("ann", "Ann Lee"), make_editor("bob", "Bob Ray")
    form = change_form_data(ann.get(change_url(article)))
    form["headline"] = "First Change"
    ann.post(change_url(article), form)
    bobs_form = change_form_data(bob.get(change_url(article)))
    (first,) = versions_of(article)
    ann.post(reverse("admin:articles_article_revision", args=[article.pk, first.pk]))

    bobs_form["body"] = "<p>Bob's body.</p>"
    response = bob.post(change_url(article), bobs_form)

    assert response.status_code == 200
    assert "Ann Lee saved this article" in errors(response)
    assert "Nothing they saved differs from what you loaded." in errors(response)
