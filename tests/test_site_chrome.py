"""The header and footer every page shares: editable in the admin, cached, and kept current."""

import pytest
from django.contrib.flatpages.models import FlatPage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.brands import current_site
from newsroom.models import FooterLink, SiteSettings, SocialLink
from tests.conftest import parse, text_of
from tests.factories import ArticleFactory, SectionFactory, make_brand

pytestmark = pytest.mark.django_db


def header_of(client, url="/latest/"):
    return parse(client.get(url))


def test_a_new_site_has_a_working_header_without_any_settings_saved(reader):
    page = header_of(reader)
    assert text_of(page.select_one(".brand")) == "Newsroom"
    assert not SiteSettings.objects.exists()  # reading the settings never writes them


def test_brand_and_submit_link_come_from_site_settings(reader):
    settings = SiteSettings.load()
    settings.brand_name, settings.submit_url = "The Evening Lamp", "https://forms.example.com/send"
    settings.save()
    page = header_of(reader)
    assert text_of(page.select_one(".brand")) == "The Evening Lamp"
    assert page.find("a", string="Submit Your Content")["href"] == "https://forms.example.com/send"
    assert "The Evening Lamp" in text_of(page.select_one("title"))


def test_an_empty_submit_address_hides_the_link(reader):
    settings = SiteSettings.load()
    settings.submit_url = ""
    settings.save()
    assert header_of(reader).find("a", string="Submit Your Content") is None


def test_sections_follow_the_navigation_order_and_membership(reader):
    SectionFactory(name="Weird", navigation_order=2)
    SectionFactory(name="News", navigation_order=1)
    SectionFactory(name="Hidden", in_navigation=False)
    names = [text_of(a) for a in header_of(reader).select("nav.sections a")]
    assert names == ["News", "Weird"]


def test_the_section_shown_is_marked_current_in_the_header(reader):
    news = SectionFactory(name="News", navigation_order=1)
    SectionFactory(name="Sport", navigation_order=2)
    article = ArticleFactory(section=news)

    def current(url):
        page = header_of(reader, url)
        return {text_of(a): a["aria-current"] for a in page.select("nav.sections a[aria-current]")}

    assert current(f"/{news.slug}/") == {"News": "page"}
    assert current(article.get_absolute_url()) == {"News": "true"}
    assert current("/latest/") == {}


def test_edits_in_the_admin_show_on_the_next_page(reader):
    settings = SiteSettings.load()
    settings.save()
    assert header_of(reader).select(".network li") == []
    make_brand("sister.example.com", "Sister Site")
    SocialLink.objects.create(site_settings=settings, network="tiktok", url="https://tiktok.com/@x")
    page = FlatPage.objects.create(url="/jobs/", title="Jobs", content="<p>Join us.</p>")
    page.sites.add(current_site())
    FooterLink.objects.create(site_settings=settings, page=page)
    SectionFactory(name="Music")
    fresh = header_of(reader)
    assert [text_of(a) for a in fresh.select(".network li a")] == ["Sister Site"]
    assert [text_of(a) for a in fresh.select("header .social a")] == ["TikTok"]
    assert "Jobs" in [text_of(a) for a in fresh.select(".footer-links a")]
    assert [text_of(a) for a in fresh.select("nav.sections a")] == ["Music"]
    page.title = "Careers"
    page.save()
    assert "Careers" in [text_of(a) for a in header_of(reader).select(".footer-links a")]


def test_the_shared_header_costs_no_queries_once_cached(reader):
    SiteSettings.load().save()
    with CaptureQueriesContext(connection) as cold:
        header_of(reader, "/latest/")
    with CaptureQueriesContext(connection) as warm:
        header_of(reader, "/latest/")
    assert len(warm) < len(cold)
    assert len(warm) == 1  # the latest articles themselves


def test_footer_pages_are_served_with_the_site_layout(reader):
    page = FlatPage.objects.create(
        url="/about/", title="About Us & Contact", content="<p>We are a team.</p>"
    )
    page.sites.add(current_site())
    response = reader.get("/pages/about/")
    assert response.status_code == 200
    html = parse(response)
    assert text_of(html.select_one("h1")) == "About Us & Contact"
    assert text_of(html.select_one(".flatpage__body")) == "We are a team."
    assert html.select_one("header.site-header") is not None
