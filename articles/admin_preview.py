"""The article admin's previews and moved addresses.

- A preview page per article (admin/articles/article/<id>/preview/) for whoever may change it,
  and the share link (articles.preview) shown on the change form.
- "View on site" opens the preview while the article is not public, rather than a 404.
- Saving a published article under a new slug or section leaves a permanent redirect from its
  old address (articles.redirects).
"""

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path, reverse

from articles.models import Article
from articles.preview import LINK_MAX_AGE, ArticlePreviewView, preview_link
from articles.redirects import published_url, record_move


class PreviewAdminMixin:
    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_preview"
        preview = path(
            "<path:object_id>/preview/", self.admin_site.admin_view(self.preview_view), name=name
        )
        # Before the model admin's own URLs, whose last one takes any <object_id>/ path.
        return [preview, *super().get_urls()]

    def preview_url(self, article):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_preview",
            args=[quote(article.pk)],
            current_app=self.admin_site.name,
        )

    def preview_view(self, request, object_id):
        """The article in the public template, whatever its status, for those who may change
        it."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("There is no such article.")
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return ArticlePreviewView.as_view()(request, pk=article.pk)

    def get_view_on_site_url(self, obj=None):
        if obj is not None and obj.pk and self.view_on_site and not _is_live(obj):
            return self.preview_url(obj)
        return super().get_view_on_site_url(obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self.has_change_permission(request, obj):
            context.update(
                preview_url=self.preview_url(obj),
                share_preview_url=request.build_absolute_uri(preview_link(obj)),
                share_preview_days=LINK_MAX_AGE.days,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        """Save, and when a published article's address changes, redirect the old one.

        One query more when the slug or section changed: the address as stored.
        """
        old_url = None
        if change and {"slug", "section"} & set(form.changed_data):
            stored = (
                Article.objects.select_related("section")
                .only("status", "slug", "section", "section__slug")
                .get(pk=obj.pk)
            )
            old_url = published_url(stored)
        super().save_model(request, obj, form, change)
        if not old_url:
            return
        new_url = published_url(obj)
        if new_url and new_url != old_url and record_move(old_url=old_url, new_url=new_url) is None:
            self.message_user(
                request,
                f"The old address {old_url} could not be redirected: it is too long to record.",
                messages.WARNING,
            )


def _is_live(article):
    """Whether readers can see the article now (the public page also needs a section)."""
    return article.is_public and article.section_id is not None
