from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.flatpages.admin import FlatPageAdmin
from django.contrib.flatpages.forms import FlatpageForm
from django.contrib.flatpages.models import FlatPage
from django.contrib.redirects.admin import RedirectAdmin
from django.contrib.redirects.models import Redirect
from django.contrib.sites.admin import SiteAdmin
from django.contrib.sites.models import Site
from django.db import models

from newsroom import access
from newsroom.models import BrandAccess, FooterLink, SiteSettings, SocialLink

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


class BrandRowsMixin:
    """An admin of brands (Sites) or of rows of brands (`brand_field`, a foreign key or a
    many-to-many to Site), limited to the brands the user works on (`newsroom.access`): the
    rows of other brands are out of their list and reach, and the form offers their brands."""

    brand_field = "site"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        ids = access.brands_for(request.user)
        if ids is None:
            return queryset
        mine = queryset.filter(**{f"{self.brand_field}__in": ids})
        if self.opts.get_field(self.brand_field).many_to_many:
            # A row on several brands would be listed once for each: asked as a subquery.
            return queryset.filter(pk__in=mine.values("pk"))
        return mine

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.brand_field:
            kwargs["queryset"] = access.sites_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == self.brand_field:
            kwargs["queryset"] = access.sites_for(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class BrandLimitedMixin(BrandRowsMixin):
    """`BrandRowsMixin` for brands and their settings: adding or deleting one is for those who
    work on the whole network."""

    def has_add_permission(self, request, *args):
        return access.works_on_network(request.user) and super().has_add_permission(request, *args)

    def has_delete_permission(self, request, obj=None):
        if not access.works_on_network(request.user):
            return False
        return super().has_delete_permission(request, obj)


admin.site.unregister(Site)


@admin.register(Site)
class BrandSiteAdmin(BrandLimitedMixin, SiteAdmin):
    """Django's Sites, each a brand's address: a person limited to some brands sees theirs."""

    brand_field = "id"


@admin.register(SiteSettings)
class SiteSettingsAdmin(BrandLimitedMixin, admin.ModelAdmin):
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


class BrandAccessForm(forms.ModelForm):
    class Meta:
        model = BrandAccess
        fields = ["network", "brands"]
        widgets = {"brands": forms.CheckboxSelectMultiple}

    def clean(self):
        cleaned_data = super().clean()
        network, chosen = cleaned_data.get("network"), cleaned_data.get("brands")
        if network and chosen:
            self.add_error(
                "brands",
                "Someone who works on the whole network works on every brand: untick “works "
                "on the whole network” to limit them to these brands, or clear the brands.",
            )
        elif network is False and not chosen:
            self.add_error(
                "brands",
                "Choose the brands this person works on, or tick “works on the whole network”.",
            )
        return cleaned_data


class BrandAccessInline(admin.StackedInline):
    """The brands a person works on, on their account's page. Left as it comes (the whole
    network ticked), nothing is saved and they work on the whole network."""

    model = BrandAccess
    form = BrandAccessForm
    can_delete = False
    verbose_name_plural = "brands worked on"
    extra = 1
    max_num = 1

    def has_change_permission(self, request, obj=None):
        # Only someone who works on the whole network gives people brands: a person limited to
        # some could otherwise widen their own.
        return access.works_on_network(request.user) and super().has_change_permission(
            request, obj
        )

    def has_add_permission(self, request, obj):
        return access.works_on_network(request.user) and super().has_add_permission(request, obj)


# Django's own admin for accounts, with the brands each person works on.
User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class NewsroomUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, BrandAccessInline]


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
class PageAdmin(BrandRowsMixin, FlatPageAdmin):
    """A brand's pages (a page may be on several brands, `sites`). Someone who works on some
    brands lists the pages on any of them, offers only theirs, and may change or delete a
    page only when every brand it is on is theirs: a page shared with another brand is
    theirs to read, as a syndicated article is."""

    form = PageForm
    brand_field = "sites"

    def wholly_theirs(self, request, page):
        ids = access.brands_for(request.user)
        return ids is None or page is None or {site.pk for site in page.sites.all()} <= ids

    def has_change_permission(self, request, obj=None):
        return self.wholly_theirs(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.wholly_theirs(request, obj) and super().has_delete_permission(request, obj)


# Django's own admin for redirects, limited to the brands the person works on: their list, and
# a new or changed redirect's brand among theirs (a crafted one is refused by the form).
admin.site.unregister(Redirect)


@admin.register(Redirect)
class BrandRedirectAdmin(BrandRowsMixin, RedirectAdmin):
    pass
