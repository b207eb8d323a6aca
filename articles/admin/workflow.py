"""Roles and the editorial workflow in the article admin, enforced on the server.

Contributors (no `edit_any_article`) see their own articles and the public ones, and may change
only their own drafts and articles in review. Without `publish_article` the status offers only
draft and in review, the publication times are read-only, and `save_model` checks again, so no
form field, crafted POST or bulk action publishes. Choosing "Published" runs the publish checks
of `articles.workflow` as form errors, the byline's on its inline, before anything is saved.
Saving a public article asks what kind of change it is (see `workflow.record_change`).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleAuthor, public_condition
from newsroom.templatetags.newsroom import dateline

Status = Article.Status

# Form fields that are not columns: what kind of change a save of a public article is.
CHANGE_FIELDS = ("change_kind", "correction_note")
CHANGE_KIND_DESCRIPTION = "This article is public. Say what this save means for its readers."
PUBLICATION_TIMES = ("published_at", "updated_at")
# Bulk actions, in the order the action menu lists them.
WORKFLOW_ACTIONS = ("submit_for_review", "publish_now", "unpublish", "send_back_to_draft")
# Refusals named one by one in an action's message; the rest are counted.
REFUSALS_SHOWN = 10


class WorkflowFormMixin:
    """Publish-time checks and the change-kind question, mixed into the admin's article form.

    `ask_change_kind` is set on the class the admin builds for a public article.
    """

    ask_change_kind = False

    def clean(self):
        cleaned_data = super().clean()
        status = cleaned_data.get("status") if "status" in self.fields else self.instance.status
        publishing = status == Status.PUBLISHED
        # "Published" with no time means now, rather than an error about the missing time.
        if publishing and "published_at" in self.fields and not cleaned_data.get("published_at"):
            cleaned_data["published_at"] = timezone.now()
        if self.ask_change_kind and publishing:
            # Asked only of a save that leaves the article public: taking it down is no news.
            for name, message in change_kind_problems(cleaned_data).items():
                self.add_error(name, message)
        return cleaned_data

    def _post_clean(self):
        # After the model's own checks, on the instance as the form would save it.
        super()._post_clean()
        if self.instance.status != Status.PUBLISHED:
            return
        for field, message in workflow.publish_problems(self.instance, byline=False).items():
            if field not in self.fields:
                self.add_error(None, message)
            elif field not in self.errors:
                self.add_error(field, message)


def change_kind_problems(cleaned_data):
    """What is missing from an answer to the change-kind question, as {field name: message}."""
    kind = cleaned_data.get("change_kind")
    if not kind:
        return {"change_kind": "Say what kind of change this is."}
    if (
        kind == workflow.ChangeKind.CORRECTION
        and not cleaned_data.get("correction_note", "").strip()
    ):
        return {"correction_note": "Write the correction note readers will see."}
    return {}


class ChangeKindForm(forms.Form):
    """The change-kind question on its own, for changes to a public article made outside its
    change form (restoring a revision)."""

    legend = "Saving a published article"
    description = CHANGE_KIND_DESCRIPTION

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(change_kind_fields())

    def clean(self):
        cleaned_data = super().clean()
        for name, message in change_kind_problems(cleaned_data).items():
            self.add_error(name, message)
        return cleaned_data


def change_kind_fields():
    return {
        "change_kind": forms.ChoiceField(
            label="What kind of change is this?",
            choices=workflow.ChangeKind.choices,
            widget=forms.RadioSelect,
            required=False,  # unless the article stays public: see WorkflowFormMixin.clean
            help_text="Required while the article stays published. Readers are told about "
            "updates and corrections; a minor fix changes nothing they see.",
        ),
        "correction_note": forms.CharField(
            label="Correction note",
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="For a correction only: what was wrong and what is right, in a sentence "
            "or two. It is shown on the article and on the public corrections page.",
        ),
    }


class BylineRequiredMixin:
    """Mixed into the byline inline's formset: a published article needs an author.

    The formset's `instance` is the article as its form would save it, so this sees the
    chosen status; an error here stops the save like any form error.
    """

    def clean(self):
        super().clean()
        if self.instance.status != Status.PUBLISHED:
            return
        authors = [
            form
            for form in self.forms
            if form.cleaned_data.get("author") and not self._should_delete_form(form)
        ]
        if not authors:
            raise ValidationError("Add at least one author to the byline before publishing.")


class WorkflowAdminMixin:
    """See the module docstring. Goes first among ArticleAdmin's bases; calls super()."""

    # Permissions and scope.

    def is_limited(self, request):
        """Whether the user may change only their own drafts (a contributor)."""
        return not request.user.has_perm("articles.edit_any_article")

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.is_limited(request):
            # Public articles stay in reach for reading and for related-link autocomplete.
            queryset = queryset.filter(Q(created_by=request.user) | public_condition())
        return queryset

    def get_object(self, request, object_id, from_field=None):
        """As the admin's, but an article a contributor may not see is refused (403) rather
        than reported missing; costs one query, only then."""
        article = super().get_object(request, object_id, from_field)
        if article is None and self.is_limited(request):
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        fields = kwargs.get("fields")
        if "fields" not in kwargs:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        if fields is not None:
            kwargs["fields"] = [name for name in fields if name not in CHANGE_FIELDS]
        form = super().get_form(request, obj, change=change, **kwargs)
        asked = self.asks_change_kind(request, obj)
        extra = change_kind_fields() if asked else {}
        workflow_form = type(form.__name__, (WorkflowFormMixin, form), {"ask_change_kind": asked})
        # The subclass would rebuild its fields from the model; keep the ones the other mixins
        # shaped instead.
        workflow_form.base_fields = {**form.base_fields, **extra}
        workflow_form.declared_fields = {**form.declared_fields, **extra}
        return workflow_form

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if issubclass(inline.model, ArticleAuthor):
                formset = type(formset.__name__, (BylineRequiredMixin, formset), {})
            yield formset, inline

    # Saving.

    def save_model(self, request, obj, form, change):
        """Sets `created_by` on the first save, refuses any publishing move by someone who may
        not publish (whatever was posted), and records the kind of change to a public article.
        """
        if not change:
            obj.created_by = request.user
        if not self.has_publish_permission(request):
            self.refuse_publishing_moves(obj, change)
        super().save_model(request, obj, form, change)
        kind = form.cleaned_data.get("change_kind")
        if kind and obj.is_public:
            workflow.record_change(
                article=obj,
                kind=kind,
                note=form.cleaned_data.get("correction_note", ""),
                by=request.user,
            )

    def refuse_publishing_moves(self, obj, change):
        stored = {"status": Status.DRAFT, "published_at": None, "updated_at": None}
        if change:
            stored = Article.objects.values(*stored).get(pk=obj.pk)
        status_moved = obj.status != stored["status"] and not (
            obj.status in workflow.OPEN_STATUSES and stored["status"] in workflow.OPEN_STATUSES
        )
        times_moved = any(getattr(obj, name) != stored[name] for name in PUBLICATION_TIMES)
        if status_moved or times_moved:
            raise PermissionDenied("You may not publish, schedule or unpublish articles.")

    # The list and its bulk actions.

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

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        for name in WORKFLOW_ACTIONS:
            func, name, description = self.get_action(name)
            if all(
                getattr(self, f"has_{permission}_permission")(request)
                for permission in func.allowed_permissions
            ):
                actions[name] = (func, name, description)
        return actions

    @admin.action(description="Submit selected articles for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self.run_step(request, queryset, workflow.submit_for_review, "submitted for review")

    @admin.action(description="Publish selected articles now", permissions=["publish"])
    def publish_now(self, request, queryset):
        self.run_step(request, queryset, workflow.publish_article, "published")

    @admin.action(description="Unpublish selected articles", permissions=["publish"])
    def unpublish(self, request, queryset):
        self.run_step(request, queryset, workflow.unpublish_article, "unpublished")

    @admin.action(description="Send selected articles back to draft", permissions=["change"])
    def send_back_to_draft(self, request, queryset):
        self.run_step(request, queryset, workflow.send_back_to_draft, "sent back to draft")

    def run_step(self, request, queryset, step, done):
        """Take each article through `step`, then say how many moved and which were refused,
        and why. One save per article moved; the byline comes prefetched (see get_queryset).
        """
        moved, refused = 0, []
        for article in queryset:
            try:
                step(article=article, by=request.user)
            except (workflow.WorkflowError, PermissionDenied) as error:
                reasons = getattr(error, "reasons", None) or [str(error)]
                refused.append(f"“{article.headline}”: {' '.join(reasons)}")
            else:
                moved += 1
        if moved:
            noun = "article" if moved == 1 else "articles"
            self.message_user(request, f"{moved} {noun} {done}.", messages.SUCCESS)
        if refused:
            shown = refused[:REFUSALS_SHOWN]
            more = len(refused) - len(shown)
            noun = "article" if len(refused) == 1 else "articles"
            message = f"{len(refused)} {noun} not {done}. {' '.join(shown)}"
            if more:
                message += f" And {more} more."
            self.message_user(request, message, messages.WARNING)
