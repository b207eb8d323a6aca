from django.contrib import admin
from django.db.models import Count

from authors.models import Author
from newsroom.admin import HTTPS_URL_FIELDS


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "article_count", "user"]
    search_fields = ["name", "role", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    formfield_overrides = HTTPS_URL_FIELDS
    fieldsets = [
        (None, {"fields": ["name", "slug", "role", "bio", "photo"]}),
        ("Profiles", {"fields": ["website_url", "x_url", "instagram_url", "linkedin_url"]}),
        ("Account", {"classes": ["collapse"], "fields": ["user", "email"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .annotate(article_total=Count("article_links"))
            .order_by("name")  # an annotated queryset loses Meta.ordering
        )

    @admin.display(description="Articles", ordering="article_total")
    def article_count(self, author):
        return author.article_total
