"""Two brands never leak into each other: on every public surface a brand shows its own
articles and those syndicated to it, never another brand's; a syndicated copy names the first
brand's page as the original and stays out of the second brand's news sitemap."""

import pytest
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.urls import reverse

from articles.models import Article, Correction
from newsroom.models import SiteSettings
from tests.conftest import parse, text_of
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    TopicFactory,
    add_authors,
    add_related,
    add_topics,
    make_brand,
)

pytestmark = pytest.mark.django_db

NEWS = "news.example.org"
SPORT = "sport.example.org"


@pytest.fixture
def network(settings):
    settings.ALLOWED_HOSTS = [".example.org"]
    news = Site.objects.get(pk=settings.DEFAULT_SITE_ID)
    news.domain, news.name = NEWS, "Daily Tester"
    news.save()
    SiteSettings.objects.create(site=news, brand_name="Daily Tester")
    sport = make_brand(SPORT, "Tester Sport")
    section = SectionFactory(name="Harbour", slug="harbour", menu_brands=[news, sport])
    topic = TopicFactory(name="Boats", slug="boats")
    author = AuthorFactory(name="Ada Lane", slug="ada-lane")
    articles = {}
    for key, brand in (("news", news), ("sport", sport), ("shared", news)):
        article = ArticleFactory(
            brand=brand,
            section=section,
            headline=f"Harbour story only {key}",
            slug=f"harbour-story-{key}",
            body=f"<p>Harbour story only {key}.</p>",
        )
        add_topics(article, topic)
        add_authors(article, author)
        Correction.objects.create(article=article, note=f"A correction to the {key} story.")
        articles[key] = article
    articles["shared"].syndicated_to.add(sport)
    return {"news": news, "sport": sport, "articles": articles}


