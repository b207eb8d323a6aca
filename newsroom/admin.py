from django.contrib import admin

from newsroom.models import FooterLink, NetworkLink, SiteSettings, SocialLink

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Newsdesk"


class NetworkLinkInline(admin.TabularInline):
    model = NetworkLink
    extra = 0


class SocialLinkInline(admin.TabularInline):
    model = SocialLink
    extra = 0


class FooterLinkInline(admin.TabularInline):
    model = FooterLink
    extra = 0


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    inlines = [NetworkLinkInline, SocialLinkInline, FooterLinkInline]
    fieldsets = [
        (None, {"fields": ["brand_name", "tagline", "submit_url"]}),
        ("Network", {"fields": ["network_name", "network_url"]}),
    ]

    def has_add_permission(self, request):
        # One row of settings: adding a second would silently overwrite the first.
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
