"""Every public response names, in `Surrogate-Key`, each object it shows: every article, author,
topic and section it links to, the site chrome, and the lists it is (docs/edge.md).

The strongest form: each page is read as a reader's browser would, every link followed back to
the object it leads to, and that object's key looked for in the header; on the first request
(fragments built) and on the second (fragments from the cache, which must remember their keys).
"""

from datetime import timedelta
from urllib.parse import urlsplit

import feedparser
import pytest
from django.contrib.flatpages.models import FlatPage
from django.urls import Resolver404, resolve
from django.utils import timezone

from articles import workflow
from articles.models import Article, Topic
from authors.models import Author
from newsroom.brands import current_site
from newsroom.models import FooterLink, SiteSettings
from tests.brand_keys import on_brand, on_brands
from tests.conftest import parse
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


@pytest.fixture
def world(editor):
    settings = SiteSettings.load()
    settings.brand_name = "Daily Tester"
    settings.save()
    page = FlatPage.objects.create(url="/about/", title="About", content="<p>Us.</p>")
    page.sites.add(current_site())
    FooterLink.objects.create(site_settings=settings, page=page, position=0)
    news = SectionFactory(name="News", navigation_order=1)
    music = SectionFactory(name="Music", navigation_order=2)
    boats, coast = TopicFactory(name="Boats"), TopicFactory(name="Coast")
    ada, ben = AuthorFactory(name="Ada", slug="ada"), AuthorFactory(name="Ben", slug="ben")
    now = timezone.now()
    articles = []
    for n in range(8):
        article = ArticleFactory(
            headline=f"Story {n}",
            slug=f"story-{n}",
            section=news if n % 2 else music,
            published_at=now - timedelta(hours=n + 1),
        )
        add_topics(article, boats if n % 3 else coast)
        add_authors(article, ada if n % 2 else ben)
        articles.append(article)
    add_related(articles[0], articles[7], ("Elsewhere", "https://example.org/"))
    ArticleFactory(headline="Draft", slug="draft", section=news, status=Article.Status.DRAFT)
    lead = articles[0]
    workflow.note_change(article=lead, kind="correction", note="We got it wrong.", by=editor.user)
    lead.save()
    return {"articles": articles, "news": news, "boats": boats, "ada": ada, "page": page}


def key_of_link(href):
    """The surrogate key of the object a link on our site leads to, or None."""
    parts = urlsplit(href)
    if parts.netloc and parts.netloc not in ("testserver", current_site().domain):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    name, kwargs = match.view_name, match.kwargs
    if name == "articles:article-detail":
        return f"article-{Article.objects.get(slug=kwargs['slug']).pk}"
    if name in ("articles:topic-detail", "articles:section-detail"):
        return f"topic-{Topic.objects.get(slug=kwargs['slug']).pk}"
    if name == "authors:author-detail":
        return f"author-{Author.objects.get(slug=kwargs['slug']).pk}"
    return None


def header_keys(response):
    assert response.status_code == 200
    return set(response["Surrogate-Key"].split())


def linked_keys(response):
    """The keys of what the page's own content links to. The header and footer (sections,
    footer pages) are the site chrome, named as a whole by `chrome`."""
    page = parse(response)
    for chrome in page.select(".site-header, .site-footer"):
        chrome.decompose()
    return {key_of_link(a["href"]) for a in page.select("a[href]")} - {None}


# Every page names the network's chrome (the sister brands) and its brand's (its menu), and the
# brand's lists it shows.
CHROME = {"chrome", on_brand("chrome")}
PAGES = {
    "/": {*on_brands(["home", "latest"]), *CHROME},
    "/latest/": {on_brand("latest"), *CHROME},
    "/news/": CHROME,
    "/topics/boats/": CHROME,
    "/topics/": {on_brand("latest"), *CHROME},
    "/authors/": {on_brand("latest"), *CHROME},
    "/authors/ada/": CHROME,
    "/music/story-0/": {on_brand("latest"), *CHROME},
    "/news/story-1/": {on_brand("latest"), *CHROME},
    "/corrections/": {on_brand("corrections"), *CHROME},
    "/pages/about/": CHROME,
    "/search/?q=story": CHROME,
}


# Pages of words, with no link outside the header and footer.
PAGES_OF_WORDS = {"/pages/about/"}


@pytest.mark.parametrize(("url", "own"), PAGES.items())
def test_a_page_names_everything_it_links_to(reader, world, url, own):
    for attempt in ("built", "from the cache"):
        response = reader.get(url)
        keys = header_keys(response)
        shown = linked_keys(response)
        assert shown or url in PAGES_OF_WORDS, f"{url} links to nothing we can name"
        assert shown <= keys, f"{url} ({attempt}) does not name {shown - keys}"
        assert own <= keys


def test_the_article_page_names_its_rail_related_and_byline(reader, world):
    lead, *others = world["articles"]
    response = reader.get(lead.get_absolute_url())
    keys = header_keys(response)
    page = parse(response)
    rail = {key_of_link(a["href"]) for a in page.select(".rail a")}
    assert len(rail) >= 3 and rail <= keys
    assert f"article-{others[-1].pk}" in keys  # only the related link leads to story 7
    byline = lead.byline[0]
    assert {f"article-{lead.pk}", f"author-{byline.pk}", f"topic-{lead.section_id}"} <= keys


