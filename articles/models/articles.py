"""Articles: the story itself and its byline.

The article's fields and its byline change with the newsroom's idea of a story. What the
public may see is `Article.PUBLIC_STATUSES` here and the rule in articles.models.public
(`PublicRule`: `Article.public_condition`, `is_public`, `shown_on`); the body as the page prints
it is articles.models.rendering (`RenderedBody`). `ArticleQuerySet.published`
(articles.models.listings) is what every public page calls.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from taggit.managers import TaggableManager

from articles.body import sanitise_body
from articles.models.listings import ArticleQuerySet
from articles.models.public import PublicRule
from articles.models.rendering import RenderedBody
from articles.models.topics import Topic, TopicItem, TopicsManager
from library.images import StoredSizeImageField


def default_brand():
    """The brand an article belongs to unless it is given one: the install's default brand."""
    return settings.DEFAULT_SITE_ID


class Article(PublicRule, RenderedBody, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    # What the public may see: an article in one of these statuses whose publication time has
    # come. `public_condition` says it to the database, `is_public` of one article in hand;
    # nothing else states it (a public status before its time is "scheduled").
    PUBLIC_STATUSES = (Status.PUBLISHED,)

    headline = models.CharField(
        max_length=255, help_text="The article's title, as readers see it at the top of the page."
    )
    slug = models.SlugField(
        max_length=255,
        unique=True,
        help_text="The last part of the article's address. Letters, numbers and hyphens only.",
    )
    standfirst = models.TextField(
        blank=True,
        help_text="One or two sentences under the headline that tell the story in brief. "
        "Also used as the summary in listings, feeds and search results.",
    )
    body = models.TextField(
        blank=True,
        help_text="The story. Unsafe markup (scripts, styles, event handlers) is removed on save. "
        "A paragraph holding only a YouTube, Vimeo, X, Instagram, TikTok or Facebook address "
        "becomes an embed.",
    )
    body_rendered = models.TextField(
        blank=True,
        editable=False,
        help_text="The body as the article page prints it (embeds, figures, advert slots), "
        "made on save from the body (see articles.body.rendering), never by hand.",
    )
    body_rendered_key = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="What the stored rendering was made from (`rendering_key`); when it no "
        "longer matches, the page renders the body afresh until the next save.",
    )
    # Deleting a brand that still has articles is refused (PROTECT): move them first.
    brand = models.ForeignKey(
        "sites.Site",
        on_delete=models.PROTECT,
        default=default_brand,
        related_name="articles",
        help_text="The brand that publishes the article: its address is on this brand's site, "
        "and copies on other brands point search engines here.",
    )
    syndicated_to = models.ManyToManyField(
        "sites.Site",
        blank=True,
        related_name="syndicated_articles",
        help_text="Other brands that also list the article, under their own sections and "
        "address, each copy naming the first brand's address as the original.",
    )
    section = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="section_articles",
        limit_choices_to={"in_navigation": True},
        help_text="The section the article belongs to: it heads the breadcrumbs and the address. "
        "Required to publish.",
    )
    topics = TaggableManager(
        through=TopicItem,
        manager=TopicsManager,
        blank=True,
        related_name="articles",
        help_text="Topics this article is about, separated by commas.",
    )
    authors = models.ManyToManyField(
        "authors.Author",
        through="ArticleAuthor",
        blank=True,
        related_name="articles",
        help_text="The byline, in order.",
    )
    featured_image = StoredSizeImageField(
        upload_to="articles/featured/",
        blank=True,
        width_field="featured_image_width",
        height_field="featured_image_height",
        help_text="The picture at the top of the article and in listings; "
        "at least 1200 pixels wide.",
    )
    featured_library_image = models.ForeignKey(
        "library.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="from the media library",
        help_text="Choose a picture from the media library, or upload one below: an upload is "
        "added to the library. Empty alt text, caption and credit are filled from the library.",
    )
    featured_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    featured_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    featured_image_renditions = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="The widths in pixels of the smaller WebP copies made of the featured image "
        "(see library.images). Filled when an image is uploaded or imported, never by hand.",
    )
    featured_image_alt = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the picture shows, for readers who cannot see it.",
    )
    featured_image_caption = models.CharField(
        max_length=500, blank=True, help_text="An optional line shown under the picture."
    )
    featured_image_credit = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who owns the picture, e.g. “Alamy” or “Jane Doe / Newsroom”.",
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Only published articles whose publication time has come are shown to readers.",
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the article becomes public. A time in the future schedules it.",
    )
    updated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the story was last meaningfully updated; shown to readers as “Updated”. "
        "Leave empty for articles that have not been updated.",
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    source_system = models.CharField(
        max_length=50,
        blank=True,
        help_text="The system this article was imported from, e.g. “wordpress”.",
    )
    source_id = models.CharField(
        max_length=255,
        blank=True,
        help_text="The article's identifier in that system; re-imports update the same article.",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who started the article; contributors may edit only their own drafts.",
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one on every save; a save from an older version is refused.",
    )
    source_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="A digest of the imported record; "
        "an unchanged re-import leaves the article alone.",
    )
    # Written by the database, not by Django: on PostgreSQL a trigger (migration 0002) fills it
    # from the headline, standfirst and body on every insert and update, bulk ones included.
    # Always empty on other databases, whose search reads the text columns instead.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        # Each index ends with the listing's tie-break (id), so a page, and a keyset page
        # (newsroom.pages.KeysetPaginator), is one index range scan with its LIMIT.
        indexes = [
            # The public listings (latest, feeds, rails, sitemaps): public statuses only, newest
            # first. Partial rather than led by the status, so the planner never prefers walking
            # `article_newest` past the drafts at its top. Its condition is PUBLIC_STATUSES
            # (tests/test_public_rule.py checks that they agree).
            models.Index(
                fields=["-published_at", "-id"],
                condition=models.Q(status__in=["published"]),
                name="article_public_listing",
            ),
            # The same, one brand's: each brand's latest, feeds and sitemaps.
            models.Index(
                fields=["brand", "-published_at", "-id"],
                condition=models.Q(status__in=["published"]),
                name="article_brand_listing",
            ),
            # A section's page and the front page's section blocks.
            models.Index(
                fields=["section", "status", "-published_at", "-id"],
                name="article_section_listing",
            ),
            # The same, one brand's: with the brand in the condition and not in an index,
            # PostgreSQL read the whole table to learn that a topic is no section of a brand
            # (the sitemaps' and topics' "has public articles": minutes at a million).
            models.Index(
                fields=["section", "brand", "-published_at", "-id"],
                condition=models.Q(status__in=["published"]),
                name="article_brand_section_listing",
            ),
            # The newsdesk's list in its default order, whatever the status (drafts first:
            # no publication time sorts first, newest first).
            models.Index(fields=["-published_at", "-id"], name="article_newest"),
            # The newsdesk's list ordered by headline (the admin adds "-pk" as the tie-break).
            models.Index(fields=["headline", "-id"], name="article_by_headline"),
            # The newest update among public articles (the sitemaps' lastmod), read from the
            # top of an index; only updated articles have a row.
            models.Index(
                fields=["-updated_at"],
                condition=models.Q(updated_at__isnull=False),
                name="article_updated",
            ),
            # Search puts an article whose headline is the query first, wherever it is.
            models.Index(Upper("headline"), name="article_headline_exact"),
        ]
        permissions = [
            ("publish_article", "Can publish, schedule and unpublish articles"),
            ("edit_any_article", "Can edit articles started by others"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "source_id"],
                condition=~models.Q(source_id=""),
                name="unique_article_source",
            )
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = sanitise_body(self.body)
        if self.refresh_rendered_body() and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "body_rendered",
                "body_rendered_key",
            }
        if not self.source_id:
            self.source_system, self.source_id = "newsroom", self.slug
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        if self.section_id is None:
            return reverse("articles:article-by-slug", kwargs={"slug": self.slug})
        return reverse(
            "articles:article-detail", kwargs={"section": self.section.slug, "slug": self.slug}
        )

    def clean(self):

        if self.status == self.Status.PUBLISHED:
            errors = {}
            if self.section_id is None:
                errors["section"] = "Choose a section before publishing."
            if self.published_at is None:
                errors["published_at"] = "Give a publication time before publishing."
            if errors:
                raise ValidationError(errors)

    @property
    def ordered_topics(self):
        """Topics in the editor's order. Uses prefetched `topic_items` when present."""
        return [item.tag for item in self.topic_items.all()]

    @property
    def byline(self):
        """Authors in byline order. Uses prefetched `article_authors` when present."""
        return [link.author for link in self.article_authors.all()]


class ArticleAuthor(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="article_authors")
    author = models.ForeignKey(
        "authors.Author",
        on_delete=models.PROTECT,
        related_name="article_links",
        # Served by the index below, which also holds the article.
        db_index=False,
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Bylines list authors in ascending order of this number."
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "byline author"
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="unique_article_author")
        ]
        # An author's articles, read from the index alone (their pages, feeds and counts).
        indexes = [models.Index(fields=["author", "article"], name="articleauthor_by_author")]

    def __str__(self):
        return str(self.author)
