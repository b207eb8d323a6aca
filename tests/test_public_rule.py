"""What the public may see is decided in one place, and every public surface asks it.

`Article.public_condition` is the one definition (`ArticleQuerySet.published()` applies it, and
`public_condition(prefix)` applies it across a relation). The proof: invent a new kind of
non-public article (here, one whose headline starts "[Withheld]") by changing that definition
alone, and watch the article vanish from every page, feed, sitemap, search, related list, rail
and the corrections, while an ordinary public article stays. A surface that wrote the rule
itself would go on showing it.

(The export of articles, `export_articles`, has no "public only" mode: it writes every article,
drafts included, so it is not a public surface.)
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from tests.conftest import content_of, parse
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    TopicFactory,
    add_authors,
    add_related,
    add_topics,
)

pytestmark = pytest.mark.django_db

WITHHELD = "[Withheld]"


def withhold_marked_articles(monkeypatch):
    """Change the one definition: an article whose headline starts WITHHELD is not public."""
    original = Article.public_condition

    def public_condition(cls, prefix="", now=None, *, site=None):
        marked = Q(**{f"{prefix}headline__startswith": WITHHELD})
        return original(prefix, now, site=site) & ~marked

    monkeypatch.setattr(Article, "public_condition", classmethod(public_condition))
    cache.clear()  # fragments and counts made under the old rule


@pytest.fixture
def site():
    section = SectionFactory(name="Science", slug="science")
    topic = TopicFactory(name="Space", slug="space")
    lonely_topic = TopicFactory(name="Zeppelins", slug="zeppelins")
    author = AuthorFactory(name="Nia Cole", slug="nia-cole")
    lonely_author = AuthorFactory(name="Ola Withers", slug="ola-withers")
    hidden = ArticleFactory(
        headline=f"{WITHHELD} Zeppelin lands on the moon",
        slug="zeppelin-lands",
        section=section,
        published_at=timezone.now() - timedelta(hours=1),
    )
    shown = ArticleFactory(
        headline="Zeppelin fleet grounded by fog",
        slug="fleet-grounded",
        section=section,
        published_at=timezone.now() - timedelta(hours=2),
    )
    add_topics(hidden, topic, lonely_topic)
    add_topics(shown, topic)
    add_authors(hidden, author, lonely_author)
    add_authors(shown, author)
    add_related(shown, hidden)
    Correction.objects.create(article=hidden, note="An earlier version misnamed the moon.")
    Correction.objects.create(article=shown, note="An earlier version misnamed the fog.")
    return {"hidden": hidden, "shown": shown}


def listing_pages():
    return {
        "home": reverse("articles:home"),
        "latest": reverse("articles:latest"),
        "section page": reverse("articles:section-detail", args=["science"]),
        "topic page": reverse("articles:topic-detail", args=["space"]),
        "author page": reverse("authors:author-detail", args=["nia-cole"]),
        "site RSS": reverse("articles:site-rss"),
        "site Atom": reverse("articles:site-atom"),
        "section RSS": reverse("articles:topic-rss", args=["science"]),
        "topic RSS": reverse("articles:topic-rss", args=["space"]),
        "topic Atom": reverse("articles:topic-atom", args=["space"]),
        "author RSS": reverse("authors:author-rss", args=["nia-cole"]),
        "author Atom": reverse("authors:author-atom", args=["nia-cole"]),
        "articles sitemap": reverse("newsroom:sitemap-section", args=["articles"]),
        "news sitemap": reverse("newsroom:sitemap-news"),
        "search": reverse("articles:search") + "?q=zeppelin",
    }


def what_readers_see(client, article):
    """Where `article` shows, surface by surface: {surface name: shown?}."""
    path = article.get_absolute_url()
    seen = {}
    for name, url in listing_pages().items():
        response = client.get(url)
        assert response.status_code == 200, name
        seen[name] = path in content_of(response).decode()
    seen["article page"] = client.get(path).status_code == 200
    short_address = reverse("articles:article-by-slug", args=[article.slug])
    seen["short address"] = client.get(short_address).status_code == 302
    # Its own topic and author, which nothing else is filed under.
    topics_page = client.get(reverse("articles:topic-list")).content.decode()
    seen["topics A-Z"] = "/topics/zeppelins/" in topics_page
    authors_page = client.get(reverse("authors:author-list")).content.decode()
    seen["authors index"] = "/authors/ola-withers/" in authors_page
    topics_map = client.get(reverse("newsroom:sitemap-section", args=["topics"]))
    seen["topics sitemap"] = "/topics/zeppelins/" in topics_map.content.decode()
    authors_map = client.get(reverse("newsroom:sitemap-section", args=["authors"]))
    seen["authors sitemap"] = "/authors/ola-withers/" in authors_map.content.decode()
    corrections = client.get(reverse("articles:corrections")).content.decode()
    seen["corrections page"] = path in corrections
    corrections_feed = client.get(reverse("articles:corrections-feed")).content.decode()
    seen["corrections feed"] = path in corrections_feed
    return seen


def on_the_other_article(client, article, other):
    """Whether `article` shows in `other`'s related links and in its rail."""
    page = parse(client.get(other.get_absolute_url()))
    path = article.get_absolute_url()
    related = page.select_one(".related")
    return {
        "related links": related is not None and path in str(related),
        "rail": path in str(page.select_one(".rail")),
    }


