"""Two people editing one article: the second save keeps what the first saved and applies
only what the second changed; where both changed a field, the second chooses. Nothing typed is
lost."""

import pytest
from django.urls import reverse

from articles.admin.concurrency import StaleCheckForm
from articles.models import Article, RelatedLink
from tests.admin_forms import form_fields
from tests.conftest import member, parse, signed_in, text_of
from tests.factories import ArticleFactory, AuthorFactory, add_authors
from tests.test_revisions import change_url, versions_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_editor(django_user_model):
    """A signed-in client for a new editor with a full name (the warnings name who saved), each
    with their own session; more than the `editor` and `other_editor` personas, for three."""

    def make(username, full_name):
        first, last = full_name.split()
        return signed_in(
            member(django_user_model, "Editor", username, first_name=first, last_name=last)
        )

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
    data = form_fields(make_editor("ann", "Ann Lee").get(change_url(article)), "article_form")
    assert data["loaded_version"] == "7"
    assert data["loaded_state"]


def test_sequential_saves_each_raise_the_version(make_editor, article):
    ann = make_editor("ann", "Ann Lee")
    for number, headline in enumerate(["Budget Passes", "Budget Passes Narrowly"], start=2):
        data = form_fields(ann.get(change_url(article)), "article_form")
        data["headline"] = headline
        response = ann.post(change_url(article), data)
        assert response.status_code == 302, parse(response).select(".errorlist")
        assert Article.objects.get(pk=article.pk).version == number
    assert Article.objects.get(pk=article.pk).headline == "Budget Passes Narrowly"


def both_load(make_editor, article):
    """Ann and Bob, each signed in with the article's change form open: (ann, form, bob, form)."""
    ann, bob = make_editor("ann", "Ann Lee"), make_editor("bob", "Bob Ray")
    return (
        ann,
        form_fields(ann.get(change_url(article)), "article_form"),
        bob,
        form_fields(bob.get(change_url(article)), "article_form"),
    )


def test_disjoint_changes_of_two_editors_both_survive(make_editor, article):
    ann, anns_form, bob, bobs_form = both_load(make_editor, article)
    beth = AuthorFactory(name="Beth March")
    anns_form["headline"] = "Council Rejects Budget"
    anns_form["article_authors-0-author"] = str(beth.pk)
    assert ann.post(change_url(article), anns_form).status_code == 302

    bobs_form["standfirst"] = "Bob's new standfirst."
    bobs_form["body"] = "<p>Bob rewrote the story.</p>"
    bobs_form["related_links-0-title"] = "Bob's link"
    bobs_form["related_links-0-url"] = "https://example.org/bob"
    response = bob.post(change_url(article), bobs_form, follow=True)

    assert response.redirect_chain, errors(response)
    assert (
        "Ann Lee saved this article while you were editing it. Their changes to Headline and "
        "Byline were kept with yours."
    ) in text_of(parse(response))
    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == "Council Rejects Budget"
    assert [author.name for author in stored.byline] == ["Beth March"]
    assert stored.standfirst == "Bob's new standfirst."
    assert stored.body == "<p>Bob rewrote the story.</p>"
    assert [link.title for link in RelatedLink.objects.filter(article=article)] == ["Bob's link"]
    assert stored.version == 3


def refused_over_the_headline(make_editor, article):
    """Ann and Bob both change the headline; Bob also the body. Bob's save is refused:
    returns (bob, the refusal response)."""
    ann, anns_form, bob, bobs_form = both_load(make_editor, article)
    anns_form["headline"] = "Council Rejects Budget"
    assert ann.post(change_url(article), anns_form).status_code == 302
    bobs_form["headline"] = "Budget Vote Delayed"
    bobs_form["body"] = "<p>Bob rewrote the story.</p>"
    return bob, bob.post(change_url(article), bobs_form)


