"""Topics: the sections and tags that group articles, and the names they are found by.

A topic's name, key and slug rules, and the reserved slugs the site's own pages keep, change
here on their own; articles only point at topics.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from taggit.managers import _TaggableManager
from taggit.models import TagBase, TaggedItemBase

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
    def navigation(self, site):
        """Sections shown in brand `site`'s header menu, in the editor's order."""
        return self.filter(in_navigation=True, in_menu=True, menu_brands=site).order_by(
            "navigation_order", "name"
        )

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
    menu_brands = models.ManyToManyField(
        "sites.Site",
        blank=True,
        related_name="menu_sections",
        verbose_name="in the menus of",
        help_text="The brands whose header menu lists this section. Topics and sections are "
        "shared by every brand; a brand's menu is its own choice of them.",
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

    # Served by the index below, which also holds the article.
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="items", db_index=False)
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="topic_items"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_topic")
        ]
        # A topic's articles, read from the index alone (its page, feeds and counts).
        indexes = [models.Index(fields=["tag", "content_object"], name="topicitem_by_topic")]
