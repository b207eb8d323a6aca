from django.contrib import admin
from django.contrib.flatpages.admin import FlatPageAdmin
from django.contrib.flatpages.forms import FlatpageForm
from django.contrib.flatpages.models import FlatPage
from django.db import models

from newsroom.models import FooterLink, SiteSettings, SocialLink

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Newsdesk"

# Addresses typed without a scheme are read as https, the default Django 6 adopts.
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


def shows_list(model_admin, request):
    """Whether `request` is for `model_admin`'s list (its changelist page), where columns that
    cost a query over many rows are shown; its autocomplete and forms need none of them."""
    match = request.resolver_match
    opts = model_admin.opts
    return match is not None and match.url_name == f"{opts.app_label}_{opts.model_name}_changelist"


class SocialLinkInline(admin.TabularInline):
    model = SocialLink
    formfield_overrides = HTTPS_URL_FIELDS
    extra = 0


class FooterLinkInline(admin.TabularInline):
    model = FooterLink
    extra = 0


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    inlines = [SocialLinkInline, FooterLinkInline]
    list_display = ["brand_name", "site", "network_name"]
    list_select_related = ["site"]
    fieldsets = [
        (None, {"fields": ["site", "brand_name", "tagline", "submit_url", "extra_hosts"]}),
        ("Look", {"fields": ["logo", "header_colour", "accent_colour"]}),
        ("Addresses", {"fields": ["contact_email", "submissions_email"]}),
        ("Adverts", {"fields": ["advert_account"], "classes": ["collapse"]}),
        ("Network", {"fields": ["network_name", "network_url"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        # A brand goes with its Site (under Sites), where articles keep it from going.
        return False


class PageForm(FlatpageForm):
    class Meta(FlatpageForm.Meta):
        help_texts = {
            "content": (
                "The page's text in HTML: paragraphs, headings, lists, links and pictures. "
                "Scripts, styles, redirects and links other than http, https and mailto are "
                "removed when the page is saved."
            ),
        }


# Django's own admin for flat pages, with the help text above; the cleaning itself happens on
# every save (newsroom.signals.clean_flat_page).
admin.site.unregister(FlatPage)


@admin.register(FlatPage)
class PageAdmin(FlatPageAdmin):
    form = PageForm