def test_a_page_names_no_draft(reader, world):
    draft = Article.objects.get(slug="draft")
    for url in PAGES:
        assert f"article-{draft.pk}" not in header_keys(reader.get(url))


FEEDS = [
    "/feeds/rss/",
    "/feeds/atom/",
    "/feeds/topics/boats/rss/",
    "/feeds/topics/news/atom/",
    "/feeds/authors/ada/rss/",
    "/corrections/rss/",
]


@pytest.mark.parametrize("url", FEEDS)
def test_a_feed_names_its_entries_their_authors_and_topics(reader, world, url):
    response = reader.get(url)
    keys = header_keys(response)
    # The network's `feeds` (addresses) and the brand's list the feed is.
    listed = on_brand("corrections" if url.startswith("/corrections/") else "feeds")
    assert {"feeds", listed, "chrome"} <= keys
    feed = feedparser.parse(response.content)
    assert feed.entries
    for entry in feed.entries:
        assert key_of_link(entry.link) in keys
        for author in entry.get("authors", []):
            if author.get("href"):
                assert key_of_link(author["href"]) in keys
        for tag in entry.get("tags", []):
            topic = Topic.objects.filter(name=tag["term"]).first()
            if topic:
                assert f"topic-{topic.pk}" in keys
    subject = urlsplit(url).path.split("/")[-3]
    # The subject's own key and its list on the brand.
    if "topics" in url:
        topic = f"topic-{Topic.objects.get(slug=subject).pk}"
        assert {topic, on_brand(topic)} <= keys
    if "authors" in url:
        author = f"author-{Author.objects.get(slug=subject).pk}"
        assert {author, on_brand(author)} <= keys


def test_a_conditional_feed_request_still_names_its_entries(reader, world):
    first = reader.get("/feeds/rss/")
    again = reader.get("/feeds/rss/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    entries = {k for k in header_keys(first) if k.startswith("article-")}
    assert entries <= set(again["Surrogate-Key"].split())


@pytest.mark.parametrize(
    ("url", "keys"),
    [
        ("/sitemap.xml", {"sitemaps", on_brand("sitemaps")}),
        ("/sitemap-articles.xml", {"sitemaps", on_brand("sitemaps")}),
        ("/sitemap-news.xml", {"sitemaps", on_brand("sitemaps"), "chrome"}),
        ("/robots.txt", {"robots"}),
    ],
)
def test_crawlers_files_name_their_lists(reader, world, url, keys):
    named = header_keys(reader.get(url))
    assert keys <= named
    assert not any(key.startswith("article-") for key in named)  # too many to name


def test_keys_are_ascii_words_separated_by_spaces(reader, world):
    header = reader.get("/")["Surrogate-Key"]
    assert header.isascii()
    assert header == " ".join(sorted(set(header.split())))


def test_private_answers_carry_no_keys(reader, editor, world):
    lead = world["articles"][0]
    preview = editor.get(f"/admin/articles/article/{lead.pk}/preview/")
    assert preview.status_code == 200
    assert not preview.has_header("Surrogate-Key")
    admin = editor.get("/admin/articles/article/")
    assert admin.status_code == 200 and not admin.has_header("Surrogate-Key")


def test_a_response_setting_a_cookie_carries_no_keys(reader, world):
    response = reader.get("/submit/")  # a form: it sets the CSRF cookie
    assert response.cookies
    assert not response.has_header("Surrogate-Key")


def test_a_library_picture_served_by_the_origin_names_itself(reader, urls_with):
    urls_with(SERVE_MEDIA=True)
    from library.images import rendition_name
    from library.models import Image
    from tests.factories import image_file

    picture = Image.objects.create(file=image_file("harbour.jpg"), alt_text="The harbour")
    assert header_keys(reader.get(picture.file.url)) == {f"media-{picture.pk}"}
    rendition = rendition_name(picture.file.name, 480)
    picture.file.storage.save(rendition, picture.file.open())
    assert header_keys(reader.get(f"/media/{rendition}")) == {f"media-{picture.pk}"}


def test_a_page_not_found_yet_is_purged_by_a_publication(reader, world):
    # A scheduled or draft article's address answers 404 until a publication purges the
    # brand's `latest`.
    response = reader.get("/news/not-yet/")
    assert response.status_code == 404
    assert on_brand("latest") in response["Surrogate-Key"].split()


def test_a_renamed_author_changes_the_feeds_etag(reader, world, django_capture_on_commit_callbacks):
    first = reader.get("/feeds/rss/")
    again = reader.get("/feeds/rss/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        world["ada"].name = "Ada Quill"
        world["ada"].save()
    renamed = reader.get("/feeds/rss/", headers={"If-None-Match": first["ETag"]})
    assert renamed.status_code == 200
    assert b"Ada Quill" in renamed.content
