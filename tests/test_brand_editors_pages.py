"""Editors per brand, on a brand's pages (flat pages) and redirects: a person who works on some
brands lists, adds and changes those of their brands alone, crafted requests included."""

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.redirects.models import Redirect
from django.urls import reverse

from tests import test_brand_editors
from tests.admin_forms import form_fields
from tests.conftest import parse, text_of

pytestmark = pytest.mark.django_db

# The brands and persona of the editors-per-brand tests: News and Sport, an editor of News.
news, sport = test_brand_editors.news, test_brand_editors.sport
news_editor = test_brand_editors.news_editor

PAGES = reverse("admin:flatpages_flatpage_changelist")
ADD_PAGE = reverse("admin:flatpages_flatpage_add")
REDIRECTS = reverse("admin:redirects_redirect_changelist")
ADD_REDIRECT = reverse("admin:redirects_redirect_add")


def page_on(url, *sites):
    page = FlatPage.objects.create(url=url, title=f"Page {url}", content="<p>Text.</p>")
    page.sites.set(sites)
    return page


def test_a_brand_editor_lists_the_pages_of_their_brands(news_editor, news, sport):
    page_on("/about-news/", news)
    page_on("/about-sport/", sport)
    page_on("/terms/", news, sport)
    listed = text_of(parse(news_editor.get(PAGES)).find(id="result_list"))
    assert "/about-news/" in listed and "/terms/" in listed
    assert "/about-sport/" not in listed


def test_a_page_shared_with_another_brand_is_theirs_to_read_not_to_change(
    news_editor, news, sport
):
    shared = page_on("/terms/", news, sport)
    url = reverse("admin:flatpages_flatpage_change", args=[shared.pk])
    page = parse(news_editor.get(url))
    assert page.find("form", id="flatpage_form") is not None
    assert page.find("input", attrs={"name": "title"}) is None  # read-only: no field to type in
    response = news_editor.post(url, {"url": "/terms/", "title": "Taken", "content": "x",
                                      "sites": [str(news.pk)]})
    assert response.status_code == 403
    shared.refresh_from_db()
    assert shared.title == "Page /terms/"
    assert set(shared.sites.all()) == {news, sport}
    delete = reverse("admin:flatpages_flatpage_delete", args=[shared.pk])
    assert news_editor.post(delete, {"post": "yes"}).status_code == 403
    assert FlatPage.objects.filter(pk=shared.pk).exists()


def test_another_brands_page_cannot_be_reached(news_editor, sport):
    theirs = page_on("/about-sport/", sport)
    url = reverse("admin:flatpages_flatpage_change", args=[theirs.pk])
    response = news_editor.post(url, {"url": "/about-sport/", "title": "Taken", "content": "x",
                                      "sites": [str(sport.pk)]})
    assert response.status_code == 302  # the admin's "does not exist" answer
    theirs.refresh_from_db()
    assert theirs.title == "Page /about-sport/"


def test_a_new_page_offers_their_brands_and_refuses_another_crafted_in(
    news_editor, news, sport
):
    page = news_editor.get(ADD_PAGE)
    offered = {option["value"] for option in parse(page).select("select[name=sites] option")}
    assert offered == {str(news.pk)}
    fields = form_fields(page, "flatpage_form")
    fields.update(url="/contact/", title="Contact", content="<p>Write to us.</p>",
                  sites=[str(sport.pk)])
    response = news_editor.post(ADD_PAGE, fields)
    assert response.status_code == 200
    assert "Select a valid choice" in text_of(parse(response).select_one(".field-sites"))
    assert not FlatPage.objects.filter(url="/contact/").exists()
    fields["sites"] = [str(news.pk)]
    assert news_editor.post(ADD_PAGE, fields).status_code == 302
    assert list(FlatPage.objects.get(url="/contact/").sites.all()) == [news]


def test_redirects_are_each_brands_and_a_crafted_brand_is_refused(news_editor, news, sport):
    Redirect.objects.create(site=news, old_path="/old-news/", new_path="/news/")
    Redirect.objects.create(site=sport, old_path="/old-sport/", new_path="/sport/")
    listed = text_of(parse(news_editor.get(REDIRECTS)).find(id="result_list"))
    assert "/old-news/" in listed and "/old-sport/" not in listed
    page = news_editor.get(ADD_REDIRECT)
    offered = {radio["value"] for radio in parse(page).select("input[name=site]")}
    assert offered == {str(news.pk)}
    fields = form_fields(page, "redirect_form")
    fields.update(site=str(sport.pk), old_path="/gone/", new_path="/here/")
    response = news_editor.post(ADD_REDIRECT, fields)
    assert response.status_code == 200
    assert "Select a valid choice" in text_of(parse(response).select_one(".field-site"))
    assert not Redirect.objects.filter(old_path="/gone/").exists()