def test_a_field_both_changed_comes_back_showing_both_and_nothing_is_saved(make_editor, article):
    bob, response = refused_over_the_headline(make_editor, article)

    assert response.status_code == 200
    page = parse(response)
    assert "Ann Lee saved this article" in errors(response)
    assert "you both changed Headline." in errors(response)
    conflict = page.select_one("#merge-conflicts tr.change-headline")
    assert text_of(conflict.select_one("td.old")) == "Council Rejects Budget"
    assert text_of(conflict.select_one("td.new")) == "Budget Vote Delayed"
    assert page.select_one("#merge-conflicts tr.change-body") is None  # only Bob changed it
    assert [radio["value"] for radio in page.select("input[name=keep_headline]")] == [
        "theirs",
        "mine",
    ]
    # Bob's typing is still in the form, and nothing of it in the database.
    assert page.select_one("textarea[name=body]").text.strip() == "<p>Bob rewrote the story.</p>"
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.body, stored.version) == (
        "Council Rejects Budget",
        "<p>The council approved the budget on Monday.</p>",
        2,
    )
    assert len(versions_of(article)) == 1  # Ann's save only


def test_saving_the_refusal_page_as_presented_without_choosing_changes_nothing(
    make_editor, article
):
    bob, refused = refused_over_the_headline(make_editor, article)

    response = bob.post(change_url(article), form_fields(refused, "article_form"))

    assert response.status_code == 200
    assert parse(response).select_one("#merge-conflicts tr.change-headline")
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.version) == ("Council Rejects Budget", 2)


@pytest.mark.parametrize(
    ("choice", "headline"), [("theirs", "Council Rejects Budget"), ("mine", "Budget Vote Delayed")]
)
def test_the_editor_chooses_per_field_and_keeps_the_rest_of_both(
    make_editor, article, choice, headline
):
    bob, refused = refused_over_the_headline(make_editor, article)
    form = form_fields(refused, "article_form")
    form["keep_headline"] = choice

    response = bob.post(change_url(article), form)

    assert response.status_code == 302, errors(response)
    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == headline
    assert stored.body == "<p>Bob rewrote the story.</p>"
    assert stored.version == 3


def test_choices_made_before_a_third_save_are_asked_again(make_editor, article):
    bob, refused = refused_over_the_headline(make_editor, article)
    form = form_fields(refused, "article_form")
    form["keep_headline"] = "mine"
    carl = make_editor("carl", "Carl Po")
    carls_form = form_fields(carl.get(change_url(article)), "article_form")
    carls_form["headline"] = "Carl's Headline"
    assert carl.post(change_url(article), carls_form).status_code == 302

    response = bob.post(change_url(article), form)

    assert response.status_code == 200
    conflict = parse(response).select_one("#merge-conflicts tr.change-headline")
    assert text_of(conflict.select_one("td.old")) == "Carl's Headline"
    assert Article.objects.get(pk=article.pk).headline == "Carl's Headline"


def test_the_first_editors_updated_mark_and_correction_survive_the_second_save(make_editor):
    story = ArticleFactory(headline="Harbour Reopens", body="<p>The harbour reopened.</p>")
    add_authors(story, AuthorFactory(name="Jo March"))
    ann, anns_form, bob, bobs_form = both_load(make_editor, story)
    anns_form.update(
        headline="Harbour Reopens Today",
        change_kind="correction",
        correction_note="The harbour reopened on Tuesday, not Monday.",
    )
    assert ann.post(change_url(story), anns_form).status_code == 302
    marked = Article.objects.get(pk=story.pk).updated_at
    assert marked is not None

    bobs_form.update(body="<p>The harbour reopened to ferries.</p>", change_kind="minor")
    response = bob.post(change_url(story), bobs_form)

    assert response.status_code == 302, errors(response)
    stored = Article.objects.get(pk=story.pk)
    assert stored.updated_at == marked
    assert stored.headline == "Harbour Reopens Today"
    assert stored.body == "<p>The harbour reopened to ferries.</p>"
    assert [c.note for c in stored.corrections.all()] == [
        "The harbour reopened on Tuesday, not Monday."
    ]


