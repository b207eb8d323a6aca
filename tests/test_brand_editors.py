"""Editors per brand: a role holds for the brands its holder works on, by every path.

Two brands: the default brand, *Newsroom* (News), and *Sport*. Personas of this module:

- `news_editor`: an Editor who works on News only;
- `news_contributor`: a Contributor who works on News only;
- `editor` (conftest): an Editor with no brands given, who works on the whole network, as
  every editor did before brands could be given;
- `both_editor`: an Editor of News and Sport, who may move and syndicate between them.

Everything is done as the admin's pages present it (`form_fields`), and again with crafted
requests: a brand posted that the form did not offer, addresses of another brand's article
typed in, bulk actions naming its id.
"""

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import workflow
from articles.models import Article
from newsroom import access
from newsroom.models import BrandAccess, SiteSettings
from tests.admin_forms import form_fields
from tests.conftest import member, parse, signed_in, text_of
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, make_brand
from tests.test_revisions import diff_url, history_url, restore_url, versions_of

pytestmark = pytest.mark.django_db

Status = Article.Status
CHANGELIST_URL = "/admin/articles/article/"
ADD_URL = "/admin/articles/article/add/"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def admin_url(name, article):
    return reverse(f"admin:articles_article_{name}", args=[article.pk])


@pytest.fixture
def news():
    site = Site.objects.get(pk=settings.DEFAULT_SITE_ID)
    SiteSettings.objects.update_or_create(site=site, defaults={"brand_name": "Newsroom"})
    return site


@pytest.fixture
def sport(news):
    return make_brand("sport.example.org", "Sport")


def give_brands(user, *sites):
    access_row = BrandAccess.objects.create(user=user, network=False)
    access_row.brands.set(sites)
    return user


@pytest.fixture
def news_editor(django_user_model, news, sport):
    return signed_in(give_brands(member(django_user_model, "Editor", "nina"), news))


@pytest.fixture
def news_contributor(django_user_model, news, sport):
    return signed_in(give_brands(member(django_user_model, "Contributor", "ned"), news))


@pytest.fixture
def both_editor(django_user_model, news, sport):
    return signed_in(give_brands(member(django_user_model, "Editor", "bo"), news, sport))


def draft(**fields):
    return ArticleFactory(status=Status.DRAFT, published_at=None, **fields)


def errors_of(response):
    page = parse(response)
    return " ".join(text_of(node) for node in page.select(".errorlist, .errornote"))


def messages_of(response):
    return " ".join(text_of(node) for node in parse(response).select(".messagelist li"))


def listed(client, query=""):
    page = parse(client.get(CHANGELIST_URL + query))
    return {text_of(link) for link in page.select("#result_list tbody th a")}


def post_change(client, article, **changes):
    data = form_fields(client.get(change_url(article)), "article_form")
    data.update(changes)
    return client.post(change_url(article), data)


# The rule ------------------------------------------------------------------------------------


def test_no_brands_given_means_the_whole_network_and_a_superuser_always_has_it(
    django_user_model, news, sport
):
    plain = member(django_user_model, "Editor", "plain")
    assert access.brands_for(plain) is None
    assert workflow.can_work_on(plain, sport)
    chief = django_user_model.objects.create_superuser("chief", "c@example.com", "pw-long-1234")
    give_brands(chief, news)
    assert access.brands_for(chief) is None


def test_a_person_given_brands_works_on_those_only_and_losing_them_all_leaves_none(
    django_user_model, news, sport
):
    limited = give_brands(member(django_user_model, "Editor", "lim"), news, sport)
    assert access.brands_for(limited) == {news.pk, sport.pk}
    sport.delete()
    fresh = django_user_model.objects.get(pk=limited.pk)
    assert access.brands_for(fresh) == {news.pk}
    news_row = BrandAccess.objects.get(user=limited)
    news_row.brands.clear()
    fresh = django_user_model.objects.get(pk=limited.pk)
    assert access.brands_for(fresh) == frozenset()  # none, never the whole network
    assert not workflow.can_work_on(fresh, news)


def test_a_person_left_with_no_brand_opens_an_empty_article_list(django_user_model, news):
    # The list's condition then matches nothing, which PostgreSQL's planner is never asked
    # about (the admin's estimating count must not read an empty plan).
    ArticleFactory(headline="Harbour opens", brand=news)
    stranded = member(django_user_model, "Editor", "stranded")
    BrandAccess.objects.create(user=stranded, network=False)
    response = signed_in(stranded).get(CHANGELIST_URL)
    assert response.status_code == 200
    page = parse(response)
    assert "Harbour opens" not in page.get_text()
    assert "0 articles" in text_of(page.select_one(".paginator"))