def seen_on(client, host, url):
    response = client.get(url, HTTP_HOST=host)
    assert response.status_code == 200, (host, url, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode()


SURFACES = {
    "home": "/",
    "latest": "/latest/",
    "section": "/harbour/",
    "topic": "/topics/boats/",
    "author": "/authors/ada-lane/",
    "search": "/search/?q=Harbour",
    "site feed": "/feeds/rss/",
    "site atom feed": "/feeds/atom/",
    "topic feed": "/feeds/topics/boats/rss/",
    "author feed": "/feeds/authors/ada-lane/rss/",
    "corrections": "/corrections/",
    "corrections feed": "/corrections/rss/",
    "article sitemap": "/sitemap-articles.xml",
}


@pytest.mark.parametrize("surface", SURFACES)
def test_no_surface_lists_another_brands_article(reader, network, surface):
    url = SURFACES[surface]
    for host, own, other in ((NEWS, "news", "sport"), (SPORT, "sport", "news")):
        cache.clear()  # and again from the cache, below
        for _ in range(2):
            page = seen_on(reader, host, url)
            assert f"harbour-story-{own}" in page or f"story only {own}" in page, (host, surface)
            assert f"harbour-story-{other}" not in page, (host, surface)
            assert f"story only {other}" not in page, (host, surface)
            assert "harbour-story-shared" in page or "story only shared" in page, (host, surface)


def test_a_cached_fragment_of_one_brand_is_never_served_on_another(reader, network):
    """Both brands show the syndicated story: each from its own fragments (the rail differs)."""
    shared = network["articles"]["shared"]
    for _ in range(2):
        news_rail = parse(reader.get(shared.get_absolute_url(), HTTP_HOST=NEWS)).select(".rail a")
        sport_rail = parse(reader.get(shared.get_absolute_url(), HTTP_HOST=SPORT)).select(".rail a")
        assert "Harbour story only news" in [text_of(a) for a in news_rail]
        assert "Harbour story only sport" not in [text_of(a) for a in news_rail]
        assert "Harbour story only sport" in [text_of(a) for a in sport_rail]
        assert "Harbour story only news" not in [text_of(a) for a in sport_rail]


def test_another_brands_article_page_is_not_found(reader, network):
    sport_story = network["articles"]["sport"]
    assert reader.get(sport_story.get_absolute_url(), HTTP_HOST=NEWS).status_code == 404
    assert reader.get(sport_story.get_absolute_url(), HTTP_HOST=SPORT).status_code == 200
    by_slug = reverse("articles:article-by-slug", kwargs={"slug": sport_story.slug})
    assert reader.get(by_slug, HTTP_HOST=NEWS).status_code == 404


def test_related_links_to_another_brands_article_are_left_out(reader, network):
    news_story, sport_story = network["articles"]["news"], network["articles"]["sport"]
    add_related(news_story, sport_story, ("Elsewhere", "https://example.net/"))
    page = parse(reader.get(news_story.get_absolute_url(), HTTP_HOST=NEWS))
    related = [text_of(a) for a in page.select(".related a")]
    assert "Elsewhere" in related
    assert sport_story.headline not in related


def test_the_indexes_count_only_the_brands_articles(reader, network):
    play = make_brand("play.example.org", "Tester Play")
    topics = parse(reader.get("/topics/", HTTP_HOST="play.example.org"))
    authors = parse(reader.get("/authors/", HTTP_HOST="play.example.org"))
    assert "Boats" not in text_of(topics.select_one("main"))
    assert "Ada Lane" not in text_of(authors.select_one("main"))
    assert "Ada Lane" in text_of(parse(reader.get("/authors/", HTTP_HOST=SPORT)).select_one("main"))
    # Their sitemaps too: a brand without articles lists no topic and no author.
    for sitemap in ("/sitemap-topics.xml", "/sitemap-authors.xml"):
        assert "<loc>" not in seen_on(reader, play.domain, sitemap)
        assert "<loc>" in seen_on(reader, SPORT, sitemap)


def test_the_syndicated_copy_names_the_first_brands_page_as_canonical(reader, network):
    shared = network["articles"]["shared"]
    on_news = parse(reader.get(shared.get_absolute_url(), HTTP_HOST=NEWS))
    on_sport = parse(reader.get(shared.get_absolute_url(), HTTP_HOST=SPORT))
    expected = f"http://{NEWS}{shared.get_absolute_url()}"
    assert on_news.select_one('link[rel="canonical"]')["href"] == expected
    assert on_sport.select_one('link[rel="canonical"]')["href"] == expected


def test_the_news_sitemap_lists_the_brands_own_articles_under_its_name(reader, network):
    on_sport = seen_on(reader, SPORT, "/sitemap-news.xml")
    on_news = seen_on(reader, NEWS, "/sitemap-news.xml")
    assert "<news:name>Tester Sport</news:name>" in on_sport
    assert "<news:name>Daily Tester</news:name>" in on_news
    assert "harbour-story-sport" in on_sport and "harbour-story-shared" not in on_sport
    assert "harbour-story-news" in on_news and "harbour-story-shared" in on_news
    assert "harbour-story-sport" not in on_news


def test_robots_txt_names_the_brands_own_sitemaps(reader, network):
    assert f"Sitemap: http://{SPORT}/sitemap.xml" in seen_on(reader, SPORT, "/robots.txt")
    assert f"Sitemap: http://{NEWS}/sitemap.xml" in seen_on(reader, NEWS, "/robots.txt")


def test_moving_an_article_to_another_brand_leaves_a_permanent_redirect(
    reader, network, django_capture_on_commit_callbacks
):
    from articles.workflow import Publication

    story = network["articles"]["news"]
    old_url = story.get_absolute_url()
    publication = Publication.of(story)
    story.brand = network["sport"]
    with django_capture_on_commit_callbacks(execute=True):
        publication.save(story)
    assert reader.get(old_url, HTTP_HOST=SPORT).status_code == 200
    moved = reader.get(old_url, HTTP_HOST=NEWS)
    assert moved.status_code == 301
    assert moved["Location"] == f"http://{SPORT}{old_url}"
    assert "story only news" not in seen_on(reader, NEWS, "/latest/")
    assert "story only news" in seen_on(reader, SPORT, "/latest/")


def test_a_brand_with_articles_cannot_be_deleted(admin_client, network):
    response = admin_client.post(
        reverse("admin:sites_site_delete", args=[network["sport"].pk]),
        {"post": "yes"},
        HTTP_HOST=NEWS,
    )
    assert Site.objects.filter(pk=network["sport"].pk).exists()
    assert "Cannot delete site" in text_of(parse(response).select_one("#content"))
    assert Article.objects.filter(brand=network["sport"]).count() == 1
