"""Article revisions in the admin: kept on every save, listed, compared, restored, recovered."""

from datetime import timedelta

import pytest
import reversion
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import revisions
from articles.models import Article, RelatedLink
from tests.admin_forms import form_fields
from tests.conftest import parse, text_of
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    TopicFactory,
    add_authors,
    add_related,
    add_topics,
)

pytestmark = pytest.mark.django_db


# Personas and helpers ------------------------------------------------------------------------


@pytest.fixture
def editor_user(django_user_model):
    return django_user_model.objects.create_superuser(
        "ed", "ed@example.com", "a-long-password-1", first_name="Edie", last_name="Tor"
    )


@pytest.fixture
def editor(client, editor_user):
    client.force_login(editor_user)
    return client


@pytest.fixture
def viewer(client, django_user_model):
    """Staff who may look at articles but change none."""
    user = django_user_model.objects.create_user("vi", "vi@example.com", "a-long-password-1")
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(user)
    return client


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def diff_url(article, old, new):
    url = reverse("admin:articles_article_revision_diff", args=[article.pk])
    return f"{url}?from={old.pk}&to={new.pk}"


def restore_url(article, version):
    return reverse("admin:articles_article_revision", args=[article.pk, version.pk])


def save_in_admin(client, article, **changes):
    """Open the article's change form, change some fields and save it; returns the response."""
    data = form_fields(client.get(change_url(article)), "article_form")
    data.update(changes)
    return client.post(change_url(article), data)


def versions_of(article):
    return list(revisions.article_versions(article))


def draft(**kwargs):
    """A draft article: the workflow's publishing questions do not arise when saving it."""
    return ArticleFactory(status=Article.Status.DRAFT, published_at=None, **kwargs)


# Keeping revisions ---------------------------------------------------------------------------


def test_every_admin_save_keeps_a_revision_with_who_and_when(editor, editor_user):
    article = draft(headline="First Words")
    before = timezone.now()

    response = save_in_admin(editor, article, headline="Second Words")
    assert response.status_code == 302, parse(response).select(".errorlist")
    save_in_admin(editor, article, headline="Third Words")

    kept = versions_of(article)
    assert len(kept) == 2
    assert [version.field_dict["headline"] for version in kept] == ["Second Words", "Third Words"]
    for version in kept:
        assert version.revision.user == editor_user
        assert before <= version.revision.date_created <= timezone.now()
    assert "Headline" in kept[0].revision.get_comment()


def test_a_revision_holds_the_byline_topics_related_links_and_featured_image(editor):
    article = draft(
        featured_image_alt="A crowd in a square",
        featured_image_credit="Jane Doe / Newsroom",
    )
    jo, amy = AuthorFactory(name="Jo March"), AuthorFactory(name="Amy March")
    add_authors(article, jo, amy)
    add_topics(article, TopicFactory(name="Politics"))
    add_related(article, ("Background", "https://example.org/background"))

    save_in_admin(editor, article, headline="With Everything")

    state = revisions.ArticleState.of_version(versions_of(article)[-1])
    assert [row["author_id"] for row in state.rows["byline"]] == [jo.pk, amy.pk]
    assert [row["tag_id"] for row in state.rows["topics"]] == [article.topic_items.get().tag_id]
    assert [row["url"] for row in state.rows["related_links"]] == ["https://example.org/background"]
    assert state.fields["featured_image_alt"] == "A crowd in a square"
    assert state.fields["featured_image_credit"] == "Jane Doe / Newsroom"


def test_a_revision_records_the_byline_as_saved_not_as_loaded(editor):
    article = draft()
    add_authors(article, AuthorFactory(name="Jo March"))
    beth = AuthorFactory(name="Beth March")

    data = form_fields(editor.get(change_url(article)), "article_form")
    data["article_authors-0-author"] = str(beth.pk)  # the byline's one row, now Beth
    assert editor.post(change_url(article), data).status_code == 302

    state = revisions.ArticleState.of_version(versions_of(article)[-1])
    assert [row["author_id"] for row in state.rows["byline"]] == [beth.pk]


