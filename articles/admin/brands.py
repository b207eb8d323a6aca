"""Brands in the article admin: the list's brand column and filter, the form's brand choices,
and deleting in bulk, each limited to the brands the editor works on (`workflow.brands_for`).

- The list shows the articles of the editor's brands and those syndicated to them
  (`WorkflowAdminMixin.get_queryset`); a syndicated copy is there to read, not to change.
- The brand column reads the brand joined to the row, the filter's choices the table of brands
  kept in memory (`newsroom.brands.every_brand`): no query per row, none for the choices.
- The form offers only the editor's brands, for the article's brand and for its syndication;
  a brand posted outside them is refused as a form error, and brands the article is already
  syndicated to but the editor does not work on are kept as they are
  (`articles.admin.forms.ArticleAdminForm`, told the editor's brands here).
- Deleting in bulk refuses a selection holding an article the editor may not delete.
"""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.options import IncorrectLookupParameters

from articles import workflow
from articles.models import Article
from newsroom import brands


class BrandListFilter(admin.SimpleListFilter):
    """The articles of one brand (its own, not those syndicated to it), among the editor's."""

    title = "brand"
    parameter_name = "brand"

    def lookups(self, request, model_admin):
        offered = workflow.brand_list(request.user)
        return [(str(site.pk), brands.brand_name(site)) for site in offered]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdigit():
            # A crafted address: the admin's usual answer to a filter it cannot read (?e=1).
            raise IncorrectLookupParameters("The brand filter takes a brand's number.")
        return queryset.filter(brand=int(value))


NOT_YOURS = "You do not work on that brand. Choose one of the brands offered."
NOT_YOURS_TO_SYNDICATE = (
    "You can syndicate only to the brands you work on; brand %(value)s is not one of them."
)


@admin.action(description=django_delete_selected.short_description, permissions=["delete"])
def delete_selected(modeladmin, request, queryset):
    """Django's bulk delete, refused whole when the selection holds an article the editor may
    not delete (a copy syndicated to their brand from another): nothing is deleted then."""
    refused = [
        article.headline
        for article in queryset.select_related(None)
        .prefetch_related(None)
        .only("pk", "headline", "brand", "created_by", "status")
        if not workflow.can_edit(request.user, article)
    ]
    if refused:
        modeladmin.message_user(
            request,
            "Nothing was deleted: you may not delete "
            + ", ".join(f"“{headline}”" for headline in refused[:10])
            + (f" and {len(refused) - 10} more" if len(refused) > 10 else "")
            + ", of a brand you do not work on.",
            messages.ERROR,
        )
        return None
    return django_delete_selected(modeladmin, request, queryset)


class BrandAdminMixin:
    """See the module docstring. Calls super() throughout."""

    @admin.display(description="Brand", ordering="brand")
    def brand_column(self, article):
        # The brand and its settings come joined to the row (ArticleAdmin's
        # list_select_related): no query, no cache read per row.
        return brands.brand_name(article.brand)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            actions["delete_selected"] = (
                delete_selected,
                "delete_selected",
                delete_selected.short_description,
            )
        return actions

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        ids = workflow.brands_for(request.user)
        if ids is not None and Article.brand.field.get_default() not in ids:
            # A new article starts in one of the editor's brands rather than the default one.
            offered = workflow.brand_list(request.user)
            if offered:
                initial["brand"] = offered[0].pk
        return initial

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # The class is made for this request (modelform_factory), so this stays with it.
        form.brand_ids = workflow.brands_for(request.user)
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "brand":
            kwargs["queryset"] = workflow.brands_to_choose(request.user)
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.error_messages["invalid_choice"] = NOT_YOURS
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "syndicated_to":
            kwargs["queryset"] = workflow.brands_to_choose(request.user)
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            field.error_messages["invalid_choice"] = NOT_YOURS_TO_SYNDICATE
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)