def test_the_answer_is_read_once_per_user_object(django_user_model, news, sport):
    limited = give_brands(member(django_user_model, "Editor", "once"), news)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            access.brands_for(limited)
            workflow.can_work_on(limited, sport)
    assert len(queries) == 1


def test_the_workflow_steps_refuse_another_brands_article(news_editor, sport):
    theirs = draft(brand=sport, headline="Sport Desk Draft")
    for step in (workflow.publish_article, workflow.submit_for_review):
        with pytest.raises(PermissionDenied, match="brand you do not work on"):
            step(article=theirs, by=news_editor.user)
    assert Article.objects.get(pk=theirs.pk).status == Status.DRAFT


# The list ------------------------------------------------------------------------------------


def test_an_editor_of_one_brand_lists_its_articles_and_copies_syndicated_to_it(
    news_editor, news, sport
):
    ArticleFactory(brand=news, headline="News Story")
    draft(brand=news, headline="News Draft")
    ArticleFactory(brand=sport, headline="Sport Story")
    draft(brand=sport, headline="Sport Draft")
    copy = ArticleFactory(brand=sport, headline="Sport Story On News")
    copy.syndicated_to.add(news)
    assert listed(news_editor) == {"News Story", "News Draft", "Sport Story On News"}
    page = parse(news_editor.get(CHANGELIST_URL))
    header = [text_of(th) for th in page.select("#result_list thead th")]
    assert "Brand" in header
    column = header.index("Brand")
    brands_shown = {
        text_of(row.select("td, th")[column]) for row in page.select("#result_list tbody tr")
    }
    assert brands_shown == {"Newsroom", "Sport"}
    # The filter offers their brands only.
    choices = [text_of(a) for a in page.select("#changelist-filter a[href*='brand=']")]
    assert choices == ["Newsroom"]


def test_the_brand_filter_lists_one_brands_articles(editor, news, sport):
    ArticleFactory(brand=news, headline="News Story")
    ArticleFactory(brand=sport, headline="Sport Story")
    page = parse(editor.get(CHANGELIST_URL))
    choices = [text_of(a) for a in page.select("#changelist-filter a[href*='brand=']")]
    assert choices == ["Newsroom", "Sport"]
    assert listed(editor, f"?brand={sport.pk}") == {"Sport Story"}
    # A crafted value is the admin's usual "cannot read that filter", not a 500.
    response = editor.get(CHANGELIST_URL + "?brand=nonsense")
    assert (response.status_code, response["Location"]) == (302, CHANGELIST_URL + "?e=1")
    assert listed(editor, "?brand=999999") == set()


def test_a_contributor_of_one_brand_lists_their_drafts_and_their_brands_public_articles(
    news_contributor, news, sport
):
    draft(brand=news, headline="My Draft", created_by=news_contributor.user)
    ArticleFactory(brand=news, headline="Public News")
    ArticleFactory(brand=sport, headline="Public Sport")
    assert listed(news_contributor) == {"My Draft", "Public News"}


def list_queries(client, count, news, sport):
    """The SQL of one load of the article list, with `count` articles over the two brands."""
    Article.objects.all().delete()
    section = SectionFactory(name="Desk")
    for n in range(count):
        ArticleFactory(brand=news if n % 2 else sport, section=section, headline=f"Story {n}")
    client.get(CHANGELIST_URL)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST_URL)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_the_list_costs_one_query_for_the_brands_and_none_per_row(
    news_editor, editor, superuser, news, sport
):
    for client in (news_editor, editor, superuser):
        few, many = list_queries(client, 4, news, sport), list_queries(client, 40, news, sport)
        assert len(few) == len(many)
        # One query learns the person's brands (none for a superuser, who has them all): the
        # column comes joined to the rows, the filter's choices from the table of brands.
        brand_queries = [sql for sql in many if "newsroom_brandaccess" in sql]
        assert len(brand_queries) == (0 if client is superuser else 1)
    # An editor of one brand reads the same number of queries as one of the whole network.
    assert len(list_queries(news_editor, 40, news, sport)) == len(
        list_queries(editor, 40, news, sport)
    )


# The form ------------------------------------------------------------------------------------


def test_the_form_offers_only_the_editors_brands(news_editor, news, sport):
    page = parse(news_editor.get(ADD_URL))
    brand = [option["value"] for option in page.select("select[name=brand] option")]
    syndicated = [option["value"] for option in page.select("select[name=syndicated_to] option")]
    assert str(sport.pk) not in brand + syndicated
    assert str(news.pk) in brand


