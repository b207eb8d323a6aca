"""Topics in the admin: editing, renaming (old addresses redirect), and merging several into one.

Topics are the network's, shared by every brand; which brands' menus show a section is each
brand's choice: an editor of some brands (`workflow.brands_for`) is offered theirs only, and
the other brands' menus stay as they are whatever they post.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.deletion import ProtectedError
from django.template.response import TemplateResponse
from django.utils import timezone

from articles import workflow
from articles.models import RESERVED_SLUGS, Article, Topic, TopicItem
from articles.redirects import record_topic_move
from newsroom import purging, surrogate
from newsroom.admin import shows_list


def merge_topics(*, topics, into):
    """Fold `topics` into the topic `into`, then delete them. Returns how many articles moved.

    Their articles are tagged with `into` instead (once: an article tagged with two of them, or
    already with `into`, keeps one tag), articles in their sections move to `into`'s, and their
    pages and feeds redirect to `into`'s. Writes with update() and bulk deletes, so it purges
    itself: every page naming one of the topics (their articles' pages and cards name them),
    the header if one is a section, and the sitemaps. A handful of queries, whatever the number
    of articles.
    """
    sources = [topic for topic in topics if topic.pk != into.pk]
    if not sources:
        return 0
    with transaction.atomic():
        items = TopicItem.objects.filter(tag__in=sources)
        # Their pages change: a new Last-Modified lets caches and conditional requests see it.
        moved = Article.objects.filter(
            Q(section__in=sources) | Q(pk__in=items.values("content_object"))
        ).update(modified=timezone.now())
        items.filter(
            content_object__in=TopicItem.objects.filter(tag=into).values("content_object")
        ).delete()
        earlier_of_same_article = TopicItem.objects.filter(
            tag__in=sources, content_object=OuterRef("content_object"), pk__lt=OuterRef("pk")
        )
        items.filter(Exists(earlier_of_same_article)).delete()
        items.update(tag=into)
        Article.objects.filter(section__in=sources).update(section=into)
        old_slugs = [topic.slug for topic in sources]
        Topic.objects.filter(pk__in=[topic.pk for topic in sources]).delete()
        for slug in old_slugs:
            record_topic_move(old_slug=slug, topic=into)
        keys = {surrogate.key_for(topic) for topic in [*sources, into]} | {surrogate.SITEMAPS}
        if any(topic.in_navigation for topic in [*sources, into]):
            keys.add(surrogate.CHROME)
        purging.purge(keys)
    return moved


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = [
            "name",
            "slug",
            "description",
            "in_navigation",
            "in_menu",
            "menu_brands",
            "navigation_order",
        ]

    # The ids of the brands the editor works on, or None for the whole network (set by
    # TopicAdmin.get_form on the class it makes for the request).
    brand_ids = None

    def clean_menu_brands(self):
        """The brands chosen, plus those whose menus show the section already that the editor
        does not work on (not offered to them, so not theirs to take away)."""
        chosen = self.cleaned_data.get("menu_brands")
        if self.brand_ids is None or self.instance.pk is None or chosen is None:
            return chosen
        return [*chosen, *self.instance.menu_brands.exclude(pk__in=self.brand_ids)]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise ValidationError(
                f"“{slug}” is the address of one of the site's own pages. Choose another slug."
            )
        return slug


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, topic):
        kind = "section" if topic.in_navigation else "topic"
        return f"{topic.name} ({kind}, {topic.get_absolute_url()})"


class MergeTopicsForm(forms.Form):
    target = TopicChoiceField(
        queryset=Topic.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Topic to keep",
        help_text="The other topics' articles move to this one, and their addresses and feeds "
        "redirect to its own. The other topics are then deleted.",
    )

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = topics
        self.fields["target"].queryset = Topic.objects.filter(pk__in=[t.pk for t in topics])

    def clean_target(self):
        target = self.cleaned_data["target"]
        if not target.in_navigation and any(
            topic.in_navigation for topic in self.topics if topic.pk != target.pk
        ):
            raise ValidationError(
                "A section can be merged only into another section, because its articles need "
                "one. Keep a section, or take the other out of the navigation first."
            )
        return target


class TopicAdmin(admin.ModelAdmin):
    form = TopicForm
    list_display = [
        "name",
        "slug",
        "in_navigation",
        "in_menu",
        "navigation_order",
        "article_count",
    ]
    list_editable = ["in_navigation", "in_menu", "navigation_order"]
    list_filter = ["in_navigation", "in_menu", "menu_brands"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    # The change form shows TopicForm's fields, in its order.
    actions = ["merge_into"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.brand_ids = workflow.brands_for(request.user)
        return form

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "menu_brands":
            kwargs["queryset"] = workflow.brands_to_choose(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request):
        # Autocomplete pages need a stable order.
        queryset = super().get_queryset(request).order_by("name")
        if shows_list(self, request):
            # Counted for the list's column only: the section's autocomplete and the change
            # form need no count, which would read every topic of the archive's articles.
            queryset = queryset.annotate(article_total=Count("items"))
        return queryset

    @admin.display(description="Articles", ordering="article_total")
    def article_count(self, topic):
        return topic.article_total

    def save_model(self, request, obj, form, change):
        """Save; a new slug leaves redirects from the topic's old page and feed addresses."""
        old_slug = form.initial.get("slug") if change and "slug" in form.changed_data else None
        super().save_model(request, obj, form, change)
        if old_slug and old_slug != obj.slug:
            record_topic_move(old_slug=old_slug, topic=obj)

    @admin.action(description="Merge into…", permissions=["change", "delete"])
    def merge_into(self, request, queryset):
        """Asks which of the selected topics to keep, then merges the others into it."""
        topics = list(queryset.order_by("name"))
        if len(topics) < 2:
            self.message_user(
                request,
                "Select at least two topics: the ones to merge and the one to keep.",
                messages.ERROR,
            )
            return None
        form = MergeTopicsForm(request.POST if "apply" in request.POST else None, topics=topics)
        if form.is_valid():
            target = form.cleaned_data["target"]
            merged = [topic.name for topic in topics if topic.pk != target.pk]
            try:
                moved = merge_topics(topics=topics, into=target)
            except ProtectedError as error:
                self.message_user(request, f"Nothing was merged: {error.args[0]}", messages.ERROR)
                return None
            self.message_user(
                request,
                f"Merged {', '.join(merged)} into {target.name}; "
                f"{moved} article{'' if moved == 1 else 's'} moved.",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge topics",
            "opts": self.opts,
            "form": form,
            "topics": topics,
            "action": "merge_into",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/articles/topic/merge_topics.html", context)
