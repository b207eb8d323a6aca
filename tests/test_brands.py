"""One install, many brands: each request is answered as the brand of its host, with that
brand's header, footer, sections and colours; hosts not allowed are refused."""

import json

import pytest
from django.contrib.sites.models import Site
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.models import SiteSettings
from tests.conftest import parse, text_of
from tests.factories import ArticleFactory, SectionFactory, make_brand

pytestmark = pytest.mark.django_db

NEWS_HOST = "news.example.org"
SPORT_HOST = "sport.example.org"


@pytest.fixture
def brands(settings):
    settings.ALLOWED_HOSTS = [".example.org", "testserver"]
    news = Site.objects.get(pk=settings.DEFAULT_SITE_ID)
    news.domain, news.name = NEWS_HOST, "Daily Tester"
    news.save()
    SiteSettings.objects.create(
        site=news,
        brand_name="Daily Tester",
        network_name="Tester Group",
        contact_email="desk@news.example.org",
    )
    sport = make_brand(
        SPORT_HOST,
        "Tester Sport",
        header_colour="#003366",
        accent_colour="#0b5d1e",
        extra_hosts="www.sport.example.org\nSPORT-ALIAS.example.org",
        network_name="Tester Group",
        network_url="https://group.example.org/",
    )
    return news, sport


def page(client, host, url="/latest/"):
    response = client.get(url, HTTP_HOST=host)
    assert response.status_code == 200, response.status_code
    return parse(response)


def test_each_host_is_answered_as_its_brand(reader, brands):
    assert text_of(page(reader, NEWS_HOST).select_one(".brand")) == "Daily Tester"
    assert text_of(page(reader, SPORT_HOST).select_one(".brand")) == "Tester Sport"
    # Its extra host names, in any case, and with a port.
    for host in ("www.sport.example.org", "sport-alias.example.org", f"{SPORT_HOST}:8000"):
        assert text_of(page(reader, host).select_one(".brand")) == "Tester Sport"


def test_a_host_that_is_allowed_but_names_no_brand_gets_the_default_brand(reader, brands):
    assert text_of(page(reader, "testserver").select_one(".brand")) == "Daily Tester"


def test_a_host_not_allowed_is_refused(reader, brands):
    assert reader.get("/latest/", HTTP_HOST="news.example.net").status_code == 400


def test_sister_brands_come_from_the_brands_themselves(reader, brands):
    news, sport = brands
    on_news = page(reader, NEWS_HOST).select(".network li a")
    on_sport = page(reader, SPORT_HOST).select(".network li a")
    assert [(text_of(a), a["href"].split("://")[1]) for a in on_news] == [
        ("Tester Sport", f"{SPORT_HOST}/")
    ]
    assert [(text_of(a), a["href"].split("://")[1]) for a in on_sport] == [
        ("Daily Tester", f"{NEWS_HOST}/")
    ]
    make_brand("play.example.org", "Tester Play")
    names = [text_of(a) for a in page(reader, SPORT_HOST).select(".network li a")]
    assert names == ["Daily Tester", "Tester Play"]


def test_each_brand_has_its_own_menu_and_a_brand_without_sections_renders(reader, brands):
    news, sport = brands
    SectionFactory(name="News", menu_brands=[news])
    SectionFactory(name="Football", menu_brands=[sport])
    assert [text_of(a) for a in page(reader, NEWS_HOST).select("nav.sections a")] == ["News"]
    assert [text_of(a) for a in page(reader, SPORT_HOST).select("nav.sections a")] == ["Football"]
    bare = make_brand("bare.example.org", "Tester Bare")
    html = page(reader, bare.domain)
    assert html.select("nav.sections") == []
    assert text_of(html.select_one(".brand")) == "Tester Bare"


def test_the_cached_header_of_one_brand_is_never_served_on_another(reader, brands):
    for _ in range(2):  # the second round is served from the cache
        assert text_of(page(reader, NEWS_HOST).select_one(".brand")) == "Daily Tester"
        assert text_of(page(reader, SPORT_HOST).select_one(".brand")) == "Tester Sport"


def test_each_brand_has_its_colours(reader, brands):
    html = page(reader, SPORT_HOST)
    sheet = html.select('link[rel="stylesheet"]')[-1]["href"]
    css = reader.get(sheet, HTTP_HOST=SPORT_HOST).content.decode()
    assert "--chrome-bg: #003366;" in css and "--link: #0b5d1e;" in css
    assert html.select_one('meta[name="theme-color"]')["content"] == "#003366"
    news_css = reader.get(sheet, HTTP_HOST=NEWS_HOST).content.decode()
    assert "--chrome-bg: #111111;" in news_css


def test_the_brand_is_found_without_a_query_once_known(reader, brands):
    news, sport = brands
    article = ArticleFactory(section=SectionFactory(menu_brands=[news, sport]), brand=news)
    article.syndicated_to.add(sport)
    counts = {}
    for host in (NEWS_HOST, SPORT_HOST, NEWS_HOST, SPORT_HOST):
        with CaptureQueriesContext(connection) as queries:
            reader.get(article.get_absolute_url(), HTTP_HOST=host)
        counts.setdefault(host, []).append(len(queries))
    # Warm, each brand's page costs what one brand's did: the brand comes from the cache.
    assert counts[NEWS_HOST][1] == counts[SPORT_HOST][1]
    assert not [q for q in queries.captured_queries if 'FROM "django_site"' in q["sql"]]


