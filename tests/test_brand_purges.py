"""Each brand's lists have their own surrogate keys (newsroom.surrogate: `latest-b2`…): a
brand's pages name its lists, and a change to an article purges the lists of the brands that
show it (its own and those it is syndicated to, before and after the change), never another
brand's. The object's own key (`article-12`) is the same everywhere. Through a real Varnish:
tests/test_edge_brands.py."""

import pytest
from django.contrib.sites.models import Site
from django.utils import timezone

from articles.models import Article
from newsroom.models import SiteSettings
from tests import test_purges
from tests.brand_keys import on_brand, on_brands
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    TopicFactory,
    add_authors,
    add_topics,
    make_brand,
)

pytestmark = pytest.mark.django_db(transaction=True)

purges = test_purges.purges  # the fixture: the key sets queued since it was made

NEWS, SPORT, PLAY = "news.example.org", "sport.example.org", "play.example.org"


@pytest.fixture
def network(settings):
    settings.ALLOWED_HOSTS = [".example.org"]
    news = Site.objects.get(pk=settings.DEFAULT_SITE_ID)
    news.domain, news.name = NEWS, "Daily Tester"
    news.save()
    SiteSettings.objects.create(site=news, brand_name="Daily Tester")
    sport, play = make_brand(SPORT, "Tester Sport"), make_brand(PLAY, "Tester Play")
    section = SectionFactory(name="Harbour", slug="harbour", menu_brands=[news, sport, play])
    return {"news": news, "sport": sport, "play": play, "section": section}


def story(network, brand, *, syndicated_to=(), **fields):
    article = ArticleFactory(brand=network[brand], section=network["section"], **fields)
    article.syndicated_to.set([network[name] for name in syndicated_to])
    return Article.objects.get(pk=article.pk)


def keys_on(client, host, url):
    response = client.get(url, HTTP_HOST=host)
    assert response.status_code == 200, (host, url)
    return set(response["Surrogate-Key"].split())


def lists_on(brand, article):
    """The keys of every list of `brand` that shows `article` (its section, topics, authors)."""
    names = {"home", "latest", "feeds", "sitemaps", f"topic-{article.section_id}"}
    names |= {f"topic-{topic.pk}" for topic in article.ordered_topics}
    names |= {f"author-{author.pk}" for author in article.byline}
    return on_brands(names, brand)


def test_a_brands_pages_name_its_own_lists_only(reader, network):
    sport, news = network["sport"], network["news"]
    article = story(network, "news", syndicated_to=["sport"], slug="copy")
    topic, author = TopicFactory(slug="boats"), AuthorFactory(slug="ada")
    add_topics(article, topic)
    add_authors(article, author)
    pages = {
        "/": {"home", "latest", "chrome"},
        "/latest/": {"latest", "chrome"},
        "/harbour/": {f"topic-{network['section'].pk}"},
        "/topics/boats/": {f"topic-{topic.pk}"},
        "/authors/ada/": {f"author-{author.pk}"},
        "/harbour/copy/": {"latest", "chrome"},
        "/feeds/rss/": {"feeds"},
        "/sitemap-articles.xml": {"sitemaps"},
        "/corrections/": {"corrections"},
    }
    for url, names in pages.items():
        keys = keys_on(reader, SPORT, url)
        assert on_brands(names, sport) <= keys, url
        assert not {key for key in keys if key.endswith(f"-b{news.pk}")}, url
    # The copy and the original name the one object, on both brands.
    assert f"article-{article.pk}" in keys_on(reader, SPORT, "/harbour/copy/")
    assert f"article-{article.pk}" in keys_on(reader, NEWS, "/harbour/copy/")
    # A topic's and an author's pages also name the object itself (its name), network-wide.
    assert f"topic-{topic.pk}" in keys_on(reader, SPORT, "/topics/boats/")
    assert f"author-{author.pk}" in keys_on(reader, SPORT, "/authors/ada/")
    # A "not found" names the brand's latest: a publication there may give the address a page.
    missing = reader.get("/harbour/not-yet/", HTTP_HOST=SPORT)
    assert missing.status_code == 404
    assert on_brand("latest", sport) in missing["Surrogate-Key"].split()


def test_publishing_purges_its_brands_lists_only(network, purges):
    article = story(network, "sport", status=Article.Status.DRAFT, published_at=None)
    add_authors(article, AuthorFactory())
    mark = len(purges())
    article.status, article.published_at = Article.Status.PUBLISHED, timezone.now()
    article.save()
    (keys,) = purges()[mark:]
    assert keys == {f"article-{article.pk}", *lists_on(network["sport"], article)}


def test_a_syndicated_articles_change_purges_both_brands_lists(network, purges):
    article = story(network, "news", syndicated_to=["sport"])
    mark = len(purges())
    article.published_at = timezone.now().replace(microsecond=0) - timezone.timedelta(minutes=1)
    article.save()
    (keys,) = purges()[mark:]
    expected = lists_on(network["news"], article) | lists_on(network["sport"], article)
    assert keys == {f"article-{article.pk}", *expected}
    assert not {key for key in keys if key.endswith(f"-b{network['play'].pk}")}


def test_a_headline_edit_purges_the_sitemaps_of_the_brands_showing_it(network, purges):
    article = story(network, "news", syndicated_to=["sport"])
    mark = len(purges())
    article.headline = "A new headline"
    article.save()
    assert purges()[mark:] == [
        {f"article-{article.pk}", *on_brands(["sitemaps"], network["news"], network["sport"])}
    ]


def test_moving_an_article_purges_the_old_and_the_new_brands_lists(network, purges):
    article = story(network, "news")
    mark = len(purges())
    article.brand = network["play"]
    article.save()
    (keys,) = purges()[mark:]
    expected = lists_on(network["news"], article) | lists_on(network["play"], article)
    assert keys == {f"article-{article.pk}", *expected}


def test_syndicating_purges_the_new_brands_lists_and_taking_it_back_the_old(network, purges):
    article = story(network, "news", syndicated_to=["sport"])
    mark = len(purges())
    article.syndicated_to.add(network["play"])
    assert purges()[mark:] == [{f"article-{article.pk}", *lists_on(network["play"], article)}]
    mark = len(purges())
    article.syndicated_to.clear()
    assert purges()[mark:] == [
        {f"article-{article.pk}", *lists_on(network["sport"], article),
         *lists_on(network["play"], article)}
    ]
    article.syndicated_to.add(network["sport"])
    mark = len(purges())
    network["sport"].syndicated_articles.clear()  # from the brand's side
    assert purges()[mark:] == [{f"article-{article.pk}", *lists_on(network["sport"], article)}]


def test_a_menu_change_purges_that_brands_header_only(network, purges):
    mark = len(purges())
    network["section"].menu_brands.remove(network["sport"])
    assert purges()[mark:] == [{on_brand("chrome", network["sport"])}]


def test_a_brands_settings_purge_every_header(network, purges):
    # Each header lists the sister brands by name.
    mark = len(purges())
    brand = SiteSettings.objects.get(site=network["sport"])
    brand.brand_name = "Tester Sports"
    brand.save()
    assert purges()[mark:] == [{"chrome"}]