def test_a_new_kind_of_non_public_article_vanishes_from_every_public_surface(
    reader, site, monkeypatch
):
    hidden, shown = site["hidden"], site["shown"]
    everywhere = what_readers_see(reader, hidden) | on_the_other_article(reader, hidden, shown)
    assert all(everywhere.values()), everywhere  # public under today's rule

    withhold_marked_articles(monkeypatch)

    everywhere = what_readers_see(reader, hidden) | on_the_other_article(reader, hidden, shown)
    assert {name for name, seen in everywhere.items() if seen} == set()


def test_an_ordinary_public_article_stays_where_it_was(reader, site, monkeypatch):
    hidden, shown = site["hidden"], site["shown"]
    withhold_marked_articles(monkeypatch)

    seen = what_readers_see(reader, shown)
    # Its own topic and author pages aside: it has none of its own (see the fixture).
    for name in ("topics A-Z", "authors index", "topics sitemap", "authors sitemap"):
        del seen[name]
    assert all(seen.values()), seen
    assert list(Article.objects.published()) == [shown]
    assert reader.get(hidden.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "public_statuses",
    [(Article.Status.PUBLISHED,), (Article.Status.PUBLISHED, "live")],
    ids=["today", "with a new public status"],
)
def test_an_article_in_hand_is_public_exactly_when_the_query_says_so(monkeypatch, public_statuses):
    monkeypatch.setattr(Article, "PUBLIC_STATUSES", public_statuses)
    now = timezone.now()
    section = SectionFactory()
    statuses = [*Article.Status.values, "live"]
    times = [None, now - timedelta(days=1), now + timedelta(days=1)]
    articles = [
        ArticleFactory(status=status, published_at=when, section=section)
        for status in statuses
        for when in times
    ]
    public = set(Article.objects.published().values_list("pk", flat=True))
    assert {article.pk for article in articles if article.is_public} == public
    assert {a.status for a in Article.objects.filter(pk__in=public)} == set(public_statuses)


def test_the_public_listings_index_holds_the_public_statuses():
    """The partial index behind every public listing names the public statuses itself (an
    index's condition cannot read the model's constant): it must say what the rule says."""
    for name in ("article_public_listing", "article_brand_listing"):
        (index,) = [index for index in Article._meta.indexes if index.name == name]
        assert index.condition == Q(status__in=list(Article.PUBLIC_STATUSES))
