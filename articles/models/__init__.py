from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import TagBase, TaggedItemBase

from articles.body import sanitise_body
from articles.images import StoredSizeImageField
from articles.links import is_safe_link_address, validate_link_address
from articles.text import ascii_slug, clean_text, name_key

# First path segments the site's own pages use. A topic may not take one as its slug, because
# article addresses are /<section-slug>/<article-slug>/ and would otherwise be shadowed.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "authors",
        "topics",
        "latest",
        "corrections",
        "library",
        "pages",
        "media",
        "static",
        "search",
        "submit",
        "feeds",
        "feed",
        "sitemap",
        "sitemap.xml",
        "robots.txt",
        "articles",
        "preview",
        "api",
    }
)


class TopicQuerySet(models.QuerySet):
    def navigation(self):
        """Sections shown in the site header's menu, in the editor's order."""
        return self.filter(in_navigation=True, in_menu=True).order_by("navigation_order", "name")

    def by_key(self, names):
        """The existing topics named in `names` (any case or spacing), by `name_key`. One query.

        The one way to find topics by name: editors' topic fields, importers and merges all
        come here, so "économie" finds "Économie" everywhere.
        """
        keys = {name_key(name) for name in names}
        return {topic.name_key: topic for topic in self.filter(name_key__in=keys)}

    def for_names(self, names, **defaults):
        """Topics for `names`, in order and once each, the missing ones created with `defaults`."""
        found = self.by_key(names)
        topics = []
        for name in names:
            key = name_key(name)
            if key not in found:
                found[key] = self.create(name=name, **defaults)
            if found[key] not in topics:
                topics.append(found[key])
        return topics


class Topic(TagBase):
    """A subject articles are tagged with. Topics in the navigation are the site's sections."""

    description = models.TextField(
        blank=True, help_text="A sentence or two introducing the topic, shown on its page."
    )
    name_key = models.CharField(
        max_length=400,
        unique=True,
        editable=False,
        help_text="The name as topics are compared (see articles.text.name_key): two names "
        "with the same key are one topic. Filled on save.",
    )
    in_navigation = models.BooleanField(
        default=False,
        verbose_name="section",
        help_text="Make this topic a section: sections head the breadcrumbs and addresses of "
        "their articles, and an article needs one to be published.",
    )
    in_menu = models.BooleanField(
        default=True,
        verbose_name="in the menu",
        help_text="Show this section in the site header's menu. Sections created by an import "
        "stay out of the menu until an editor ticks this.",
    )
    navigation_order = models.PositiveSmallIntegerField(
        default=0, help_text="Sections are listed in ascending order of this number."
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["in_navigation", "navigation_order"])]

    def get_absolute_url(self):
        """A section lives at /<slug>/, any other topic at /topics/<slug>/."""
        if self.in_navigation:
            return reverse("articles:section-detail", kwargs={"slug": self.slug})
        return reverse("articles:topic-detail", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        self.name = clean_text(self.name)
        self.name_key = name_key(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        same = Topic.objects.filter(name_key=name_key(clean_text(self.name or "")))
        existing = same.exclude(pk=self.pk).first()
        if existing is not None:
            raise ValidationError(
                {
                    "name": f"“{existing.name}” is already a topic: names that differ only in "
                    "case, accents' composition or spacing are one topic."
                }
            )

    def slugify(self, tag, i=None):
        # Addresses take ASCII slugs only (`<slug:…>`), so other scripts are transliterated
        # ("Ελλάδα" → "ellada", "Café" → "cafe"); see articles.text.ascii_slug.
        slug = ascii_slug(tag, prefix="topic") or "topic"
        if slug in RESERVED_SLUGS:
            slug = f"{slug}-topic"
        if i is not None:  # taggit's way of making a taken slug unique
            slug = f"{slug}_{i}"
        return slug


class TopicsManager(_TaggableManager):
    """An article's topics; names given as text find their topic by `Topic.objects.by_key`."""

    def _to_tag_model_instances(self, tags, tag_kwargs):
        names = {}  # name_key -> the name as first typed
        for tag in tags:
            if isinstance(tag, str) and clean_text(tag):
                names.setdefault(name_key(clean_text(tag)), clean_text(tag))
        topics = dict(zip(names, Topic.objects.for_names(list(names.values())), strict=True))
        chosen = [
            topics[name_key(clean_text(tag))] if isinstance(tag, str) else tag
            for tag in tags
            if not isinstance(tag, str) or clean_text(tag)
        ]
        return super()._to_tag_model_instances(chosen, tag_kwargs)


class TopicItem(TaggedItemBase):
    """Links an article to a topic; `position` keeps the editor's order of topics."""

    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="items")
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="topic_items"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_topic")
        ]