def test_an_imported_article_keeps_its_imported_state_before_the_first_edit(editor):
    article = draft(headline="As the wire sent it")
    Article.objects.filter(pk=article.pk).update(source_system="wordpress:old.example")

    save_in_admin(editor, article, headline="As the desk rewrote it")

    versions = versions_of(article)
    assert [v.field_dict["headline"] for v in versions] == ["As the wire sent it", "As the desk rewrote it"]
    assert versions[0].revision.comment == "As imported (from wordpress:old.example)."


def test_adding_an_article_in_the_admin_keeps_its_first_revision(editor, editor_user):
    data = form_fields(editor.get(reverse("admin:articles_article_add")), "article_form")
    data.update(headline="Brand New", slug="brand-new", body="<p>Hello.</p>")
    response = editor.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, parse(response).select(".errorlist")

    (version,) = versions_of(Article.objects.get(slug="brand-new"))
    assert version.revision.user == editor_user


# The history ---------------------------------------------------------------------------------


def test_the_history_lists_revisions_newest_first_with_links(editor):
    article = draft()
    save_in_admin(editor, article, headline="One")
    save_in_admin(editor, article, headline="Two")
    first, second = versions_of(article)

    page = parse(editor.get(history_url(article)))

    rows = page.select("#change-history tbody tr")
    assert [row.select_one("th").get_text(strip=True) for row in rows] == ["2 (latest)", "1"]
    assert "ed (Edie Tor)" in text_of(rows[0])
    assert rows[0].select_one("a.revision-diff-link")["href"] == diff_url(article, first, second)
    assert rows[1].select_one("a.revision-restore-link")["href"] == restore_url(article, first)
    assert rows[0].select_one("a.revision-restore-link") is None  # the latest is the article


# Comparing -----------------------------------------------------------------------------------


def test_the_diff_shows_each_changed_field_readably(editor):
    article = draft(
        headline="Storm Hits Coast",
        body="<p>The storm reached the coast on Monday.</p><p>Nobody was hurt.</p>",
    )
    jo, amy, beth = (AuthorFactory(name=name) for name in ("Jo March", "Amy March", "Beth March"))
    add_authors(article, jo, amy)
    save_in_admin(editor, article)  # revision 1: as it was

    data = form_fields(editor.get(change_url(article)), "article_form")
    data.update(
        headline="Storm Hits <b>Coast</b> Hard",
        body="<p>The storm reached the coast on Tuesday.</p><p>Nobody was hurt.</p>",
        topics="Weather",
    )
    data["article_authors-1-author"] = str(beth.pk)  # Amy's place in the byline goes to Beth
    assert editor.post(change_url(article), data).status_code == 302
    old, new = versions_of(article)

    page = parse(editor.get(diff_url(article, old, new)))

    headline = page.select_one("tr.change-headline")
    assert headline.select_one("del").get_text() == "Storm Hits Coast"
    assert headline.select_one("ins").get_text() == "Storm Hits <b>Coast</b> Hard"
    assert headline.select_one("ins b") is None  # escaped, not markup
    body = page.select_one("tr.change-body")
    assert [tag.get_text() for tag in body.select("del")] == ["Monday."]
    assert [tag.get_text() for tag in body.select("ins")] == ["Tuesday."]
    assert "Nobody was hurt." in text_of(body)
    byline = page.select_one("tr.change-byline")
    before, after = byline.select("td")
    assert [li.get_text() for li in before.select("li")] == ["Jo March", "Amy March"]
    assert [li.get_text() for li in after.select("li")] == ["Jo March", "Beth March"]
    assert [tag.get_text() for tag in after.select("ins")] == ["Beth March"]
    topics = page.select_one("tr.change-topics")
    assert "Weather" in text_of(topics.select("td")[1])
    assert page.select_one("tr.change-standfirst") is None  # unchanged fields are left out


def test_the_diff_of_a_long_body_shortens_what_did_not_change():
    words = " ".join(f"word{number}" for number in range(200))
    segments = revisions.word_diff(f"<p>{words} end.</p>", f"<p>{words} finish.</p>")
    assert [(s.op, s.text) for s in segments if s.op in {"insert", "delete"}] == [
        ("delete", "end."),
        ("insert", "finish."),
    ]
    assert segments[0].op == "gap"
    assert sum(len(s.text.split()) for s in segments if s.op == "equal") == revisions.CONTEXT


