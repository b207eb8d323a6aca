"""The public article page: every element of the reference capture, with its real content."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.flatpages.models import FlatPage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import sync_playwright

from articles.models import Article
from newsroom.brands import current_site
from newsroom.models import FooterLink, SiteSettings, SocialLink
from newsroom.templatetags.newsroom import dateline
from tests.browser import launch
from tests.conftest import parse, text_of
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    TopicFactory,
    add_authors,
    add_related,
    add_topics,
    image_file,
    make_brand,
)

pytestmark = pytest.mark.django_db

BODY = (
    "<p>First paragraph of the story.</p>"
    '<p>Second paragraph, with <a href="https://example.org/source">a source</a>.</p>'
    "<p>Third paragraph.</p>"
    "<p>https://www.youtube.com/watch?v=aqz-KE-bpKQ</p>"
    "<blockquote><p>A quotation from someone who was there.</p></blockquote>"
    "<p>Fourth paragraph.</p>"
    '<figure data-credit="Picture Desk"><img src="/media/inline.jpg" alt="A harbour at dawn">'
    "<figcaption>The harbour this morning.</figcaption></figure>"
    "<p>Fifth paragraph.</p>"
    "<p>https://x.com/newsroomdemo/status/1790000000000000001</p>"
    "<p>Sixth paragraph.</p>"
    "<p>Seventh paragraph.</p>"
    "<p>Eighth paragraph.</p>"
)


@pytest.fixture
def site_chrome():
    settings = SiteSettings.load()
    settings.brand_name = "Daily Tester"
    settings.network_name = "Tester Group"
    settings.save()
    make_brand("sport.example.com", "Tester Sport")
    SocialLink.objects.create(
        site_settings=settings, network="instagram", url="https://instagram.com/t", position=2
    )
    SocialLink.objects.create(
        site_settings=settings, network="facebook", url="https://facebook.com/t", position=1
    )
    for position, (url, title) in enumerate([("/advertise/", "Advertise"), ("/terms/", "Terms")]):
        page = FlatPage.objects.create(url=url, title=title, content="<p>Words.</p>")
        page.sites.add(current_site())
        FooterLink.objects.create(site_settings=settings, page=page, position=position)
    return settings


@pytest.fixture
def lead(site_chrome):
    news = SectionFactory(name="News", navigation_order=1)
    SectionFactory(name="Music", navigation_order=2)
    article = ArticleFactory(
        headline="Harbour Town Celebrates Its Lighthouse",
        slug="harbour-town-celebrates",
        standfirst="Residents gathered for the relighting.",
        body=BODY,
        section=news,
        published_at=datetime(2022, 3, 15, 12, 8, tzinfo=UTC),
        updated_at=datetime(2022, 3, 15, 15, 40, tzinfo=UTC),
        featured_image=image_file("lighthouse.jpg"),
        featured_image_alt="The lighthouse lit at night",
        featured_image_caption="The lamp shone again.",
        featured_image_credit="Interfax",
    )
    add_topics(
        article,
        TopicFactory(name="Politics"),
        TopicFactory(name="Coast"),
        TopicFactory(name="Boats"),
    )
    add_authors(
        article,
        AuthorFactory(
            name="Ada Lovelace",
            slug="ada-lovelace",
            role="Editorial Lead",
            bio="Ada writes.",
            photo=image_file("ada.jpg", size=(400, 400)),
        ),
        AuthorFactory(name="Ben Okri", slug="ben-okri", role="Reporter", bio="Ben reports."),
    )
    other = ArticleFactory(headline="Boats Return", slug="boats-return", section=news)
    add_related(article, other, ("An outside explainer", "https://example.org/explainer"))
    return article


def get_page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return parse(response)


def test_the_canonical_url_holds_the_section(lead):
    assert lead.get_absolute_url() == "/news/harbour-town-celebrates/"


def test_the_header_carries_brand_sections_network_social_and_submit(reader, lead):
    page = get_page(reader, lead)
    header = page.select_one("header.site-header")
    assert text_of(header.select_one(".brand")) == "Daily Tester"
    assert [text_of(a) for a in header.select("nav.sections a")] == ["News", "Music"]
    assert header.select_one("nav.sections a")["href"] == reverse(
        "articles:section-detail", args=["news"]
    )
    assert text_of(header.select_one(".network__name")) == "Tester Group"
    assert [(text_of(a), a["href"]) for a in header.select(".network li a")] == [
        ("Tester Sport", f"{urlsplit(django_settings.SITE_URL).scheme}://sport.example.com/")
    ]
    assert [text_of(a) for a in header.select(".social a")] == ["Facebook", "Instagram"]
    submit = header.find("a", string="Submit Your Content")
    assert submit is not None and submit["href"] == "/submit/"


def test_breadcrumbs_lead_home_then_section(reader, lead):
    crumbs = get_page(reader, lead).select("nav.breadcrumbs li a")
    assert [(text_of(a), a["href"]) for a in crumbs] == [("Home", "/"), ("News", "/news/")]


def test_headline_standfirst_and_byline_linking_profiles(reader, lead):
    page = get_page(reader, lead)
    assert [text_of(h) for h in page.select("h1")] == ["Harbour Town Celebrates Its Lighthouse"]
    assert (
        text_of(page.select_one(".article__standfirst")) == "Residents gathered for the relighting."
    )
    byline = [(text_of(a), a["href"]) for a in page.select(".byline a")]
    assert byline == [
        ("Ada Lovelace", "/authors/ada-lovelace/"),
        ("Ben Okri", "/authors/ben-okri/"),
    ]


def test_published_and_updated_times_read_as_in_the_capture(reader, lead):
    page = get_page(reader, lead)
    published = page.select_one(".article__published time")
    assert text_of(published) == "12:08 15 Mar 2022 GMT"
    assert published["datetime"] == "2022-03-15T12:08:00+00:00"
    assert text_of(page.select_one(".article__published")).startswith("Published")
    updated = page.select_one(".article__updated time")
    assert text_of(updated) == "15:40 15 Mar 2022 GMT"
    assert text_of(page.select_one(".article__updated")).startswith("Updated")


@pytest.mark.parametrize(
    ("moment", "shown", "iso"),
    [
        # The clocks went forward at 01:00 UTC on 27 March 2022 and back on 30 October 2022.
        (
            datetime(2022, 3, 27, 0, 59, tzinfo=UTC),
            "00:59 27 Mar 2022 GMT",
            "2022-03-27T00:59:00+00:00",
        ),
        (
            datetime(2022, 3, 27, 1, 0, tzinfo=UTC),
            "02:00 27 Mar 2022 BST",
            "2022-03-27T02:00:00+01:00",
        ),
        (
            datetime(2022, 7, 1, 11, 30, tzinfo=UTC),
            "12:30 01 Jul 2022 BST",
            "2022-07-01T12:30:00+01:00",
        ),
        (
            datetime(2022, 10, 30, 0, 59, tzinfo=UTC),
            "01:59 30 Oct 2022 BST",
            "2022-10-30T01:59:00+01:00",
        ),
        (
            datetime(2022, 10, 30, 1, 0, tzinfo=UTC),
            "01:00 30 Oct 2022 GMT",
            "2022-10-30T01:00:00+00:00",
        ),
    ],
)
def test_times_are_british_on_both_sides_of_a_clock_change(reader, moment, shown, iso):
    article = ArticleFactory(published_at=moment)
    time = get_page(reader, article).select_one(".article__published time")
    assert (text_of(time), time["datetime"]) == (shown, iso)


def test_no_updated_time_for_an_article_never_updated(reader):
    page = get_page(reader, ArticleFactory(updated_at=None))
    assert page.select_one(".article__updated") is None


def test_featured_image_has_alt_size_caption_and_credit_line(reader, lead):
    page = get_page(reader, lead)
    image = page.select_one("figure.featured-image img")
    assert image["alt"] == "The lighthouse lit at night"
    assert (image["width"], image["height"]) == ("1200", "675")
    assert image["src"].startswith("/media/articles/featured/lighthouse")
    assert text_of(page.select_one("figure.featured-image figcaption")) == "The lamp shone again."
    assert text_of(page.select_one(".featured-credit")) == "Featured Image Credit: Interfax"


def test_body_keeps_paragraphs_quotes_and_inline_figures_with_credit(reader, lead):
    body = get_page(reader, lead).select_one(".article__body")
    assert text_of(body.select("p")[0]) == "First paragraph of the story."
    assert body.select_one("a[href='https://example.org/source']") is not None
    assert text_of(body.select_one("blockquote")) == "A quotation from someone who was there."
    figure = body.select_one("figure[data-credit]")
    assert figure.img["alt"] == "A harbour at dawn"
    assert text_of(figure.figcaption) == "The harbour this morning. Picture Desk"
    assert text_of(figure.select_one(".figure__credit")) == "Picture Desk"


def test_allowed_video_and_social_urls_become_privacy_friendly_embeds(reader, lead):
    body = get_page(reader, lead).select_one(".article__body")
    iframe = body.select_one(".embed--video iframe")
    assert iframe["src"] == "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"
    assert iframe["loading"] == "lazy" and iframe["title"] == "YouTube video"
    social = body.select_one(".embed--x a")
    assert social["href"] == "https://x.com/newsroomdemo/status/1790000000000000001"
    assert "View this post on X" in text_of(social)
    assert body.select("script") == []
    assert "https://www.youtube.com/watch" not in [text_of(p) for p in body.select("p")]


def test_adverts_sit_between_paragraphs_by_the_policy(reader, lead, settings):
    settings.NEWSROOM_ADVERTS = {"first_after": 3, "every": 3, "max": 2}
    body = get_page(reader, lead).select_one(".article__body")
    blocks = [child for child in body.children if getattr(child, "name", None)]
    adverts = [i for i, block in enumerate(blocks) if "advert" in block.get("class", [])]
    assert len(adverts) == 2
    assert all(text_of(blocks[i]) == "Advert" for i in adverts)
    # After the third paragraph (before the embed), then after three more paragraphs.
    assert text_of(blocks[adverts[0] - 1]) == "Third paragraph."
    assert text_of(blocks[adverts[1] - 1]) == "Sixth paragraph."
    assert blocks[-1].name == "p"


def test_topics_list_links_each_topic_in_order(reader, lead):
    topics = get_page(reader, lead).select_one(".topics")
    assert text_of(topics.select_one(".topics__label")) == "Topics:"
    links = [(text_of(a), a["href"]) for a in topics.select("a")]
    assert links == [
        ("Politics", "/topics/politics/"),
        ("Coast", "/topics/coast/"),
        ("Boats", "/topics/boats/"),
    ]


def test_author_bio_boxes_show_photo_name_role_and_bio(reader, lead):
    boxes = get_page(reader, lead).select(".author-box")
    assert [text_of(box.select_one(".author-box__name")) for box in boxes] == [
        "Ada Lovelace",
        "Ben Okri",
    ]
    ada = boxes[0]
    assert ada.select_one("img")["src"].startswith("/media/authors/ada")
    assert text_of(ada.select_one(".author-box__role")) == "Editorial Lead"
    assert text_of(ada.select_one(".author-box__bio")) == "Ada writes."
    assert boxes[1].select_one("img") is None


def test_rail_lists_latest_public_articles_with_their_times(reader, lead):
    now = timezone.now()
    twelve = ArticleFactory(
        headline="Twelve Hours Old", published_at=now - timedelta(hours=12, minutes=5)
    )
    ArticleFactory(headline="Thirteen Hours Old", published_at=now - timedelta(hours=13, minutes=5))
    ArticleFactory(headline="Not Yet", published_at=now + timedelta(hours=1))
    ArticleFactory(headline="Still A Draft", status=Article.Status.DRAFT)
    rail = get_page(reader, lead).select_one(".rail")
    assert text_of(rail.select_one("h2")) == "Choose your content:"
    items = rail.select(".rail__item")
    headlines = [text_of(item.select_one(".rail__headline")) for item in items]
    assert headlines[:3] == ["Boats Return", "Twelve Hours Old", "Thirteen Hours Old"]
    assert "Harbour Town Celebrates Its Lighthouse" not in headlines
    assert "Not Yet" not in headlines and "Still A Draft" not in headlines
    # The moment itself, the same whenever the page is made; a script puts it in words.
    time = items[1].select_one(".rail__time time.relative-time")
    assert text_of(time) == dateline(twelve.published_at)
    assert datetime.fromisoformat(time["datetime"]) == twelve.published_at
    assert text_of(items[0].select_one(".rail__section")) == "News"


@pytest.mark.browser
def test_a_browser_shows_the_rail_times_in_words(live_server, lead):
    ArticleFactory(published_at=timezone.now() - timedelta(hours=12, minutes=5))
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            page.goto(live_server.url + lead.get_absolute_url(), wait_until="load")
            times = page.locator(".rail__time time").all_inner_texts()
            assert "12 hours ago" in times
        finally:
            browser.close()


def test_related_links_in_order_with_current_addresses(reader, lead):
    links = get_page(reader, lead).select(".related a")
    assert [(text_of(a), a["href"]) for a in links] == [
        ("Boats Return", "/news/boats-return/"),
        ("An outside explainer", "https://example.org/explainer"),
    ]


def test_related_articles_that_are_not_public_are_left_out(reader, lead):
    Article.objects.filter(slug="boats-return").update(status=Article.Status.DRAFT)
    links = get_page(reader, lead).select(".related a")
    assert [text_of(a) for a in links] == ["An outside explainer"]


def test_footer_links_pages_latest_topics_and_authors(reader, lead):
    footer = get_page(reader, lead).select_one("footer.site-footer")
    links = [(text_of(a), a["href"]) for a in footer.select(".footer-links a")]
    assert links == [
        ("Advertise", "/pages/advertise/"),
        ("Terms", "/pages/terms/"),
        ("Latest", "/latest/"),
        ("Topics A-Z", "/topics/"),
        ("Authors", "/authors/"),
    ]


def test_every_internal_link_on_the_page_resolves(reader, lead):
    page = get_page(reader, lead)
    internal = {a["href"] for a in page.select("a[href^='/']")} - {"/submit/"}
    assert len(internal) > 10
    for href in sorted(internal):
        assert reader.get(href, follow=True).status_code == 200, href


def test_draft_and_future_articles_are_not_found(reader):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    future = ArticleFactory(published_at=timezone.now() + timedelta(minutes=5))
    assert reader.get(draft.get_absolute_url()).status_code == 404
    assert reader.get(future.get_absolute_url()).status_code == 404
    assert reader.get(f"/articles/{draft.slug}/").status_code == 404


def test_unknown_article_is_a_branded_404(reader, lead):
    response = reader.get("/news/no-such-story/")
    assert response.status_code == 404
    page = parse(response)
    assert text_of(page.select_one("h1")) == "We can’t find that page"
    assert text_of(page.select_one(".brand")) == "Daily Tester"


def test_a_wrong_section_in_the_address_redirects_to_the_canonical_url(reader, lead):
    response = reader.get("/music/harbour-town-celebrates/")
    assert response.status_code == 301
    assert response["Location"] == "/news/harbour-town-celebrates/"
    short = reader.get("/articles/harbour-town-celebrates/")
    assert (short.status_code, short["Location"]) == (302, "/news/harbour-town-celebrates/")


def _article_with(n, section):
    article = ArticleFactory(section=section, featured_image=image_file())
    add_topics(article, *[TopicFactory() for _ in range(n)])
    add_authors(article, *[AuthorFactory() for _ in range(n)])
    add_related(article, *[ArticleFactory(section=section) for _ in range(n)])
    return article


def count_queries(client, url):
    client.get(url)  # the shared header and footer are cached from here on
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_article(reader, settings):
    # Fragment caching off: every request rebuilds the article and the rail.
    settings.NEWSROOM_FRAGMENT_SECONDS = 0
    section = SectionFactory()
    small = _article_with(1, section)
    settings.NEWSROOM_RAIL_SIZE = 1
    small_count = count_queries(reader, small.get_absolute_url())
    large = _article_with(10, section)
    settings.NEWSROOM_RAIL_SIZE = 10
    large_count = count_queries(reader, large.get_absolute_url())
    # article, byline, topics, related links, corrections, rail
    assert small_count == large_count == 6


def test_a_repeat_view_reads_only_the_article(reader):
    article = _article_with(10, SectionFactory())
    assert count_queries(reader, article.get_absolute_url()) == 1


def test_the_first_view_with_a_cold_cache_stays_within_budget(reader, site_chrome):
    article = _article_with(3, SectionFactory())
    with CaptureQueriesContext(connection) as queries:
        assert reader.get(article.get_absolute_url()).status_code == 200
    # Six for the article page, five to build the shared header and footer once, and one to
    # read the brands' host names (once a process, and again after a brand is saved, as the
    # fixture's sister brand was).
    assert len(queries) == 12


def test_an_edit_shows_on_the_next_view_despite_the_cache(
    reader, lead, django_capture_on_commit_callbacks
):
    url = lead.get_absolute_url()
    get_page(reader, lead)
    ada = lead.byline[0]
    ada.bio = "Ada has a new bio."
    with django_capture_on_commit_callbacks(execute=True):
        ada.save()
    assert "Ada has a new bio." in text_of(get_page(reader, lead).select_one(".author-box"))
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.filter(slug="boats-return").get().delete()
    assert "Boats Return" not in text_of(get_page(reader, lead).select_one(".rail"))
    lead.headline = "Lighthouse Relit"
    with django_capture_on_commit_callbacks(execute=True):
        lead.save()
    page = parse(reader.get(url))
    assert text_of(page.select_one("h1")) == "Lighthouse Relit"
