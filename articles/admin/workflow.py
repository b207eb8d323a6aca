"""Roles and the editorial workflow in the article admin, enforced on the server.

Contributors (no `edit_any_article`) see their own articles and the public ones, and may change
only their own drafts and articles in review. Who may publish is `workflow.can_publish`, asked
here for everything the admin offers: without it the status offers only draft and in review,
the publication times are read-only, the publishing bulk actions are not listed, and the save
refuses any publishing move whatever was posted (`workflow.Publication.check`). Saving a
public article asks what kind of change it is (`articles.admin.forms`).

Every role holds for the brands its holder works on (`workflow.brands_for`): the list shows
the articles of their brands and those syndicated to them (the latter to read only), with the
brand as a column and a filter of their brands; an article out of reach is refused (403)
wherever its address is typed; the form offers only their brands, for the article's brand
and its syndication (see `articles.admin.brands`).
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from articles import workflow
from articles.admin.forms import CHANGE_FIELDS, CHANGE_KIND_DESCRIPTION, ChangeKindForm
from articles.models import Article, public_condition
from newsroom.templatetags.newsroom import dateline

Status = Article.Status

PUBLICATION_TIMES = ("published_at", "updated_at")


class WorkflowAdminMixin:
    """See the module docstring. Goes first among ArticleAdmin's bases; calls super()."""

    # Permissions and scope.

    def is_limited(self, request):
        """Whether the user may change only their own drafts (a contributor)."""
        return not workflow.can_edit_any(request.user)

    def is_out_of_reach_refused(self, request):
        """Whether an article missing from the user's list may still exist (403, not 404)."""
        return self.is_limited(request) or workflow.brands_for(request.user) is not None

    def has_publish_permission(self, request):
        """Asked by the admin for the actions marked `permissions=["publish"]`."""
        return workflow.can_publish(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.is_limited(request):
            # Public articles stay in reach for reading and for related-link autocomplete.
            queryset = queryset.filter(Q(created_by=request.user) | public_condition(site=None))
        return queryset.filter(workflow.in_reach(request.user))

    def get_object(self, request, object_id, from_field=None):
        """As the admin's, but an article a contributor may not see is refused (403) rather
        than reported missing, and so is an article of a brand they do not work on; costs one
        query, only then."""
        article = super().get_object(request, object_id, from_field)
        if article is None and self.is_out_of_reach_refused(request):
            field = Article._meta.get_field(from_field) if from_field else Article._meta.pk
            try:
                exists = Article.objects.filter(**{field.name: field.to_python(object_id)})
            except ValidationError:
                return None
            if exists.exists():
                raise PermissionDenied
        return article

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None:
            return workflow.can_edit(request.user, obj)
        return allowed

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if allowed and obj is not None:
            return workflow.can_edit(request.user, obj)
        return allowed

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        if allowed and obj is not None and self.is_limited(request):
            return obj.created_by_id == request.user.pk or obj.is_public
        return allowed

    # The form.

    def asks_change_kind(self, request, obj):
        return obj is not None and obj.is_public and self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if self.asks_change_kind(request, obj):
            fieldsets.append(
                (
                    ChangeKindForm.legend,
                    {"fields": list(CHANGE_FIELDS), "description": CHANGE_KIND_DESCRIPTION},
                )
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            readonly += [name for name in PUBLICATION_TIMES if name not in readonly]
            if obj is not None and obj.status not in workflow.OPEN_STATUSES:
                readonly.append("status")
        return readonly

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not self.has_publish_permission(request):
            kwargs["choices"] = [
                (value, label) for value, label in Status.choices if value in workflow.OPEN_STATUSES
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    # The list.

    def get_list_display(self, request):
        return [
            "publication_state" if name == "status" else name
            for name in super().get_list_display(request)
        ]

    @admin.display(description="Status", ordering="status")
    def publication_state(self, article):
        if article.status == Status.PUBLISHED and not article.is_public:
            return f"Scheduled for {dateline(article.published_at)}"
        return article.get_status_display()
