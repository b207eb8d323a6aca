"""The article list's bulk actions: each takes the chosen articles through one workflow step.

The steps (`articles.workflow`) check who may take them and what each article is fit for; the
admin lists an action only to those its `permissions` allow (`has_publish_permission` asks
`workflow.can_publish`). Each action says how many articles moved and which were refused, and
why.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied

from articles import workflow

# Refusals named one by one in an action's message; the rest are counted.
REFUSALS_SHOWN = 10


@admin.action(description="Submit selected articles for review", permissions=["change"])
def submit_for_review(modeladmin, request, queryset):
    run_step(modeladmin, request, queryset, workflow.submit_for_review, "submitted for review")


@admin.action(description="Publish selected articles now", permissions=["publish"])
def publish_now(modeladmin, request, queryset):
    run_step(modeladmin, request, queryset, workflow.publish_article, "published")


@admin.action(description="Unpublish selected articles", permissions=["publish"])
def unpublish(modeladmin, request, queryset):
    run_step(modeladmin, request, queryset, workflow.unpublish_article, "unpublished")


@admin.action(description="Send selected articles back to draft", permissions=["change"])
def send_back_to_draft(modeladmin, request, queryset):
    run_step(modeladmin, request, queryset, workflow.send_back_to_draft, "sent back to draft")


# In the order the action menu lists them.
WORKFLOW_ACTIONS = [submit_for_review, publish_now, unpublish, send_back_to_draft]


def run_step(modeladmin, request, queryset, step, done):
    """Take each article through `step`, then say how many moved and which were refused, and
    why. One save per article moved; the byline comes prefetched (see ArticleAdmin's queryset).
    Articles selected but not in the user's list (another brand's, typed into a crafted
    request, or deleted meanwhile) are left alone, and counted.
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
    unseen = 0
    if not request.POST.get("select_across"):
        unseen = len(set(request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))) - moved - len(refused)
    if moved:
        noun = "article" if moved == 1 else "articles"
        modeladmin.message_user(request, f"{moved} {noun} {done}.", messages.SUCCESS)
    if refused:
        shown = refused[:REFUSALS_SHOWN]
        more = len(refused) - len(shown)
        noun = "article" if len(refused) == 1 else "articles"
        message = f"{len(refused)} {noun} not {done}. {' '.join(shown)}"
        if more:
            message += f" And {more} more."
        modeladmin.message_user(request, message, messages.WARNING)
    if unseen > 0:
        noun = "article is" if unseen == 1 else "articles are"
        modeladmin.message_user(
            request,
            f"{unseen} selected {noun} not in your list (of a brand you do not work on, or "
            "deleted) and were left alone.",
            messages.WARNING,
        )
