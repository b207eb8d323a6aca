from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile

from articles.admin_editor import EditorAdminMixin
from articles.admin_preview import PreviewAdminMixin
from articles.admin_revisions import RevisionAdminMixin
from articles.admin_topics import TopicAdmin  # noqa: F401  (registers itself)
from articles.admin_workflow import WorkflowAdminMixin
from articles.images import make_renditions
from articles.models import Article, ArticleAuthor, RelatedLink, Topic
from articles.text import clean_text
from library.models import Image as LibraryImage
from library.uploads import clean_image


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        # A plain FileField: Django's ImageField would refuse a damaged or unusual file first,
        # in its own words; `clean_image` refuses it in the library's.
        field_classes = {"featured_image": forms.FileField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "featured_image" in self.fields:
            # The stored name is shortened by `clean_image`; a long name is no error.
            self.fields["featured_image"].max_length = None

    def clean_topics(self):
        """Each topic name fits its column: taggit's field does not check, the database would."""
        names = [clean_text(name) for name in self.cleaned_data.get("topics") or []]
        too_long = [name for name in names if len(name) > TOPIC_MAX]
        if too_long:
            raise forms.ValidationError(
                f"Topic names can be at most {TOPIC_MAX} characters: "
                + ", ".join(f"“{name[:40]}…”" for name in too_long)
            )
        return [name for name in names if name]

    def clean_featured_image(self):
        """A new featured picture passes the media library's checks and loses its metadata."""
        image = self.cleaned_data.get("featured_image")
        if isinstance(image, UploadedFile):  # a new upload, not the file already stored
            return clean_image(image).file
        return image

    def clean(self):
        """A picture chosen from the library becomes the featured image, with its words."""
        cleaned = super().clean()
        chosen = cleaned.get("featured_library_image")
        uploaded = isinstance(cleaned.get("featured_image"), UploadedFile)
        if chosen and not uploaded and "featured_library_image" in self.changed_data:
            cleaned["featured_image"] = chosen.file.name
            for field, source in FROM_LIBRARY.items():
                if field in self.fields and not cleaned.get(field):
                    cleaned[field] = getattr(chosen, source)
        return cleaned


TOPIC_MAX = Topic._meta.get_field("name").max_length

# Article field <- library Image field, filled when the editor left the article's one empty.
FROM_LIBRARY = {
    "featured_image_alt": "alt_text",
    "featured_image_caption": "caption",
    "featured_image_credit": "credit",
}


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 1
    autocomplete_fields = ["author"]
    verbose_name = "byline author"
    verbose_name_plural = "byline"


class RelatedLinkInline(admin.TabularInline):
    model = RelatedLink
    fk_name = "article"
    extra = 1
    autocomplete_fields = ["target"]


@admin.register(Article)
class ArticleAdmin(
    WorkflowAdminMixin,
    RevisionAdminMixin,
    PreviewAdminMixin,
    EditorAdminMixin,
    admin.ModelAdmin,
):
    """The newsdesk's article editor. Each concern lives in its own mixin module: workflow and
    roles (admin_workflow), revisions and safe concurrent editing (admin_revisions), previews
    and moved addresses (admin_preview), the body editor (admin_editor)."""

    form = ArticleAdminForm

    list_display = ["headline", "section", "status", "published_at", "byline_names", "modified"]
    list_filter = ["status", "section", "published_at"]
    list_select_related = ["section"]
    search_fields = ["headline", "standfirst", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "featured_library_image"]
    inlines = [ArticleAuthorInline, RelatedLinkInline]
    readonly_fields = ["created", "modified"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body"]}),
        ("Placement", {"fields": ["section", "topics"]}),
        (
            "Featured image",
            {
                "fields": [
                    "featured_library_image",
                    "featured_image",
                    "featured_image_alt",
                    "featured_image_caption",
                    "featured_image_credit",
                ]
            },
        ),
        ("Publication", {"fields": ["status", "published_at", "updated_at"]}),
        (
            "Import source",
            {
                "classes": ["collapse"],
                "fields": ["source_system", "source_id", "created", "modified"],
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        """Save the article, then make WebP renditions of a newly chosen featured image.

        After the save, because the uploaded file has its storage name only then. Renditions
        are made here rather than in `Article.save()`, which every import and script runs.
        """
        super().save_model(request, obj, form, change)
        new_upload = "featured_image" in form.changed_data
        if new_upload or "featured_library_image" in form.changed_data:
            obj.featured_image_renditions = make_renditions(obj.featured_image.name)
            fields = ["featured_image_renditions"]
            if new_upload and obj.featured_image:
                # The uploaded file joins the library, so it can be chosen again.
                obj.featured_library_image = LibraryImage.objects.create(
                    file=obj.featured_image.name,
                    alt_text=obj.featured_image_alt,
                    caption=obj.featured_image_caption,
                    credit=obj.featured_image_credit,
                    uploaded_by=request.user,
                )
                fields.append("featured_library_image")
            obj.save(update_fields=fields)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer("search_vector")
            .prefetch_related("article_authors__author")
        )

    @admin.display(description="Byline")
    def byline_names(self, article):
        return ", ".join(author.name for author in article.byline)
