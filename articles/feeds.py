"""RSS 2.0 and Atom 1.0 feeds of public articles: the whole site, a topic or section.

(An author's feeds are the authors app's, authors.feeds, built on `ArticleFeed`.) A feed lists
the newest `FEED_SIZE` public articles of a named listing (`Article.objects.latest(site)`, narrowed
by `for_topic` or `by_author`), so the one publication rule applies. Entries carry the byline,
the section and topics as categories, the standfirst, and the featured picture as Media RSS
`media:content` and as an enclosure.

Queries, whatever the number of entries: the topic or author named in the address (none for the
site feed), the site settings, the articles, their bylines and their topics. Django's
`get_current_site` adds one query to the first request a process serves, then caches the Site.

Validators: the ETag is the feed's content (newsroom.conditional), so every process and server
gives the same one, and anything shown (a headline, an author's or topic's name, the brand)
changes it; a repeat request that matches is answered 304 after the feed is built, which costs
the same queries but sends no body. Last-Modified is the newest save or publication among the
entries (see `ArticleFeed.last_modified`).
"""

import mimetypes
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, rfc3339_date
from django.utils.functional import cached_property
from django.utils.http import http_date

from articles.models import Article, ArticleAuthor, Topic, TopicItem
from newsroom import surrogate
from newsroom.models import SiteSettings

FEED_SIZE = 30
# Feed readers poll; a CDN answers them for longer than browsers keep a page, and may serve a
# stale copy while it fetches a fresh one.
FEED_CACHE = {"max_age": 300, "s_maxage": 600, "stale_while_revalidate": 600}
MEDIA_NS = "http://search.yahoo.com/mrss/"
DC_NS = "http://purl.org/dc/elements/1.1/"

# What an entry shows, and nothing more (no body).
FEED_FIELDS = (
    "headline",
    "slug",
    "standfirst",
    "published_at",
    "updated_at",
    "modified",
    "source_system",
    "source_id",
    "featured_image",
    "featured_image_width",
    "featured_image_height",
    "featured_image_alt",
    "featured_image_credit",
    "section__name",
    "section__slug",
)


def add_media_content(handler, image):
    """Write a picture as Media RSS `<media:content>`, with its alt text and credit."""
    attributes = {
        "url": image["url"],
        "medium": "image",
        "type": image["type"],
        "width": image["width"],
        "height": image["height"],
    }
    handler.startElement(
        "media:content", {name: str(value) for name, value in attributes.items() if value}
    )
    if image["alt"]:
        handler.addQuickElement("media:description", image["alt"], {"type": "plain"})
    if image["credit"]:
        handler.addQuickElement("media:credit", image["credit"])
    handler.endElement("media:content")


# What an empty feed gives as its date, where Django's generator would write the time of the
# request: the same empty feed is then the same bytes in every process, and its ETag holds.
NO_ENTRIES_DATE = datetime(1970, 1, 1, tzinfo=UTC)


class SteadyDateMixin:
    """For a feed generator: an empty feed is dated `NO_ENTRIES_DATE`, not now."""

    def latest_post_date(self):
        return super().latest_post_date() if self.items else NO_ENTRIES_DATE


class SteadyRssFeed(SteadyDateMixin, Rss201rev2Feed):
    """RSS 2.0, with a steady date when empty."""


class MediaRssFeed(SteadyRssFeed):
    """RSS 2.0 with a `dc:creator` per byline author, `atom:updated` and Media RSS pictures.

    Items take two extra keywords: `authors` (dicts of name and url) and `image` (a dict for
    `add_media_content`, or None).
    """

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DC_NS, "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for author in item["authors"]:
            handler.addQuickElement("dc:creator", author["name"])
        # RSS 2.0 has no element for an update; the Atom one is what feed readers understand.
        handler.addQuickElement("atom:updated", rfc3339_date(item["updateddate"]))
        if item["image"]:
            add_media_content(handler, item["image"])


