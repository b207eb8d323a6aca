"""Each brand's advert account is written into its pages' advert slots (`data-advert-account`),
the body's and the rail's alike, for the advert network's script to read; a syndicated copy
carries the brand showing it. A brand without an account keeps its slots, without the
attribute, as pages were before brands had accounts."""

import pytest
from django.contrib.sites.models import Site

from newsroom.models import SiteSettings
from tests.conftest import parse
from tests.factories import ArticleFactory, SectionFactory, make_brand

pytestmark = pytest.mark.django_db

NEWS, SPORT, PLAY = "news.example.org", "sport.example.org", "play.example.org"
BODY = "".join(f"<p>Paragraph {n}.</p>" for n in range(1, 9))


@pytest.fixture
def network(settings):
    settings.ALLOWED_HOSTS = [".example.org"]
    news = Site.objects.get(pk=settings.DEFAULT_SITE_ID)
    news.domain, news.name = NEWS, "Daily Tester"
    news.save()
    SiteSettings.objects.create(site=news, brand_name="Daily Tester", advert_account="pub-news-1")
    sport = make_brand(SPORT, "Tester Sport", advert_account='pub-sport-2" onload="x')
    play = make_brand(PLAY, "Tester Play")
    section = SectionFactory(name="Harbour", slug="harbour", menu_brands=[news, sport, play])
    article = ArticleFactory(section=section, slug="tides", body=BODY)
    article.syndicated_to.add(sport, play)
    return article


def slots_on(client, host):
    response = client.get("/harbour/tides/", HTTP_HOST=host)
    assert response.status_code == 200
    return parse(response).select(".advert")


def test_each_brands_page_carries_its_own_account(reader, network):
    news = slots_on(reader, NEWS)
    assert len(news) == 3  # two in the body (after paragraphs 3 and 7), one in the rail
    assert {slot["data-advert-account"] for slot in news} == {"pub-news-1"}
    # The copy on the sister brand: that brand's account, written as one attribute value.
    sport = slots_on(reader, SPORT)
    assert len(sport) == 3
    assert {slot["data-advert-account"] for slot in sport} == {'pub-sport-2" onload="x'}
    assert not any(slot.has_attr("onload") for slot in sport)


def test_a_brand_without_an_account_keeps_its_slots_without_one(reader, network):
    play = slots_on(reader, PLAY)
    assert len(play) == 3
    assert not any(slot.has_attr("data-advert-account") for slot in play)
    assert all(slot.get_text(strip=True) == "Advert" for slot in play)


def test_a_new_account_reaches_the_page_at_once(reader, network):
    slots_on(reader, NEWS)  # the body's and rail's fragments are cached
    brand = SiteSettings.objects.get(site__domain=NEWS)
    brand.advert_account = "pub-news-9"
    brand.save()
    assert {slot["data-advert-account"] for slot in slots_on(reader, NEWS)} == {"pub-news-9"}
