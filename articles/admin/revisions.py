"""Revisions and safe concurrent editing in the article admin.

Every save through the admin keeps a revision (django-reversion's `VersionAdmin`): the article,
its byline, topics and related links, with who and when. The history page lists them; two can
be compared, and one restored.

Optimistic locking: the change form carries the article's `version` and a fingerprint of what
the editor loaded; a save from an older version is merged with what was saved meanwhile (the
form's side is in `articles.admin.concurrency`, the rules in `articles.merging`).
"""

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import get_text_list
from reversion.admin import VersionAdmin
from reversion.models import Version

from articles import restoring, revisions, workflow
from articles.admin.concurrency import LOCK_FIELDS, StaleSave
from articles.admin.forms import ChangeKindForm
from articles.models import Article


class RevisionAdminMixin(VersionAdmin):
    """History, comparison and restore of article revisions; the stale-save check.

    Seeing the history, comparing and restoring need the change permission on the article
    (`has_change_permission(request, obj)`, which knows contributors' own-article rule).
    """

    object_history_template = "admin/articles/article/revision_history.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/diff/",
                self.admin_site.admin_view(self.revision_diff_view),
                name=f"{info[0]}_{info[1]}_revision_diff",
            ),
            *super().get_urls(),
        ]

    # The stale-save check ----------------------------------------------------------------

    def _lockable(self, request, obj):
        return obj is not None and obj.pk is not None and self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self._lockable(request, obj):
            fieldsets = [*fieldsets, (None, {"fields": [LOCK_FIELDS], "classes": ["hidden"]})]
        return fieldsets

    def claim_version(self, form, publication):
        """Refuse (StaleSave) a save whose version someone else's save overtook after the
        form's check. `publication` read the stored version with the row locked, so none
        comes in between now and the article's save."""
        loaded = form.cleaned_data.get("loaded_version")
        merge = getattr(form, "merge", None)
        if merge is not None:
            loaded = merge.version
        if loaded is not None and loaded != publication.version:
            raise StaleSave

    def keep_theirs(self, request, obj, form):
        """On a stale save, what someone else saved meanwhile stays (see StaleCheckForm)."""
        merge = getattr(form, "merge", None)
        if merge is None:
            return
        restoring.apply_fields(obj, merge.current, only=merge.kept_fields())
        kept = [entry.label for entry in merge.theirs if entry not in merge.mine]
        if kept:
            messages.info(
                request,
                f"{form.merged_by} saved this article while you were editing it. Their "
                f"changes to {get_text_list(kept, 'and')} were kept with yours.",
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        merge = getattr(form, "merge", None)
        if change and merge is not None and merge.kept_relations():
            # The older form's byline, topics or links are not this editor's changes.
            restoring.replace_rows(
                form.instance,
                merge.current,
                revisions.Names(merge.current),
                only=merge.kept_relations(),
            )
        # Recorded again now that the byline, topics and links are saved as they finally are.
        revisions.add_to_revision(form.instance)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            # Before the first change to an imported article, its imported state joins its
            # history (a revision of its own, before VersionAdmin opens the save's), so the
            # editor can compare with it and go back to it.
            revisions.keep_imported_state(unquote(object_id))
        try:
            return super().change_view(request, object_id, form_url, extra_context)
        except StaleSave:
            # The other save committed after this request's check; everything this request
            # wrote was rolled back. Running the view again meets the newer version in the
            # form's check, which refuses the save and explains.
            return super().change_view(request, object_id, form_url, extra_context)

    # History, comparison, restore ---------------------------------------------------------

    def _url(self, name, *args, query=""):
        opts = self.opts
        url_name = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{name}"
        url = reverse(url_name, args=args)
        return f"{url}?{query}" if query else url

    def _article_to_change(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def _numbered(self, article):
        """The article's revisions, oldest first: (number, version) pairs."""
        return list(enumerate(revisions.article_versions(article), start=1))

    def _context(self, request, article, title, **extra):
        request.current_app = self.admin_site.name
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": article,
            "title": title,
            "history_url": self._url("history", quote(article.pk)) if article.pk else "",
            **extra,
        }

    def history_view(self, request, object_id, extra_context=None):
        """The article's revisions, newest first, with comparison and restore links."""
        article = self._article_to_change(request, object_id)
        quoted = quote(article.pk)
        rows = []
        numbered = self._numbered(article)
        for number, version in numbered:
            previous = rows[-1]["version"] if rows else None
            rows.append(
                {
                    "number": number,
                    "version": version,
                    "revision": version.revision,
                    "restore_url": self._url("revision", quoted, version.pk),
                    "diff_url": self._url(
                        "revision_diff", quoted, query=f"from={previous.pk}&to={version.pk}"
                    )
                    if previous
                    else "",
                    "is_latest": number == len(numbered),
                }
            )
        rows.reverse()
        context = {
            "revision_rows": rows,
            "diff_action": self._url("revision_diff", quoted),
            **(extra_context or {}),
        }
        # Past VersionAdmin's own history, whose list this page's replaces.
        return super(VersionAdmin, self).history_view(request, object_id, context)

    def revision_diff_view(self, request, object_id):
        """What changed between two revisions (`from` and `to`: version ids in the query)."""
        article = self._article_to_change(request, object_id)
        numbered = self._numbered(article)
        by_id = {version.pk: (number, version) for number, version in numbered}

        def chosen(key, default):
            if not request.GET.get(key):
                return default
            try:
                return by_id[int(request.GET[key])]
            except (KeyError, ValueError):
                raise Http404("No such revision of this article.") from None

        latest_two = numbered[-2:] if len(numbered) > 1 else [None, None]
        old, new = chosen("from", latest_two[0]), chosen("to", latest_two[1])
        context = self._context(request, article, f"Compare revisions of “{article}”", changes=None)
        if old and new:
            (old_number, old), (new_number, new) = sorted([old, new], key=lambda pair: pair[0])
            context |= {
                "old": {"number": old_number, "revision": old.revision},
                "new": {"number": new_number, "revision": new.revision},
                "before": f"Revision {old_number}",
                "after": f"Revision {new_number}",
                "changes": revisions.compare(
                    revisions.ArticleState.of_version(old), revisions.ArticleState.of_version(new)
                ),
                "restore_old_url": self._url("revision", quote(article.pk), old.pk),
            }
        return TemplateResponse(request, "admin/articles/article/revision_diff.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore a revision: what would change, then (on POST) the restore itself.

        Replaces VersionAdmin's revert form, which reverts a whole revision (every article in
        a bulk action's revision) and would put the version counter back too.
        """
        article = self._article_to_change(request, object_id)
        found = [pair for pair in self._numbered(article) if str(pair[1].pk) == version_id]
        if not found:
            raise Http404("No such revision of this article.")
        number, version = found[0]
        # A live article stays live, so restoring is a change its readers may need telling
        # about: the same question as saving it in the change form.
        kind_form = None
        if article.is_public:
            kind_form = ChangeKindForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and (kind_form is None or kind_form.is_valid()):
            return self._restore(request, version, kind_form)
        changes = revisions.compare(
            revisions.ArticleState.of_article(article), revisions.ArticleState.of_version(version)
        )
        context = self._context(
            request,
            article,
            f"Restore revision {number} of “{article}”",
            number=number,
            revision=version.revision,
            changes=changes,
            kind_form=kind_form,
        )
        return TemplateResponse(request, "admin/articles/article/revision_restore.html", context)

    def _restore(self, request, version, kind_form=None):
        answer = kind_form.cleaned_data if kind_form is not None else {}
        try:
            result = restoring.restore_revision(
                version=version,
                by=request.user,
                change_kind=answer.get("change_kind"),
                correction_note=answer.get("correction_note", ""),
            )
        except restoring.RestoreError as error:
            messages.error(request, str(error))
            return redirect(request.path)
        verb = "Recovered" if result.created else "Restored"
        self.log_change(request, result.article, f"{verb} revision {result.number}.")
        messages.success(request, f"{verb} revision {result.number} as a new revision.")
        for sentence in result.left_out:
            messages.warning(request, sentence)
        return redirect(self._url("change", quote(result.article.pk)))

    # Deleted articles ---------------------------------------------------------------------

    def _can_recover(self, request):
        """Recovering lists every deleted article's headline, of every brand: the business of
        editors who work on the whole network only."""
        return (
            self.has_add_permission(request)
            and workflow.can_edit_any(request.user)
            and workflow.brands_for(request.user) is None
        )

    def changelist_view(self, request, extra_context=None):
        # reversion's change list template shows "Recover deleted articles" on this flag.
        context = {"has_change_permission": self._can_recover(request), **(extra_context or {})}
        if request.method == "POST":  # bulk actions: what they save is kept as a revision
            return super().changelist_view(request, context)
        # Past VersionAdmin's revision block, a transaction that reading the list does not need.
        return super(VersionAdmin, self).changelist_view(request, context)

    def recoverlist_view(self, request, extra_context=None):
        if not self._can_recover(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        """Bring back a deleted article from its last revision: a preview, then the POST."""
        if not self._can_recover(request):
            raise PermissionDenied
        version = Version.objects.get_deleted(self.model).filter(pk=version_id).first()
        if version is None:
            raise Http404("No deleted article with that revision.")
        if request.method == "POST":
            return self._restore(request, version)
        empty = revisions.ArticleState(fields={}, rows={})
        context = self._context(
            request,
            Article(headline=version.object_repr),
            f"Recover “{version.object_repr}”",
            recovering=True,
            revision=version.revision,
            changes=revisions.compare(empty, revisions.ArticleState.of_version(version)),
            recoverlist_url=self._url("recoverlist"),
        )
        return TemplateResponse(request, "admin/articles/article/revision_restore.html", context)