def test_the_history_form_compares_the_two_chosen_revisions(editor):
    article = draft()
    for headline in ("One", "Two", "Three"):
        save_in_admin(editor, article, headline=headline)
    first, _, third = versions_of(article)

    url = reverse("admin:articles_article_revision_diff", args=[article.pk])
    page = parse(editor.get(url, {"from": third.pk, "to": first.pk}))

    headline = page.select_one("tr.change-headline")
    assert headline.select_one("del").get_text() == "One"
    assert headline.select_one("ins").get_text() == "Three"


def test_a_revision_of_another_article_is_not_found(editor):
    article, other = draft(), draft()
    save_in_admin(editor, article, headline="Mine")
    save_in_admin(editor, other, headline="Theirs")
    (theirs,) = versions_of(other)
    (mine,) = versions_of(article)

    assert editor.get(diff_url(article, mine, theirs)).status_code == 404
    assert editor.get(restore_url(article, theirs)).status_code == 404


# Restoring -----------------------------------------------------------------------------------


def test_restoring_brings_back_body_topics_byline_and_related_links(editor, editor_user):
    article = draft(body="<p>The first telling.</p>")
    jo, amy = AuthorFactory(name="Jo March"), AuthorFactory(name="Amy March")
    add_authors(article, jo)
    add_topics(article, TopicFactory(name="Politics"), TopicFactory(name="Russia"))
    add_related(article, ("Background", "https://example.org/background"))
    save_in_admin(editor, article)  # revision 1

    data = form_fields(editor.get(change_url(article)), "article_form")
    data.update(
        {
            "body": "<p>A second telling.</p>",
            "topics": "Weather",
            "article_authors-0-author": str(amy.pk),
            "related_links-0-DELETE": "on",
        }
    )
    assert editor.post(change_url(article), data).status_code == 302
    first = versions_of(article)[0]
    version_before = Article.objects.get(pk=article.pk).version

    page = parse(editor.get(restore_url(article, first)))
    body = page.select_one("tr.change-body")
    assert [tag.get_text() for tag in body.select("del")] == ["A second"]
    assert [tag.get_text() for tag in body.select("ins")] == ["The first"]
    response = editor.post(restore_url(article, first))

    assert response.status_code == 302
    assert response["Location"] == change_url(article)
    article.refresh_from_db()
    assert article.body == "<p>The first telling.</p>"
    assert [topic.name for topic in article.ordered_topics] == ["Politics", "Russia"]
    assert [author.name for author in article.byline] == ["Jo March"]
    assert [link.title for link in article.related_links.all()] == ["Background"]
    assert article.version == version_before + 1
    restored = versions_of(article)[-1]
    assert len(versions_of(article)) == 3
    assert restored.revision.get_comment() == "Restored revision 1."
    assert restored.revision.user == editor_user
    assert restored.field_dict["version"] == article.version


def test_restoring_leaves_other_articles_of_the_same_revision_alone(editor):
    article, other = draft(headline="Mine"), draft(headline="Theirs")
    with reversion.create_revision():
        revisions.add_to_revision(article)
        revisions.add_to_revision(other)  # as a bulk action's revision would
    Article.objects.filter(pk=other.pk).update(headline="Theirs, later")
    save_in_admin(editor, article, headline="Mine, later")

    editor.post(restore_url(article, versions_of(article)[0]))

    assert Article.objects.get(pk=article.pk).headline == "Mine"
    assert Article.objects.get(pk=other.pk).headline == "Theirs, later"


def test_restoring_names_what_was_deleted_since(editor):
    article = draft()
    gone = AuthorFactory(name="Gone Away")
    add_authors(article, AuthorFactory(name="Still Here"), gone)
    save_in_admin(editor, article)
    article.article_authors.filter(author=gone).delete()
    gone.delete()
    save_in_admin(editor, article, headline="Later")

    response = editor.post(restore_url(article, versions_of(article)[0]), follow=True)

    assert [author.name for author in Article.objects.get(pk=article.pk).byline] == ["Still Here"]
    assert "An author of the byline" in text_of(parse(response))


def test_restoring_without_the_right_to_publish_keeps_the_status(client, django_user_model):
    writer = django_user_model.objects.create_user("wr", "wr@example.com", "a-long-password-1")
    writer.is_staff = True
    writer.save()
    writer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "change_article"])
    )
    article = ArticleFactory(headline="Was Public", created_by=writer)
    revisions.record_revision(article, comment="Published.")
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.DRAFT, headline="A Draft Again"
    )
    client.force_login(writer)

    response = client.post(restore_url(article, versions_of(article)[0]))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Was Public"
    assert article.status == Article.Status.DRAFT