def organisations(html):
    """The Organization nodes of the page's JSON-LD."""
    found = []
    for script in html.select('script[type="application/ld+json"]'):
        data = json.loads(script.string)
        for node in data.get("@graph", [data]):
            if node.get("@type") == "Organization":
                found.append(node)
            if isinstance(node.get("publisher"), dict):
                found.append(node["publisher"])
    return found


def test_each_brand_is_its_own_organisation_within_the_group(reader, brands):
    news, sport = brands
    article = ArticleFactory(section=SectionFactory(menu_brands=[news, sport]), brand=sport)
    for url in ("/", article.get_absolute_url()):
        (org,) = organisations(page(reader, SPORT_HOST, url))
        assert org["name"] == "Tester Sport"
        assert org["url"] == f"http://{SPORT_HOST}/"
        assert org["parentOrganization"] == {
            "@type": "Organization",
            "name": "Tester Group",
            "url": "https://group.example.org/",
        }
    (news_org,) = organisations(page(reader, NEWS_HOST, "/"))
    assert news_org["name"] == "Daily Tester"
    assert news_org["parentOrganization"]["name"] == "Tester Group"


def test_a_submission_is_answered_in_the_name_of_the_brand_it_was_sent_on(
    reader, brands, mailoutbox, settings, tmp_path
):
    from tests.test_submissions import SUBMIT, form_data

    settings.SUBMISSIONS_ROOT = tmp_path / "submissions"
    news, sport = brands
    SiteSettings.objects.filter(site=sport).update(submissions_email="clips@sport.example.org")
    assert reader.post(SUBMIT, form_data(), HTTP_HOST=SPORT_HOST).status_code == 302
    assert reader.post(SUBMIT, form_data(), HTTP_HOST=NEWS_HOST).status_code == 302
    on_sport, on_news = mailoutbox
    assert "Tester Sport" in on_sport.body and "Daily Tester" not in on_sport.body
    assert on_sport.reply_to == ["clips@sport.example.org"]
    assert "Daily Tester" in on_news.body
    assert on_news.reply_to == []


def test_a_brand_gives_its_contact_address_in_its_footer(reader, brands):
    links = page(reader, NEWS_HOST).select(".site-footer a[href^='mailto:']")
    assert [(text_of(a), a["href"]) for a in links] == [
        ("Contact Daily Tester", "mailto:desk@news.example.org")
    ]
    assert page(reader, SPORT_HOST).select(".site-footer a[href^='mailto:']") == []


def test_a_brand_added_by_another_process_is_routed_here_too(reader, brands):
    from django.core.cache import cache

    from newsroom import brands as brand_routing

    page(reader, NEWS_HOST)  # this process's table of hosts, kept
    # Another process adds a brand: its rows are written without this process's signals…
    play = Site.objects.bulk_create([Site(domain="play.example.org", name="Tester Play")])[0]
    SiteSettings.objects.bulk_create([SiteSettings(site=play, brand_name="Tester Play")])
    assert text_of(page(reader, "play.example.org").select_one(".brand")) == "Daily Tester"
    # …and moves the brands' version on in the shared cache, as its signals do.
    cache.set(brand_routing.VERSION_KEY, 1, None)
    assert text_of(page(reader, "play.example.org").select_one(".brand")) == "Tester Play"


def test_a_brand_that_takes_no_syndicated_article_lists_its_own_by_its_index(reader, brands):
    news, sport = brands
    section = SectionFactory(menu_brands=[news, sport])
    own = ArticleFactory(section=section, brand=sport, headline="Sport's own story")
    guest = ArticleFactory(section=section, brand=news, headline="A story from the news desk")

    def latest_on_sport():
        with CaptureQueriesContext(connection) as queries:
            html = page(reader, SPORT_HOST)
        listing = [
            q["sql"] for q in queries.captured_queries if 'FROM "articles_article"' in q["sql"]
        ]
        return [text_of(a) for a in html.select("main h2, main h3")], listing

    headlines, listing = latest_on_sport()
    assert own.headline in headlines and guest.headline not in headlines
    assert not [sql for sql in listing if "syndicated_to" in sql]
    guest.syndicated_to.add(sport)
    headlines, listing = latest_on_sport()
    assert own.headline in headlines and guest.headline in headlines
    assert [sql for sql in listing if "syndicated_to" in sql]


def test_hosts_that_name_no_brand_are_not_kept(reader, brands):
    from django.contrib.sites import models as sites_models

    for number in range(3):
        host = f"unknown-{number}.example.org"
        assert text_of(page(reader, host).select_one(".brand")) == "Daily Tester"
        assert host not in sites_models.SITE_CACHE
    page(reader, SPORT_HOST)
    assert SPORT_HOST in sites_models.SITE_CACHE
