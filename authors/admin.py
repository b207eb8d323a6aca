from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count

from authors.models import Author
from library.uploads import clean_image
from newsroom.admin import HTTPS_URL_FIELDS, shows_list


class AuthorAdminForm(forms.ModelForm):
    class Meta:
        # A plain FileField, so that a refused photo is refused in the library's words.
        field_classes = {"photo": forms.FileField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "photo" in self.fields:
            # The stored name is shortened by `clean_image`; a long name is no error.
            self.fields["photo"].max_length = None

    def clean_photo(self):
        """A new photo passes the media library's checks and loses its metadata."""
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):  # a new upload, not the file already stored
            return clean_image(photo).file
        return photo


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    form = AuthorAdminForm
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
        queryset = super().get_queryset(request).select_related("user").order_by("name")
        if shows_list(self, request):
            # Counted for the list's column only: the byline's autocomplete and the change
            # form need no count, which would read every byline of the archive.
            queryset = queryset.annotate(article_total=Count("article_links"))
        return queryset

    @admin.display(description="Articles", ordering="article_total")
    def article_count(self, author):
        return author.article_total
