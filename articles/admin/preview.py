"""The article admin's previews and share links.

- A preview page per article (admin/articles/article/<id>/preview/) for whoever may change it.
- Share links (articles.preview_links) on the change form: its live links with who made each,
  when, when it expires and when it was last opened; buttons to make one and to revoke one or
  all (POSTs of their own, outside the article's form).
- "View on site" opens the preview while the article is not public, rather than a 404.

A save that takes a published article down revokes its links, and one that moves a published
article's address redirects the old one: both are the publication path's (`workflow.Publication`).
"""

import re

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from articles import preview_links
from articles.preview import ArticlePreviewView
from newsroom.templatetags.newsroom import dateline

# A link's id as the revoke buttons post it: ASCII digits, few enough for any integer column.
LINK_ID = re.compile(r"[0-9]{1,18}")


class PreviewAdminMixin:
    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        admin_view = self.admin_site.admin_view  # sign-in, staff and CSRF checks
        own = [
            path(
                "<path:object_id>/preview/", admin_view(self.preview_view), name=f"{prefix}_preview"
            ),
            path(
                "<path:object_id>/share-links/",
                admin_view(require_POST(self.share_link_create_view)),
                name=f"{prefix}_share_link_create",
            ),
            path(
                "<path:object_id>/share-links/revoke/",
                admin_view(require_POST(self.share_link_revoke_view)),
                name=f"{prefix}_share_link_revoke",
            ),
        ]
        # Before the model admin's own URLs, whose last one takes any <object_id>/ path.
        return [*own, *super().get_urls()]

    def _admin_url(self, name, article):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}",
            args=[quote(article.pk)],
            current_app=self.admin_site.name,
        )

    def preview_url(self, article):
        return self._admin_url("preview", article)

    def _article_to_share(self, request, object_id):
        """The article, if the user may change it (and so share it); else 404 or 403."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("There is no such article.")
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def _back_to_share_links(self, article):
        return HttpResponseRedirect(f"{self._admin_url('change', article)}#share-links")

    def share_link_create_view(self, request, object_id):
        """Make a share link to the article and go back to its change form."""
        article = self._article_to_share(request, object_id)
        link = preview_links.create_preview_link(article, by=request.user)
        self.message_user(
            request,
            f"A new share link was made. It works until {dateline(link.expires_at)} unless "
            "it is revoked first.",
            messages.SUCCESS,
        )
        return self._back_to_share_links(article)

    def share_link_revoke_view(self, request, object_id):
        """Revoke one of the article's share links (`link` is its id) or all (`link=all`)."""
        article = self._article_to_share(request, object_id)
        chosen = request.POST.get("link", "")
        if chosen == "all":
            links = article.preview_links.all()
        elif LINK_ID.fullmatch(chosen):
            links = article.preview_links.filter(pk=int(chosen))
        else:
            self.message_user(request, "Choose a share link to revoke.", messages.ERROR)
            return self._back_to_share_links(article)
        revoked = preview_links.revoke(links, by=request.user)
        if revoked == 1:
            self.message_user(request, "The share link was revoked.", messages.SUCCESS)
        elif revoked:
            self.message_user(request, f"{revoked} share links were revoked.", messages.SUCCESS)
        else:
            self.message_user(
                request, "That share link had already stopped working.", messages.WARNING
            )
        return self._back_to_share_links(article)

    def preview_view(self, request, object_id):
        """The article in the public template, whatever its status, for those who may change
        it."""
        article = self._article_to_share(request, object_id)
        return ArticlePreviewView.as_view()(request, pk=article.pk)

    def get_view_on_site_url(self, obj=None):
        if obj is not None and obj.pk and self.view_on_site and not _is_live(obj):
            return self.preview_url(obj)
        return super().get_view_on_site_url(obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self.has_change_permission(request, obj):
            links = preview_links.live_links(obj)
            for link in links:
                link.url = request.build_absolute_uri(preview_links.preview_path(link))
            context.update(
                preview_url=self.preview_url(obj),
                share_links=links,
                share_link_days=preview_links.link_days(),
                share_link_create_url=self._admin_url("share_link_create", obj),
                share_link_revoke_url=self._admin_url("share_link_revoke", obj),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


def _is_live(article):
    """Whether readers can see the article now (the public page also needs a section)."""
    return article.is_public and article.section_id is not None
