"""The newsdesk's article editor, `ArticleAdmin`, and its one save.

Each concern lives in its own mixin module: roles and the workflow (`workflow`), the brands an
editor works on (`brands`), revisions and safe concurrent editing (`revisions`,
`concurrency`), previews and share links (`preview`), the body editor (`editor`). The form is
`forms.ArticleAdminForm`, the inlines and bulk actions have modules of their own.
`save_model` here is the only save: it writes the article's row once, through the
publication path of `articles.workflow`.
"""

from django.contrib import admin, messages

from articles import workflow
from articles.admin.actions import WORKFLOW_ACTIONS
from articles.admin.brands import BrandAdminMixin, BrandListFilter
from articles.admin.changelist import EstimatedCountPaginator, NewsdeskChangeList, search_articles
from articles.admin.editor import EditorAdminMixin
from articles.admin.forms import ArticleAdminForm
from articles.admin.inlines import ArticleAuthorInline, RelatedLinkInline
from articles.admin.preview import PreviewAdminMixin
from articles.admin.revisions import RevisionAdminMixin
from articles.admin.workflow import WorkflowAdminMixin
from articles.featured import use_library_picture
from library.models import Image as LibraryImage
from library.renditions import queue_renditions
from library.store import StoreFailureAdminMixin, storing


class ArticleAdmin(
    StoreFailureAdminMixin,
    WorkflowAdminMixin,
    BrandAdminMixin,
    RevisionAdminMixin,
    PreviewAdminMixin,
    EditorAdminMixin,
    admin.ModelAdmin,
):
    """The newsdesk's article editor (see the module docstring)."""

    form = ArticleAdminForm
    actions = WORKFLOW_ACTIONS
    store_failure_field = "featured_image"

    list_display = [
        "headline",
        "brand_column",
        "section",
        "status",
        "published_at",
        "byline_names",
        "modified",
    ]
    list_filter = ["status", BrandListFilter, "section", "published_at"]
    list_select_related = ["section", "brand__brand_settings"]
    # On PostgreSQL the search is `search_articles` (words of headline and standfirst, through
    # an index); these fields are the plain search other databases get.
    search_fields = ["headline", "standfirst", "slug"]
    # A million rows are neither counted nor paged through whole (articles.admin.changelist).
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "featured_library_image"]
    inlines = [ArticleAuthorInline, RelatedLinkInline]
    readonly_fields = ["created", "modified"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body"]}),
        ("Placement", {"fields": ["brand", "syndicated_to", "section", "topics"]}),
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
        """Save the article as the form left it: one write of its row.

        First, what was stored (read once, the row locked until the save commits); a save
        overtaken since the form's check is refused (`claim_version`), and so is a publishing
        move the user may not make, whatever was posted. Then what someone else saved
        meanwhile stays (`keep_theirs`), a new featured upload joins the library, and a save
        of a public article notes what it means for readers (`workflow.note_change`). Last,
        the save itself and its side effects (`workflow.Publication`): share links revoked
        on a takedown, a moved address redirected.
        """
        if change:
            publication = workflow.Publication.read(obj.pk)
            self.claim_version(form, publication)
        else:
            obj.created_by = request.user
            publication = workflow.Publication.new()
        publication.check(obj, by=request.user)
        if change:
            self.keep_theirs(request, obj, form)
        if "featured_image" in form.changed_data:
            self.use_uploaded_picture(request, obj)
        kind = form.cleaned_data.get("change_kind")
        if kind and obj.is_public:
            workflow.note_change(
                article=obj,
                kind=kind,
                note=form.cleaned_data.get("correction_note", ""),
                by=request.user,
            )
        for sentence in publication.save(obj, by=request.user):
            self.message_user(request, sentence, messages.WARNING)

    def use_uploaded_picture(self, request, obj):
        """A featured picture uploaded on the form is stored, joins the library (so it can be
        chosen again; its renditions are queued, made by a task after the commit) and becomes
        the featured image the one way; a cleared one leaves no renditions behind. A store that
        cannot be written to is said on the form (library.store), everything typed kept."""
        upload = obj.featured_image
        if not upload:
            obj.featured_image_renditions = []
            return
        if upload._committed:
            return
        # Stored now rather than by the save, so the library and the renditions have its name.
        with storing():
            upload.save(upload.name, upload.file, save=False)
        picture = LibraryImage.objects.create(
            file=upload.name,
            alt_text=obj.featured_image_alt,
            caption=obj.featured_image_caption,
            credit=obj.featured_image_credit,
            uploaded_by=request.user,
        )
        queue_renditions(picture)
        use_library_picture(
            obj,
            picture,
            alt=obj.featured_image_alt,
            caption=obj.featured_image_caption,
            credit=obj.featured_image_credit,
        )

    def get_changelist(self, request, **kwargs):
        return NewsdeskChangeList

    def get_search_results(self, request, queryset, search_term):
        if search_term:
            found = search_articles(queryset, search_term)
            if found is not None:
                return found, False
        return super().get_search_results(request, queryset, search_term)

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