def test_a_brand_editor_starts_an_article_in_their_brand(django_user_model, news, sport):
    sport_editor = signed_in(give_brands(member(django_user_model, "Editor", "spo"), sport))
    data = form_fields(sport_editor.get(ADD_URL), "article_form")
    assert data["brand"] == str(sport.pk)  # not the default brand, which is not theirs
    data.update(headline="Derby Day", slug="derby-day")
    response = sport_editor.post(ADD_URL, data)
    assert response.status_code == 302, errors_of(response)
    assert Article.objects.get(slug="derby-day").brand == sport


def test_a_crafted_new_article_for_another_brand_is_refused_and_nothing_saved(
    news_editor, news_contributor, sport
):
    for client in (news_editor, news_contributor):
        data = form_fields(client.get(ADD_URL), "article_form")
        data.update(headline="Sneaked In", slug="sneaked-in", brand=str(sport.pk))
        response = client.post(ADD_URL, data)
        assert response.status_code == 200
        assert "You do not work on that brand" in errors_of(response)
        assert not Article.objects.filter(slug="sneaked-in").exists()


def test_leaving_the_brand_out_does_not_give_an_article_the_default_brand_of_another(
    django_user_model, news, sport
):
    sport_editor = signed_in(give_brands(member(django_user_model, "Editor", "spo"), sport))
    data = form_fields(sport_editor.get(ADD_URL), "article_form")
    del data["brand"]
    data.update(headline="No Brand Given", slug="no-brand-given")
    response = sport_editor.post(ADD_URL, data)
    assert response.status_code == 200
    assert "one of the brands you work on" in errors_of(response)
    assert not Article.objects.filter(slug="no-brand-given").exists()


def test_syndicating_to_a_brand_not_theirs_is_refused(news_editor, news, sport):
    article = draft(brand=news, headline="Local Story")
    response = post_change(news_editor, article, syndicated_to=[str(sport.pk)])
    assert response.status_code == 200
    assert "You can syndicate only to the brands you work on" in errors_of(response)
    assert list(article.syndicated_to.all()) == []


def test_moving_an_article_to_a_brand_not_theirs_is_refused(news_editor, news, sport):
    article = draft(brand=news, headline="Local Story")
    response = post_change(news_editor, article, brand=str(sport.pk), headline="Moved")
    assert response.status_code == 200
    assert "You do not work on that brand" in errors_of(response)
    assert Article.objects.get(pk=article.pk).headline == "Local Story"
    assert Article.objects.get(pk=article.pk).brand == news


def test_an_editor_of_both_brands_moves_and_syndicates_between_them(both_editor, news, sport):
    article = draft(brand=news, headline="Local Story")
    response = post_change(both_editor, article, brand=str(sport.pk))
    assert response.status_code == 302, errors_of(response)
    other = draft(brand=news, headline="Shared Story")
    response = post_change(both_editor, other, syndicated_to=[str(sport.pk)])
    assert response.status_code == 302, errors_of(response)
    assert Article.objects.get(pk=article.pk).brand == sport
    assert list(other.syndicated_to.all()) == [sport]


def test_syndication_to_brands_not_theirs_is_kept_when_they_save(news_editor, news, sport):
    article = draft(brand=news, headline="Shared Story")
    article.syndicated_to.add(sport)  # by a network editor
    page = parse(news_editor.get(change_url(article)))
    assert page.select_one(f"select[name=syndicated_to] option[value='{sport.pk}']") is None
    response = post_change(news_editor, article, headline="Shared Story, Edited")
    assert response.status_code == 302, errors_of(response)
    article.refresh_from_db()
    assert article.headline == "Shared Story, Edited"
    assert list(article.syndicated_to.all()) == [sport]


# Another brand's article, by every address ---------------------------------------------------


def test_another_brands_article_is_refused_at_every_address(news_editor, editor, sport):
    theirs = draft(brand=sport, headline="Sport Desk Draft")
    data = form_fields(editor.get(change_url(theirs)), "article_form")  # as a network editor
    editor.post(change_url(theirs), {**data, "headline": "Sport Desk Draft"})
    version = versions_of(theirs)[-1]
    for url in (
        change_url(theirs),
        admin_url("delete", theirs),
        admin_url("preview", theirs),
        history_url(theirs),
        diff_url(theirs, version, version),
        restore_url(theirs, version),
    ):
        assert news_editor.get(url).status_code == 403, url
    assert news_editor.post(change_url(theirs), {**data, "headline": "Taken"}).status_code == 403
    assert news_editor.post(admin_url("delete", theirs), {"post": "yes"}).status_code == 403
    assert news_editor.post(restore_url(theirs, version), {}).status_code == 403
    assert news_editor.post(admin_url("share_link_create", theirs)).status_code == 403
    stored = Article.objects.get(pk=theirs.pk)
    assert (stored.headline, stored.preview_links.count()) == ("Sport Desk Draft", 0)


