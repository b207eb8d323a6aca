"""Writing in the article admin: the body editor, topic suggestions and ordered inlines.

The body is edited with django-prose-editor (configured in `articles.editor`); the model keeps a
plain TextField, so only the admin form changes. Topics stay taggit's comma-separated field, with
suggestions of existing topic names; byline and related-link rows can be dragged into order.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.text import capfirst

from articles.editor import ArticleBodyField, ArticleBodyWidget
from articles.models import Topic
from articles.text import name_key

TOPIC_SUGGESTIONS = 10


class EditorAdminMixin:
    """The article admin's writing tools; each override hands on to the other mixins."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            # Explicit arguments win over `formfield_overrides` (the admin's plain textarea).
            kwargs["form_class"] = ArticleBodyField
            kwargs["widget"] = ArticleBodyWidget
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "topics" and field is not None:
            field.label = capfirst(Topic._meta.verbose_name_plural)  # not taggit's "Tags"
            field.widget.attrs.update(
                {
                    "data-topic-suggestions": reverse(
                        f"{self.admin_site.name}:{self._topic_suggestions_name()}"
                    ),
                    "autocomplete": "off",
                }
            )
        return field

    def get_urls(self):
        return [
            path(
                "topics.json",
                self.admin_site.admin_view(self.topic_suggestions_view),
                name=self._topic_suggestions_name(),
            ),
            *super().get_urls(),
        ]

    def _topic_suggestions_name(self):
        return f"{self.opts.app_label}_{self.opts.model_name}_topic_suggestions"

    def topic_suggestions_view(self, request):
        """Names of existing topics containing `q`, those starting with it first (one query)."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        term = name_key(request.GET.get("q", ""))
        topics = Topic.objects.all()
        if term:
            # Matched on the case-folded key: "éco" finds "Économie" on every database.
            topics = topics.filter(name_key__contains=term).annotate(
                rank=Case(
                    When(name_key__startswith=term, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            topics = topics.order_by("rank", "name")
        else:
            topics = topics.order_by("name")
        names = list(topics.values_list("name", flat=True)[:TOPIC_SUGGESTIONS])
        return JsonResponse({"results": names})

    @property
    def media(self):
        return super().media + forms.Media(
            js=["admin/articles/article-form.js"],
            css={"all": ["admin/articles/article-form.css"]},
        )
