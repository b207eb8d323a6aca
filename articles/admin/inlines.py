"""The article change form's inlines: the ordered byline and the related links."""

from django.contrib import admin

from articles.admin.forms import BylineFormSet
from articles.models import ArticleAuthor, RelatedLink

# The most rows a posted byline or list of related links may claim. Django builds a form for
# each claimed row up to its own cap (1,000 beyond max_num), so a tampered total would cost
# seconds of work per request; more rows than this are refused with the formset's message.
MOST_ROWS = 100


class CappedInline(admin.TabularInline):
    max_num = MOST_ROWS

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", MOST_ROWS)
        return super().get_formset(request, obj, **kwargs)


class ArticleAuthorInline(CappedInline):
    model = ArticleAuthor
    formset = BylineFormSet  # a published article needs an author
    extra = 1
    autocomplete_fields = ["author"]
    verbose_name = "byline author"
    verbose_name_plural = "byline"


class RelatedLinkInline(CappedInline):
    model = RelatedLink
    fk_name = "article"
    extra = 1
    autocomplete_fields = ["target"]