def test_a_copy_syndicated_to_their_brand_is_read_only(news_editor, editor, news, sport):
    copy = ArticleFactory(brand=sport, headline="Sport Story On News")
    copy.syndicated_to.add(news)
    page = parse(news_editor.get(change_url(copy)))
    assert page.select_one("input[name=headline]") is None  # shown, not offered to change
    data = form_fields(editor.get(change_url(copy)), "article_form")
    response = news_editor.post(change_url(copy), {**data, "syndicated_to": []})
    assert response.status_code == 403
    assert list(copy.syndicated_to.all()) == [news]
    assert news_editor.get(admin_url("preview", copy)).status_code == 403


def test_bulk_actions_leave_other_brands_articles_alone_and_say_so(news_editor, news, sport):
    mine = draft(brand=news, headline="News Draft")
    theirs = ArticleFactory(brand=sport, headline="Sport Story")
    copy = ArticleFactory(brand=sport, headline="Sport Story On News")
    copy.syndicated_to.add(news)
    response = news_editor.post(
        CHANGELIST_URL,
        {"action": "unpublish", "_selected_action": [mine.pk, theirs.pk, copy.pk]},
        follow=True,
    )
    said = messages_of(response)
    assert "“Sport Story On News”: It belongs to a brand you do not work on." in said
    assert "1 selected article is not in your list" in said
    statuses = dict(Article.objects.values_list("headline", "status"))
    assert statuses["Sport Story"] == statuses["Sport Story On News"] == Status.PUBLISHED