def test_inlines_changed_by_one_editor_survive_the_others_save(make_editor, article):
    jo = article.byline[0]
    amy = AuthorFactory(name="Amy March")
    ann, anns_form, bob, bobs_form = both_load(make_editor, article)
    anns_form.update(
        {
            "topics": "Budget, Council",
            "article_authors-1-author": str(amy.pk),
            "article_authors-1-position": "1",
            "related_links-0-title": "Ann's link",
            "related_links-0-url": "https://example.org/ann",
        }
    )
    assert ann.post(change_url(article), anns_form).status_code == 302
    bobs_form["headline"] = "Bob's Headline"

    assert bob.post(change_url(article), bobs_form).status_code == 302

    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == "Bob's Headline"
    assert sorted(topic.name for topic in stored.ordered_topics) == ["Budget", "Council"]
    assert [author.name for author in stored.byline] == [jo.name, "Amy March"]
    assert [link.title for link in stored.related_links.all()] == ["Ann's link"]


def test_inlines_the_second_editor_changed_are_applied_over_the_first_editors_save(
    make_editor, article
):
    ann, anns_form, bob, bobs_form = both_load(make_editor, article)
    anns_form["headline"] = "Ann's Headline"
    assert ann.post(change_url(article), anns_form).status_code == 302
    bobs_form.update({"topics": "Weather", "article_authors-0-DELETE": "on"})
    bobs_form["article_authors-1-author"] = str(AuthorFactory(name="Amy March").pk)

    assert bob.post(change_url(article), bobs_form).status_code == 302

    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == "Ann's Headline"
    assert [topic.name for topic in stored.ordered_topics] == ["Weather"]
    assert [author.name for author in stored.byline] == ["Amy March"]


def test_a_save_overtaken_between_its_check_and_its_write_is_refused(
    make_editor, article, monkeypatch
):
    """Another save commits after this one's form was checked: nothing of this one is kept."""
    ann = make_editor("ann", "Ann Lee")
    form = form_fields(ann.get(change_url(article)), "article_form")
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
    assert "while you were editing it, and you both changed Headline." in errors(response)
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.version) == ("Someone Else's", 2)
    assert versions_of(article) == []


def test_a_form_without_the_version_still_saves_and_counts(make_editor, article):
    """Scripts posting the form by hand are not refused; the version still goes up."""
    ann = make_editor("ann", "Ann Lee")
    form = form_fields(ann.get(change_url(article)), "article_form")
    del form["loaded_version"], form["loaded_state"]
    form["headline"] = "Posted By Hand"
    assert ann.post(change_url(article), form).status_code == 302
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.version) == ("Posted By Hand", 2)


def test_a_restore_meanwhile_counts_as_someone_elses_save(make_editor, article):
    ann, bob = make_editor("ann", "Ann Lee"), make_editor("bob", "Bob Ray")
    form = form_fields(ann.get(change_url(article)), "article_form")
    form["headline"] = "First Change"
    ann.post(change_url(article), form)
    bobs_form = form_fields(bob.get(change_url(article)), "article_form")
    (first,) = versions_of(article)
    ann.post(reverse("admin:articles_article_revision", args=[article.pk, first.pk]))

    bobs_form["body"] = "<p>Bob's body.</p>"
    response = bob.post(change_url(article), bobs_form)

    assert response.status_code == 302, errors(response)
    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == "First Change"  # the restore changed nothing Bob had loaded
    assert stored.body == "<p>Bob's body.</p>"


def test_a_tampered_stale_form_is_asked_about_every_difference_not_failed(make_editor, article):
    """A fingerprint that is not one and choices that are not choices: no error page, nothing
    saved, and every field that differs from the stored article is put to the editor."""
    ann, anns_form, bob, bobs_form = both_load(make_editor, article)
    anns_form["headline"] = "Council Rejects Budget"
    assert ann.post(change_url(article), anns_form).status_code == 302
    bobs_form.update(
        loaded_state="{not json",
        conflicts_at="2",
        keep_headline="both",
        **{"article_authors-TOTAL_FORMS": "99999999"},
    )

    response = bob.post(change_url(article), bobs_form)

    assert response.status_code == 200
    assert parse(response).select_one("#merge-conflicts tr.change-headline")
    assert Article.objects.get(pk=article.pk).version == 2
