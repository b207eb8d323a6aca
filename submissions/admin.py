from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html

from submissions.drafting import NotCleared, draft_article_from
from submissions.models import Submission, SubmissionFile


class HasFilesFilter(admin.SimpleListFilter):
    title = "files"
    parameter_name = "files"

    def lookups(self, request, model_admin):
        return [("yes", "With files"), ("no", "Without files")]

    def queryset(self, request, queryset):
        with_files = Exists(SubmissionFile.objects.filter(submission=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(with_files)
        if self.value() == "no":
            return queryset.filter(~with_files)
        return queryset


class SubmissionFileInline(admin.TabularInline):
    """The files, to download; what a reader sent is never edited or added to here."""

    model = SubmissionFile
    fields = ["download", "kind", "content_type", "size_display", "created"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="file")
    def download(self, stored):
        return format_html(
            '<a href="{}" download>{}</a>',
            reverse("submissions:file-download", args=[stored.pk]),
            stored.original_name,
        )

    @admin.display(description="size")
    def size_display(self, stored):
        return filesizeformat(stored.size)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """The moderation desk. What the reader sent and the consent they gave are read-only; the
    desk sets the status and keeps notes, and turns a cleared submission into a draft."""

    list_display = [
        "reference", "name", "brand", "created", "status", "has_files", "link_display",
    ]
    # The brands of the submissions the person sees (their own brands' alone, below).
    list_filter = ["status", ("brand", admin.RelatedOnlyFieldListFilter), "created",
                   HasFilesFilter]
    list_select_related = ["brand"]
    search_fields = ["reference", "name", "email", "story", "filmed_where"]
    date_hierarchy = "created"
    list_per_page = 50
    actions = ["make_draft_article"]
    inlines = [SubmissionFileInline]
    readonly_fields = [
        "reference",
        "brand",
        "name",
        "email",
        "story",
        "link",
        "filmed_where",
        "filmed_on",
        "created",
        "article_link",
        "consent_wording",
        "consent_version",
        "consented_at",
        "client_ip",
        "user_agent",
    ]
    fieldsets = [
        (None, {"fields": ["reference", "brand", "status", "notes", "article_link"]}),
        (
            "What the reader sent",
            {
                "fields": [
                    "name",
                    "email",
                    "story",
                    "link",
                    "filmed_where",
                    "filmed_on",
                    "created",
                ]
            },
        ),
        (
            "Consent",
            {
                "description": "What the submitter agreed to when they sent the form.",
                "fields": ["consent_wording", "consent_version", "consented_at"],
            },
        ),
        (
            "Sender",
            {"classes": ["collapse"], "fields": ["client_ip", "user_agent"]},
        ),
    ]

    def get_queryset(self, request):
        """The submissions sent on the brands the person works on (newsroom.access): a
        brand's desk sees its own readers' submissions, the whole network's sees all."""
        return super().get_queryset(request).seen_by(request.user).with_file_count()

    def has_add_permission(self, request):
        return False  # submissions come from readers, through the public form

    @admin.display(description="files", boolean=True, ordering="file_count")
    def has_files(self, submission):
        return submission.file_count > 0

    @admin.display(description="link", ordering="link")
    def link_display(self, submission):
        if not submission.link:
            return "—"
        return format_html(
            '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>',
            submission.link,
            submission.link,
        )

    @admin.display(description="article")
    def article_link(self, submission):
        if submission.article_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[submission.article_id]),
            submission.article,
        )

    def has_draft_permission(self, request):
        return request.user.has_perms(["submissions.change_submission", "articles.add_article"])

    @admin.action(
        description="Create a draft article from this submission",
        permissions=["draft"],
    )
    def make_draft_article(self, request, queryset):
        for submission in queryset:
            try:
                article = draft_article_from(submission=submission, by=request.user)
            except NotCleared:
                self.message_user(
                    request,
                    f"{submission.reference} is not cleared, so no article was made from it. "
                    "Clear it first (its status must be “Cleared”).",
                    messages.ERROR,
                )
                continue
            self.message_user(
                request,
                format_html(
                    'Draft article “<a href="{}">{}</a>” created from {}.{}',
                    reverse("admin:articles_article_change", args=[article.pk]),
                    article.headline,
                    submission.reference,
                    _video_note(submission),
                ),
                messages.SUCCESS,
            )


def _video_note(submission):
    videos = submission.files.filter(kind=SubmissionFile.Kind.VIDEO).count()
    if not videos:
        return ""
    if videos == 1:
        return " Its video stays private on the submission: download it there to use it."
    return f" Its {videos} videos stay private on the submission: download them there to use them."
