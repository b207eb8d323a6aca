"""The front page: the lead story, a block per section, then the latest."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import parse, text_of
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def front():
    now = timezone.now()
    news = SectionFactory(name="News", navigation_order=1)
    music = SectionFactory(name="Music", navigation_order=2)
    SectionFactory(name="Empty Section", navigation_order=3)
    for n in range(6):
        ArticleFactory(
            headline=f"News {n}", section=news, published_at=now - timedelta(hours=n + 1)
        )
        ArticleFactory(
            headline=f"Music {n}",
            section=music,
            published_at=now - timedelta(hours=n + 1, minutes=30),
        )
    ArticleFactory(headline="Breaking", section=news, published_at=now - timedelta(minutes=5))
    return news, music


def test_the_lead_is_the_newest_public_story(reader, front):
    ArticleFactory(headline="Tomorrow", published_at=timezone.now() + timedelta(hours=1))
    page = parse(reader.get("/"))
    assert text_of(page.select_one(".front-lead .card__headline")) == "Breaking"


def test_each_section_shows_its_four_newest_in_navigation_order(reader, front):
    page = parse(reader.get("/"))
    blocks = page.select("section.front-section")
    titles = [text_of(block.select_one("h2")) for block in blocks]
    assert titles == ["News", "Music", "Latest"]  # the empty section is left out
    news = [text_of(h) for h in blocks[0].select(".card__headline")]
    music = [text_of(h) for h in blocks[1].select(".card__headline")]
    assert news == ["News 0", "News 1", "News 2", "News 3"]  # the lead is not repeated
    assert music == ["Music 0", "Music 1", "Music 2", "Music 3"]
    assert blocks[0].select_one("h2 a")["href"] == "/news/"


def test_latest_follows_the_lead(reader, front):
    latest = parse(reader.get("/")).select("section.front-section")[-1]
    headlines = [text_of(h) for h in latest.select(".card__headline")]
    assert headlines[:3] == ["News 0", "Music 0", "News 1"]
    assert len(headlines) == 10
    assert latest.select_one(".more-link a")["href"] == "/latest/"


def test_an_empty_site_has_a_friendly_front_page(reader):
    response = reader.get("/")
    assert response.status_code == 200
    assert text_of(parse(response).select_one(".empty")) == "No articles yet."


def test_the_front_page_costs_three_queries_however_many_sections(
    reader, front, django_assert_num_queries
):
    reader.get("/")  # the shared header and footer are cached from here on
    with django_assert_num_queries(3):
        reader.get("/")
    for n in range(5):
        section = SectionFactory(name=f"Extra {n}", navigation_order=10 + n)
        ArticleFactory(section=section)
    reader.get("/")
    with django_assert_num_queries(3):
        assert len(parse(reader.get("/")).select("section.front-section")) == 8