def test_bulk_delete_is_refused_whole_when_it_holds_a_copy_of_another_brand(
    news_editor, news, sport
):
    mine = draft(brand=news, headline="News Draft")
    copy = ArticleFactory(brand=sport, headline="Sport Story On News")
    copy.syndicated_to.add(news)
    selected = {"action": "delete_selected", "_selected_action": [mine.pk, copy.pk]}
    response = news_editor.post(CHANGELIST_URL, {**selected, "post": "yes"}, follow=True)
    assert "Nothing was deleted" in messages_of(response)
    assert "“Sport Story On News”" in messages_of(response)
    assert Article.objects.filter(pk__in=[mine.pk, copy.pk]).count() == 2
    response = news_editor.post(
        CHANGELIST_URL, {"action": "delete_selected", "_selected_action": [mine.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not Article.objects.filter(pk=mine.pk).exists()


def test_restoring_a_revision_from_another_brand_is_refused(news_editor, editor, news, sport):
    article = draft(brand=sport, headline="Wandering Story")
    data = form_fields(editor.get(change_url(article)), "article_form")
    editor.post(change_url(article), data)  # a revision while it was Sport's
    data = form_fields(editor.get(change_url(article)), "article_form")
    assert editor.post(change_url(article), {**data, "brand": str(news.pk)}).status_code == 302
    sport_revision = versions_of(article)[0]
    response = news_editor.post(restore_url(article, sport_revision), {}, follow=True)
    assert "places the article in a brand you do not work on" in messages_of(response)
    assert Article.objects.get(pk=article.pk).brand == news


def test_deleted_articles_are_recovered_by_network_editors_only(news_editor, editor):
    assert news_editor.get(reverse("admin:articles_article_recoverlist")).status_code == 403
    assert editor.get(reverse("admin:articles_article_recoverlist")).status_code == 200


# Two editors at once --------------------------------------------------------------------------


def test_a_save_from_a_form_opened_before_the_article_moved_away_is_refused(
    news_editor, editor, news, sport
):
    article = draft(brand=news, headline="Local Story")
    AuthorFactory()
    theirs = form_fields(news_editor.get(change_url(article)), "article_form")
    network = form_fields(editor.get(change_url(article)), "article_form")
    assert editor.post(change_url(article), {**network, "brand": str(sport.pk)}).status_code == 302
    response = news_editor.post(change_url(article), {**theirs, "headline": "Still Mine"})
    assert response.status_code == 403
    stored = Article.objects.get(pk=article.pk)
    assert (stored.brand, stored.headline) == (sport, "Local Story")


def test_the_save_itself_refuses_a_brand_it_was_not_checked_for(news_editor, news, sport):
    """The last line: whatever got past the form, the save reads the stored brand locked."""
    article = draft(brand=news)
    publication = workflow.Publication.read(article.pk)
    article.brand = sport
    with pytest.raises(PermissionDenied):
        publication.check(article, by=news_editor.user)
    Article.objects.filter(pk=article.pk).update(brand=sport)
    article.brand = news
    with pytest.raises(PermissionDenied):
        workflow.Publication.read(article.pk).check(article, by=news_editor.user)


# Elsewhere in the admin ------------------------------------------------------------------------


def test_an_administrator_gives_a_person_their_brands_on_their_account(
    administrator, django_user_model, news, sport
):
    person = member(django_user_model, "Editor", "newhire")
    url = reverse("admin:auth_user_change", args=[person.pk])
    data = form_fields(administrator.get(url), "user_form")
    assert data["brand_access-0-network"] == "on"  # the whole network, unless changed
    data.pop("brand_access-0-network")
    response = administrator.post(url, data)
    assert response.status_code == 200
    assert "Choose the brands this person works on" in errors_of(response)
    response = administrator.post(
        url, {**data, "brand_access-0-network": "on", "brand_access-0-brands": [str(sport.pk)]}
    )
    assert "Someone who works on the whole network works on every brand" in errors_of(response)
    assert not BrandAccess.objects.filter(user=person).exists()
    response = administrator.post(url, {**data, "brand_access-0-brands": [str(sport.pk)]})
    assert response.status_code == 302, errors_of(response)
    assert access.brands_for(django_user_model.objects.get(pk=person.pk)) == {sport.pk}


def test_brand_settings_and_sites_are_limited_to_a_persons_brands(
    django_user_model, news, sport
):
    admin_of_news = signed_in(give_brands(member(django_user_model, "Administrator", "an"), news))
    page = parse(admin_of_news.get(reverse("admin:newsroom_sitesettings_changelist")))
    assert [text_of(a) for a in page.select("#result_list tbody th a")] == ["Newsroom"]
    sport_settings = SiteSettings.objects.get(site=sport)
    url = reverse("admin:newsroom_sitesettings_change", args=[sport_settings.pk])
    assert admin_of_news.get(url).status_code == 302  # "no such brand", back to the index
    news_settings = SiteSettings.objects.get(site=news)
    page = parse(
        admin_of_news.get(reverse("admin:newsroom_sitesettings_change", args=[news_settings.pk]))
    )
    sites = [option["value"] for option in page.select("select[name=site] option")]
    assert str(sport.pk) not in sites
    assert admin_of_news.get(reverse("admin:sites_site_add")).status_code == 403
    assert admin_of_news.get(reverse("admin:sites_site_change", args=[sport.pk])).status_code == 302


def test_a_brand_editor_keeps_other_brands_menus_when_saving_a_section(news_editor, news, sport):
    section = SectionFactory(name="Football")
    section.menu_brands.set([news, sport])
    url = reverse("admin:articles_topic_change", args=[section.pk])
    page = parse(news_editor.get(url))
    offered = [option["value"] for option in page.select("select[name=menu_brands] option")]
    assert offered == [str(news.pk)]
    data = form_fields(page, "topic_form")
    response = news_editor.post(url, {**data, "menu_brands": [], "description": "The game."})
    assert response.status_code == 302, errors_of(response)
    assert list(section.menu_brands.all()) == [sport]


def test_a_person_limited_to_some_brands_cannot_widen_their_own(django_user_model, news, sport):
    admin_of_news = signed_in(give_brands(member(django_user_model, "Administrator", "an"), news))
    url = reverse("admin:auth_user_change", args=[admin_of_news.user.pk])
    page = parse(admin_of_news.get(url))
    assert page.select_one("input[name='brand_access-0-network']") is None  # read-only
    data = form_fields(page, "user_form")
    crafted = {
        **data,
        "brand_access-TOTAL_FORMS": "1",
        "brand_access-INITIAL_FORMS": "1",
        "brand_access-0-id": str(BrandAccess.objects.get(user=admin_of_news.user).pk),
        "brand_access-0-user": str(admin_of_news.user.pk),
        "brand_access-0-network": "on",
        "brand_access-0-brands": [str(news.pk), str(sport.pk)],
    }
    admin_of_news.post(url, crafted)
    fresh = django_user_model.objects.get(pk=admin_of_news.user.pk)
    assert access.brands_for(fresh) == {news.pk}