class MediaAtomFeed(SteadyDateMixin, Atom1Feed):
    """Atom 1.0 with an `author` per byline author and Media RSS pictures (see MediaRssFeed)."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for author in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", author["name"])
            handler.addQuickElement("uri", author["url"])
            handler.endElement("author")
        if item["image"]:
            add_media_content(handler, item["image"])


class ArticleFeed(Feed):
    """The site's newest public articles, as RSS 2.0. The base of every article feed.

    Subclasses name their subject (`get_object`), its articles (`articles`) and its words.
    """

    feed_type = MediaRssFeed

    @classmethod
    def as_view(cls):
        """A view answering each request with a fresh feed, which may then keep the request."""

        def view(request, *args, **kwargs):
            return cls()(request, *args, **kwargs)

        view.__doc__ = cls.__doc__
        return view

    def __call__(self, request, *args, **kwargs):
        # Feed.__call__ would send the newest entry's update time as Last-Modified; an edit
        # without an update (a headline fixed) must move it too (see `last_modified`).
        self.request = request
        subject = self.get_object(request, *args, **kwargs)
        # The network's `feeds` (addresses), this brand's, and the subject's list on it.
        surrogate.note(surrogate.FEEDS, surrogate.CHROME, subject)
        surrogate.note(surrogate.lists(surrogate.FEEDS, subject))
        feed = self.get_feed(subject, request)
        surrogate.note(surrogate.key("article", entry.pk) for entry in self.entries)
        response = HttpResponse(content_type=feed.content_type)
        feed.write(response, "utf-8")
        if self.entries:
            response.headers["Last-Modified"] = http_date(self.last_modified().timestamp())
        patch_cache_control(response, public=True, **FEED_CACHE)
        return response

    def articles(self, subject):
        """The subject's public articles, newest first (a listing of `ArticleQuerySet`)."""
        return Article.objects.latest(self.request.site)

    def items(self, subject):
        """The newest entries, with bylines and topics prefetched: three queries in all.

        Kept as `self.entries` for `last_modified`.
        """
        listing = self.articles(subject)
        # The entries' ids from the listing's indexes, then only those rows (see
        # `ArticleQuerySet.rows_with_ids`).
        self.entries = list(
            listing.rows_with_ids(listing.values("pk")[:FEED_SIZE])
            .only(*FEED_FIELDS)
            .prefetch_related(
                Prefetch("article_authors", ArticleAuthor.objects.select_related("author")),
                Prefetch("topic_items", TopicItem.objects.select_related("tag")),
            )
        )
        return self.entries

    def last_modified(self):
        """The newest save or publication among the entries (a scheduled article coming due
        is published later than it was saved).

        A client sending only If-Modified-Since misses an entry that left the feed, or a
        renamed author, until the next change; one sending the ETag does not.
        """
        return max(max(entry.modified, entry.published_at) for entry in self.entries)

    def absolute(self, url):
        """A path as a full address, as Django's syndication framework makes entry links."""
        domain = get_current_site(self.request).domain
        return add_domain(domain, url, self.request.is_secure())

    @cached_property
    def brand_name(self):
        return SiteSettings.load(self.request.site).brand_name

    # The channel.

    def get_object(self, request, *args, **kwargs):
        return None

    def title(self, subject):
        return self.brand_name

    def link(self, subject):
        return reverse("articles:home")

    def description(self, subject):
        return f"The latest stories from {self.brand_name}."

    def subtitle(self, subject):
        return self.description(subject)  # Atom's name for the description

    def author_name(self, subject):
        # Atom needs an author for every entry; the publication stands in for a missing byline.
        return self.brand_name

    # The entries.

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        return article.standfirst

    def item_link(self, article):
        return article.get_absolute_url()

    def item_guid(self, article):
        # A tag: URI (RFC 4151) on the article's source identity rather than its address:
        # editors change slugs and sections, and the identity survives an export and
        # re-import into another Newsroom, so a feed reader never sees an article twice.
        # `save()` always fills the identity; rows written around it fall back to the key.
        host = urlsplit(f"//{get_current_site(self.request).domain}").hostname
        day = article.published_at.astimezone(UTC).date().isoformat()
        identity = f"article/{article.pk}"
        if article.source_id:
            identity = (
                f"{quote(article.source_system, safe='')}/{quote(article.source_id, safe='')}"
            )
        return f"tag:{host},{day}:{identity}"

    def item_guid_is_permalink(self, article):
        return False

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at or article.published_at

    def item_categories(self, article):
        surrogate.note(article.section, article.ordered_topics)
        names = [article.section.name] if article.section_id else []
        names += [topic.name for topic in article.ordered_topics]
        return list(dict.fromkeys(names))

    def item_enclosures(self, article):
        image = article.featured_image
        if not image:
            return []
        try:
            length = image.size  # stats the file
        except OSError:
            return []  # the file is missing: an entry without an enclosure beats a 500
        mime_type = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
        return [Enclosure(url=self.absolute(image.url), length=str(length), mime_type=mime_type)]

    def item_extra_kwargs(self, article):
        """The byline and the picture for the feed generator (see MediaRssFeed)."""
        surrogate.note(article.byline)
        authors = [
            {"name": author.name, "url": self.absolute(author.get_absolute_url())}
            for author in article.byline
        ]
        image = None
        if article.featured_image:
            image = {
                "url": self.absolute(article.featured_image.url),
                "type": mimetypes.guess_type(article.featured_image.name)[0],
                "width": article.featured_image_width,
                "height": article.featured_image_height,
                "alt": article.featured_image_alt,
                "credit": article.featured_image_credit,
            }
        return {"authors": authors, "image": image}


class ArticleAtomFeed(ArticleFeed):
    """The site's newest public articles, as Atom 1.0."""

    feed_type = MediaAtomFeed


class TopicFeed(ArticleFeed):
    """A topic's or section's newest public articles, as RSS 2.0."""

    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def articles(self, topic):
        return Article.objects.latest(self.request.site).for_topic(topic)

    def title(self, topic):
        return f"{topic.name} | {self.brand_name}"

    def link(self, topic):
        return topic.get_absolute_url()

    def description(self, topic):
        return topic.description or f"The latest {topic.name} stories from {self.brand_name}."


class TopicAtomFeed(TopicFeed):
    """A topic's or section's newest public articles, as Atom 1.0."""

    feed_type = MediaAtomFeed