def test_restoring_refuses_an_address_another_article_has_taken(editor):
    article = draft(slug="first-address")
    save_in_admin(editor, article)
    save_in_admin(editor, article, slug="second-address")
    draft(slug="first-address", source_id="elsewhere")

    response = editor.post(restore_url(article, versions_of(article)[0]), follow=True)

    assert "first-address" in text_of(parse(response))
    assert Article.objects.get(pk=article.pk).slug == "second-address"


def test_restoring_an_older_address_of_a_published_article_redirects_the_newer_one(editor, client):
    article = ArticleFactory(slug="first-address")
    add_authors(article, AuthorFactory())
    revisions.record_revision(article, comment="Published.")
    Article.objects.filter(pk=article.pk).update(slug="second-address")
    newer = Article.objects.get(pk=article.pk).get_absolute_url()

    restore_as_presented(editor, article, versions_of(article)[0], change_kind="minor")

    article.refresh_from_db()
    assert article.slug == "first-address"
    editor.logout()
    response = client.get(newer)
    assert response.status_code == 301
    assert response["Location"].endswith(article.get_absolute_url())


def restore_as_presented(client, article, version, **answers):
    """Open the restore page of `version`, answer its questions, submit it; the response."""
    url = restore_url(article, version)
    data = form_fields(client.get(url), "restore_form")
    data.update(answers)
    return client.post(url, data)


def live_article_with_a_draft_revision():
    """A live article whose first revision was recorded while it was a draft."""
    article = draft(headline="Early Draft", body="<p>The first telling.</p>")
    add_authors(article, AuthorFactory(name="Jo March"))
    revisions.record_revision(article, comment="Drafted.")
    published_at = timezone.now() - timedelta(days=2)
    updated_at = timezone.now() - timedelta(days=1)
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED,
        published_at=published_at,
        updated_at=updated_at,
        headline="Final Story",
        body="<p>The final telling.</p>",
    )
    article.refresh_from_db()
    revisions.record_revision(article, comment="Published.")
    return article


def test_restoring_an_old_revision_keeps_a_live_article_live(editor, client):
    article = live_article_with_a_draft_revision()
    before = Article.objects.get(pk=article.pk)

    response = restore_as_presented(editor, article, versions_of(article)[0], change_kind="minor")

    assert response.status_code == 302
    after = Article.objects.get(pk=article.pk)
    assert (after.headline, after.body) == ("Early Draft", "<p>The first telling.</p>")
    assert after.status == Article.Status.PUBLISHED
    assert (after.published_at, after.updated_at) == (before.published_at, before.updated_at)
    editor.logout()
    page = client.get(after.get_absolute_url())
    assert page.status_code == 200
    assert "Early Draft" in text_of(parse(page).select_one("h1"))


def test_restoring_a_live_article_asks_what_kind_of_change_it_is(editor):
    article = live_article_with_a_draft_revision()
    first = versions_of(article)[0]
    page = parse(editor.get(change_url(article)))
    asked = [radio["value"] for radio in page.select("input[name=change_kind]")]
    restore_page = parse(editor.get(restore_url(article, first)))
    assert [
        radio["value"] for radio in restore_page.select("#restore_form input[name=change_kind]")
    ] == asked
    assert restore_page.select_one("#restore_form textarea[name=correction_note]")

    response = restore_as_presented(editor, article, first)  # no kind chosen

    assert response.status_code == 200
    assert "Say what kind of change this is." in text_of(parse(response))
    assert Article.objects.get(pk=article.pk).headline == "Final Story"


def test_restoring_as_an_update_moves_updated_and_as_a_correction_adds_the_note(editor, client):
    article = live_article_with_a_draft_revision()
    first, second = versions_of(article)
    before = Article.objects.get(pk=article.pk)

    restore_as_presented(editor, article, first, change_kind="update")
    updated = Article.objects.get(pk=article.pk)
    assert updated.updated_at > before.updated_at
    assert updated.published_at == before.published_at

    restore_as_presented(
        editor, article, second, change_kind="correction", correction_note="We misnamed him."
    )
    corrected = Article.objects.get(pk=article.pk)
    assert corrected.headline == "Final Story"
    assert corrected.status == Article.Status.PUBLISHED
    assert [c.note for c in corrected.corrections.all()] == ["We misnamed him."]
    editor.logout()
    assert "We misnamed him." in text_of(parse(client.get(corrected.get_absolute_url())))


