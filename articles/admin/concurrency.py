"""Safe concurrent editing in the article change form: the stale-save check and its merge.

The change form carries the article's `version` and a fingerprint of what the editor loaded.
A save from an older version is merged with what was saved meanwhile (see
`articles.merging`); where both changed the same entry, the form comes back showing both, with
everything the editor typed, for them to choose.
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.text import get_text_list

from articles import merging, revisions
from articles.models import Article

LOCK_FIELDS = ("loaded_version", "loaded_state")


class StaleSave(Exception):
    """Someone saved the article between this request's check and its own write."""


class LoadedVersionField(forms.IntegerField):
    """The version the editor loaded. Hidden, and never a change of the editor's own."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class LoadedStateField(forms.CharField):
    """A fingerprint of what the editor loaded (see `revisions.fingerprint`)."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class StaleCheckForm:
    """Mixed into the article change form (`ArticleAdminForm`, which declares the fields
    `LOCK_FIELDS` for an existing article): merges a save made from an older version.

    What the other person saved stays, what this editor changed is applied, and where both
    changed the same entry the form comes back showing both values, for the editor to choose
    (see `articles.merging`). `merge` is then set for the admin's save to apply.
    """

    history_url = ""
    merge = None
    conflicts = ()  # `revisions.Change`s from their value to this editor's, when refused
    merged_by = ""
    merge_version = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk is not None:
            state = revisions.ArticleState.of_article(self.instance)
            self.fields["loaded_version"].initial = self.instance.version
            self.fields["loaded_state"].initial = json.dumps(revisions.fingerprint(state))

    def clean(self):
        cleaned_data = super().clean()
        loaded = cleaned_data.get("loaded_version")
        if loaded is not None and not self._errors:
            stored = Article.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            if stored and stored[0] != loaded:
                self._merge(stored[0])
        return cleaned_data

    def _merge(self, stored_version):
        """Work out what to keep of the stored article; refuse the save while a conflict has
        no choice. The form keeps the version and fingerprint the editor loaded, so a later
        save is merged again rather than taken as the editor's copy of everything."""
        current = Article.objects.get(pk=self.instance.pk)
        try:
            loaded = json.loads(self.data.get("loaded_state") or "")
        except ValueError:
            loaded = None
        merge = merging.work_out(
            loaded=loaded if isinstance(loaded, dict) else None,
            current=revisions.ArticleState.of_article(current),
            posted=merging.posted_state(self),
            version=stored_version,
            choices=merging.choices(self.data, stored_version),
        )
        latest = revisions.article_versions(current).last()
        if latest and latest.field_dict.get("version") == stored_version:
            who = _person(latest.revision.user)
            when = formats.localize(timezone.localtime(latest.revision.date_created))
            saved = f"{who} saved this article at {when}"
        else:
            who, saved = "Someone", "Someone else saved this article"
        self.merged_by, self.merge_version = who, stored_version
        if not merge.unresolved:
            self.merge = merge
            return
        conflicting = {entry.key for entry in merge.conflicts}
        self.conflicts = [
            change
            for change in revisions.compare(merge.current, merge.posted)
            if change.entry.key in conflicting
        ]
        for change in self.conflicts:
            if change.entry.key in self.fields:
                self.add_error(change.entry.key, f"{who} changed this too: choose above.")
        labels = get_text_list([entry.label for entry in merge.conflicts], "and")
        raise ValidationError(
            format_html(
                "{} while you were editing it, and you both changed {}. Nothing has been "
                "saved yet. Choose below which version of each to keep, then save again; "
                "everything else you changed is kept, and so is everything they changed. "
                '<a href="{}">History of this article</a>',
                saved,
                labels,
                self.history_url,
            ),
            code="stale",
        )


def _person(user):
    if user is None:
        return "Someone"
    return user.get_full_name() or user.get_username()
