"""A syndicated copy's structured data agrees with its canonical link: on the second brand's
copy of the first brand's article, the NewsArticle's `url` and `mainEntityOfPage` name the
first brand's page and its `publisher` is the first brand (with the group as its parent
organisation), which publishes it; the breadcrumbs stay the page's own."""

import json

import pytest
from django.contrib.sites.models import Site

from newsroom.models import SiteSettings
from tests.conftest import parse
from tests.factories import ArticleFactory, SectionFactory, make_brand

pytestmark = pytest.mark.django_db

NEWS, SPORT = "news.example.org", "sport.example.org"
GROUP = {"network_name": "Tester Group", "network_url": "https://group.example.org/"}


@pytest.fixture
def network(settings):
    settings.ALLOWED_HOSTS = [".example.org"]
    news = Site.objects.get(pk=settings.DEFAULT_SITE_ID)
    news.domain, news.name = NEWS, "Daily Tester"
    news.save()
    SiteSettings.objects.create(site=news, brand_name="Daily Tester", **GROUP)
    sport = make_brand(SPORT, "Tester Sport", **GROUP)
    section = SectionFactory(name="Harbour", slug="harbour", menu_brands=[news, sport])
    shared = ArticleFactory(section=section, slug="tides", headline="Tides turn")
    shared.syndicated_to.add(sport)
    own = ArticleFactory(section=section, slug="regatta", brand=sport, headline="Regatta won")
    return {"shared": shared, "own": own}


def described(client, host, path):
    """(the page's NewsArticle, its BreadcrumbList, its canonical address)."""
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200
    page = parse(response)
    (script,) = page.select('script[type="application/ld+json"]')
    items = {item["@type"]: item for item in json.loads(script.string)["@graph"]}
    return items["NewsArticle"], items["BreadcrumbList"], page.select_one('link[rel="canonical"]')["href"]


def test_the_copy_names_the_first_brands_page_and_publisher(reader, network):
    article, crumbs, canonical = described(reader, SPORT, "/harbour/tides/")
    assert canonical == f"http://{NEWS}/harbour/tides/"
    assert article["url"] == article["mainEntityOfPage"]["@id"] == canonical
    publisher = article["publisher"]
    assert (publisher["name"], publisher["url"]) == ("Daily Tester", f"http://{NEWS}/")
    assert publisher["logo"]["url"].startswith(f"http://{NEWS}/")
    assert publisher["parentOrganization"] == {
        "@type": "Organization",
        "name": "Tester Group",
        "url": "https://group.example.org/",
    }
    # The page is shown on the second brand: its breadcrumbs lead through that brand.
    assert [item["item"] for item in crumbs["itemListElement"]] == [
        f"http://{SPORT}/",
        f"http://{SPORT}/harbour/",
    ]


def test_the_original_and_a_brands_own_article_name_their_own_brand(reader, network):
    article, _, canonical = described(reader, NEWS, "/harbour/tides/")
    assert article["url"] == canonical == f"http://{NEWS}/harbour/tides/"
    assert article["publisher"]["name"] == "Daily Tester"
    article, _, canonical = described(reader, SPORT, "/harbour/regatta/")
    assert article["url"] == canonical == f"http://{SPORT}/harbour/regatta/"
    assert (article["publisher"]["name"], article["publisher"]["url"]) == (
        "Tester Sport",
        f"http://{SPORT}/",
    )
    assert article["publisher"]["parentOrganization"]["name"] == "Tester Group"