def public_condition(prefix=""):
    """The one definition of what the public may see: published, and not in the future.

    `prefix` applies it across a relation (e.g. "target__" for a related link's article), so
    lists of links filter on a join rather than a subquery.
    """
    return models.Q(
        **{
            f"{prefix}status": Article.Status.PUBLISHED,
            f"{prefix}published_at__lte": timezone.now(),
        }
    )


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles the public may see (see `public_condition`)."""
        return self.filter(public_condition())

    def newest_first(self):
        return self.order_by("-published_at", "-id")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

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
        "(see articles.images). Filled when an image is uploaded or imported, never by hand.",
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
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_public_listing"),
            models.Index(
                fields=["section", "status", "-published_at"], name="article_section_listing"
            ),
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
        from django.core.exceptions import ValidationError

        if self.status == self.Status.PUBLISHED:
            errors = {}
            if self.section_id is None:
                errors["section"] = "Choose a section before publishing."
            if self.published_at is None:
                errors["published_at"] = "Give a publication time before publishing."
            if errors:
                raise ValidationError(errors)

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

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
        "authors.Author", on_delete=models.PROTECT, related_name="article_links"
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

    def __str__(self):
        return str(self.author)


class RelatedLink(models.Model):
    """An entry in an article's "related" list: another article here, or an outside address."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Related links are listed in ascending order of this number."
    )
    title = models.CharField(
        max_length=255,
        blank=True,
        help_text="The link's text. Leave empty to use the linked article's headline.",
    )
    target = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="An article on this site. Its current address is used, so links survive "
        "slug changes.",
    )
    url = models.CharField(
        max_length=1000,
        blank=True,
        validators=[validate_link_address],
        help_text="An outside address (https://…) or a path on this site starting with /, used "
        "when no article is chosen. Other kinds of address are refused.",
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.display_title

    def clean(self):
        from django.core.exceptions import ValidationError

        if not self.target_id and not self.url:
            raise ValidationError("Choose an article or give an address.")
        if not self.target_id and not self.title:
            raise ValidationError({"title": "A link to an address needs a title."})

    @property
    def display_title(self):
        return self.title or (self.target.headline if self.target_id else self.url)

    @property
    def href(self):
        """The link's address, or None for a stored address that is not safe to follow (one
        written before the check, or around it). Touches `target` and its section (select
        them related)."""
        if self.target_id:
            return self.target.get_absolute_url()
        return self.url if is_safe_link_address(self.url) else None


class Correction(models.Model):
    """A correction note on a published article, shown on it and on the corrections page."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    note = models.TextField(
        help_text="What was wrong and what is right now, in a sentence or two readers will see."
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"Correction to {self.article}"


class PreviewLinkQuerySet(models.QuerySet):
    def live(self):
        """Links that still open their article: neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class PreviewLink(models.Model):
    """A share link to an article's preview, for someone without an account (articles.preview).

    The token is random, so a link names nothing a reader could change to reach another
    article; it works until `expires_at` unless revoked first (see
    `articles.preview_links.revoke_preview_links`). Deleting the article deletes its links.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    token = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(help_text="The link stops working at this time.")
    last_opened_at = models.DateTimeField(
        null=True, blank=True, help_text="When someone last opened the link; empty if never."
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="When an editor, or a takedown, stopped the link."
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        # Who may make or revoke an article's links is who may change the article
        # (articles.admin_preview); permissions of their own would only mislead.
        default_permissions = ()

    def __str__(self):
        return f"Share link to {self.article}"
