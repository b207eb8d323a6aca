"""The article change form's inlines: the ordered byline and the related links."""

from django.contrib import admin

from articles.admin.forms import BylineFormSet
from articles.models import ArticleAuthor, RelatedLink


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    formset = BylineFormSet  # a published article needs an author
    extra = 1
    autocomplete_fields = ["author"]
    verbose_name = "byline author"
    verbose_name_plural = "byline"


class RelatedLinkInline(admin.TabularInline):
    model = RelatedLink
    fk_name = "article"
    extra = 1
    autocomplete_fields = ["target"]