def test_restoring_content_that_could_not_be_published_onto_a_live_article_is_refused(editor):
    article = draft(headline="Empty Start", body="")
    revisions.record_revision(article, comment="Started.")
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now(), body="<p>Written.</p>"
    )
    add_authors(article, AuthorFactory())

    response = restore_as_presented(editor, article, versions_of(article)[0], change_kind="minor")

    assert "cannot be restored while the article is published" in text_of(
        parse(editor.get(response["Location"]))
    )
    stored = Article.objects.get(pk=article.pk)
    assert (stored.body, stored.status) == ("<p>Written.</p>", Article.Status.PUBLISHED)


# Recovering deleted articles -----------------------------------------------------------------


def test_a_deleted_article_can_be_recovered_with_its_byline(editor):
    article = draft(headline="Deleted By Mistake")
    add_authors(article, AuthorFactory(name="Jo March"))
    save_in_admin(editor, article)
    pk = article.pk
    article.delete()

    page = parse(editor.get(reverse("admin:articles_article_recoverlist")))
    link = page.select_one("#change-history tbody a")["href"]
    assert "Deleted By Mistake" in text_of(page)
    preview = parse(editor.get(link))
    assert preview.select_one("tr.change-headline ins").get_text() == "Deleted By Mistake"
    response = editor.post(link)

    assert response.status_code == 302
    recovered = Article.objects.get(pk=pk)
    assert [author.name for author in recovered.byline] == ["Jo March"]
    assert versions_of(recovered)[-1].revision.get_comment() == "Recovered revision 1."


def test_a_deleted_published_article_is_recovered_as_a_draft(editor, client):
    article = ArticleFactory(headline="Was Live")
    add_authors(article, AuthorFactory())
    revisions.record_revision(article, comment="Published.")
    address, pk = article.get_absolute_url(), article.pk
    article.delete()
    (version,) = Version.objects.get_deleted(Article)

    response = editor.post(reverse("admin:articles_article_recover", args=[version.pk]))

    assert response.status_code == 302
    recovered = Article.objects.get(pk=pk)
    assert (recovered.headline, recovered.status) == ("Was Live", Article.Status.DRAFT)
    assert recovered.published_at is None
    editor.logout()
    assert client.get(address).status_code == 404


# Who may -------------------------------------------------------------------------------------


def revision_pages(article, version):
    return [
        history_url(article),
        diff_url(article, version, version),
        restore_url(article, version),
    ]


def test_anonymous_visitors_are_sent_to_log_in(client, editor_user):
    article = draft()
    revisions.record_revision(article, comment="Saved.", user=editor_user)
    (version,) = versions_of(article)
    for url in revision_pages(article, version):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login"))


def test_staff_who_may_only_view_articles_get_no_history_diff_or_restore(viewer, editor_user):
    article = draft(headline="Untouchable")
    revisions.record_revision(article, comment="Saved.", user=editor_user)
    (version,) = versions_of(article)
    Article.objects.filter(pk=article.pk).update(headline="Changed Later")

    for url in revision_pages(article, version):
        assert viewer.get(url).status_code == 403, url
    assert viewer.post(restore_url(article, version)).status_code == 403
    assert Article.objects.get(pk=article.pk).headline == "Changed Later"
    assert viewer.get(reverse("admin:articles_article_recoverlist")).status_code == 403


def test_a_missing_article_is_not_found(editor):
    url = reverse("admin:articles_article_revision_diff", args=[987654])
    assert editor.get(url).status_code == 404


def test_related_links_to_articles_are_named_by_headline(editor):
    article, target = draft(), draft(headline="The Earlier Story")
    save_in_admin(editor, article)
    RelatedLink.objects.create(article=article, target=target, position=0)
    save_in_admin(editor, article, headline="Now With A Link")
    old, new = versions_of(article)

    page = parse(editor.get(diff_url(article, old, new)))

    after = page.select_one("tr.change-related_links").select("td")[1]
    assert [li.get_text() for li in after.select("li")] == ["The Earlier Story"]
