from django.contrib import admin
from django.db.models import Count

from articles.models import Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "in_navigation", "navigation_order", "article_count"]
    list_editable = ["in_navigation", "navigation_order"]
    list_filter = ["in_navigation"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "in_navigation", "navigation_order"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("items"))

    @admin.display(description="Articles", ordering="article_total")
    def article_count(self, topic):
        return topic.article_total
