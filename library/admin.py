from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.utils.html import format_html

from library.forms import ImageForm
from library.models import Image
from library.renditions import queue_renditions, recorded
from library.store import StoreFailureAdminMixin, storing
from library.uses import follow_replacement, may_alter_image


class AttentionFilter(admin.SimpleListFilter):
    title = "what publishing needs"
    parameter_name = "needs"

    def lookups(self, request, model_admin):
        return [
            ("alt", "Missing alt text"),
            ("credit", "Missing credit"),
            ("nothing", "Ready to publish"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "alt":
            return queryset.filter(alt_text="")
        if self.value() == "credit":
            return queryset.filter(credit="")
        if self.value() == "nothing":
            return queryset.exclude(alt_text="").exclude(credit="")
        return queryset


@admin.register(Image)
class ImageAdmin(StoreFailureAdminMixin, admin.ModelAdmin):
    """The media library. Uploads are checked and cleaned by the form (library.forms); the
    renditions are queued once the file is stored (a task makes them), and the list flags
    pictures that cannot yet go on a published article (no alt text or no credit). Who may
    change or delete a picture, and what replacing its file does, is library.uses' rule; a
    store that cannot be written to is said on the form (library.store)."""

    form = ImageForm
    list_display = [
        "list_thumbnail",
        "__str__",
        "credit",
        "dimensions",
        "uploaded_by",
        "created",
        "has_alt_text",
        "has_credit",
    ]
    list_display_links = ["list_thumbnail", "__str__"]
    list_filter = [
        AttentionFilter,
        "animated",
        ("uploaded_by", admin.RelatedOnlyFieldListFilter),
        "created",
    ]
    list_select_related = ["uploaded_by"]
    list_per_page = 50
    search_fields = ["alt_text", "caption", "credit", "source_note"]
    date_hierarchy = "created"
    readonly_fields = [
        "focal_point_picker",
        "dimensions",
        "uploaded_by",
        "created",
        "modified",
        "rendition_summary",
        "replacement_history",
    ]
    fieldsets = [
        (None, {"fields": ["file", "alt_text", "caption", "credit"]}),
        (
            "Focal point",
            {
                "description": "The point crops keep in view. Click the picture to set it, "
                "or type the position.",
                "fields": ["focal_point_picker", ("focal_x", "focal_y")],
            },
        ),
        ("Source and licence", {"fields": ["source_note"]}),
        ("File replacements", {"fields": ["replacement_history"]}),
        (
            "Details",
            {
                "classes": ["collapse"],
                "fields": ["dimensions", "uploaded_by", "created", "modified", "rendition_summary"],
            },
        ),
    ]

    class Media:
        js = ["library/focal-point.js"]
        css = {"all": ["library/admin.css"]}

    def save_model(self, request, obj, form, change):
        """Save the picture, then queue its renditions when its file is new (the
        `library.make_renditions` task makes them after the commit: not in this request), and
        when it replaced another, record that and move the articles showing it to the new file.

        After the save, because the file has its storage name only then. A replaced file and
        its old renditions are kept, not deleted: revisions may still show them. A store that
        cannot be written to is said on the form (library.store), not a 500.
        """
        replaced = change and "file" in form.changed_data
        # The form has already put the new file on `obj`; the stored row still names the old.
        old_name = None
        if replaced:
            old_name = Image.objects.filter(pk=obj.pk).values_list("file", flat=True).get()
        if not change:
            obj.uploaded_by = request.user
        if "file" in form.changed_data:
            obj.renditions = []
        with storing():
            super().save_model(request, obj, form, change)
        if "file" in form.changed_data:
            queue_renditions(obj)
        if replaced and old_name != obj.file.name:
            follow_replacement(obj, old_name=old_name, by=request.user)

    def has_change_permission(self, request, obj=None):
        """Contributors change only their own pictures that nothing published shows; for the
        others the page is read-only and a POST is refused."""
        return super().has_change_permission(request, obj) and may_alter_image(
            request.user, obj, "change"
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Tell someone who may see but not change the picture why (on a GET; a POST is
        refused by Django's admin)."""
        image = self.get_object(request, object_id) if request.method == "GET" else None
        if image is not None and not self.has_change_permission(request, image):
            messages.info(
                request,
                "Only an editor can change this picture: it was uploaded by someone else or "
                "a published article shows it.",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and may_alter_image(
            request.user, obj, "delete"
        )

    @admin.display(description="Picture")
    def list_thumbnail(self, image):
        if not image.file:
            return "—"
        return format_html(
            '<img class="library-thumbnail" src="{}" alt="" loading="lazy" decoding="async">',
            image.thumbnail_url,
        )

    @admin.display(description="Size")
    def dimensions(self, image):
        return f"{image.width} × {image.height}" if image.width else "—"

    @admin.display(boolean=True, description="Alt text")
    def has_alt_text(self, image):
        return bool(image.alt_text.strip())

    @admin.display(boolean=True, description="Credit")
    def has_credit(self, image):
        return bool(image.credit.strip())

    @admin.display(description="Picture")
    def focal_point_picker(self, image):
        if not image.file:
            return "Save the picture first; then click it here to set its focal point."
        return render_to_string("admin/library/image/focal_point.html", {"image": image})

    @admin.display(description="Smaller copies")
    def rendition_summary(self, image):
        crops = sorted({r["crop"] for r in image.renditions if r.get("crop")})
        widths = sorted({r["width"] for r in recorded(image)})
        if not widths and image.file and not image.animated:
            return (
                "Not made yet: a background task makes them shortly after an upload; pages "
                "show the picture as uploaded meanwhile."
            )
        if not widths:
            return "None (animations and unreadable files are shown as uploaded)."
        summary = "Widths " + ", ".join(f"{w} px" for w in widths) + " in WebP and JPEG/PNG"
        return summary + (f"; crops {', '.join(crops)}." if crops else ".")

    @admin.display(description="Replaced files")
    def replacement_history(self, image):
        """Each time the picture's file was replaced: when, by whom, which file for which."""
        if image.pk is None:
            return "—"
        return render_to_string(
            "admin/library/image/replacements.html",
            {"replacements": image.replacements.select_related("replaced_by")},
        )
