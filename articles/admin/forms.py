"""The article admin's forms: the change form (`ArticleAdminForm`, one static class), the
change-kind question on its own (`ChangeKindForm`, for restores) and the byline's formset.

What the form checks, before anything is saved:

- a new featured picture passes the media library's checks; one chosen from the library
  becomes the featured image the one way (`articles.featured.use_library_picture`);
- topic names fit their column;
- choosing "Published" runs the publish checks of `articles.workflow` as form errors (the
  byline's on its inline, `BylineFormSet`);
- a save that leaves a public article public says what kind of change it is (the change-kind
  fields, present only on a public article's form);
- a save made from an older version is merged with what was saved meanwhile
  (`articles.admin.concurrency.StaleCheckForm`, present only on an existing article's form);
- the article's brand and the brands it is syndicated to are among the editor's
  (`brand_ids`, set by the admin: `articles.admin.brands`); the form's choices are limited to
  those already, and brands the article is syndicated to that the editor does not work on are
  kept as they are.
"""

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms.models import BaseInlineFormSet
from django.urls import reverse

from articles import workflow
from articles.admin.concurrency import (
    LOCK_FIELDS,
    LoadedStateField,
    LoadedVersionField,
    StaleCheckForm,
)
from articles.featured import use_library_picture
from articles.models import Article, Topic
from articles.text import clean_text
from library.uploads import clean_image

Status = Article.Status

# Form fields that are not columns: what kind of change a save of a public article is.
CHANGE_FIELDS = ("change_kind", "correction_note")
CHANGE_KIND_DESCRIPTION = "This article is public. Say what this save means for its readers."
TOPIC_MAX = Topic._meta.get_field("name").max_length


def change_kind_fields():
    return {
        "change_kind": forms.ChoiceField(
            label="What kind of change is this?",
            choices=workflow.ChangeKind.choices,
            widget=forms.RadioSelect,
            required=False,  # unless the article stays public: see ArticleAdminForm.clean
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


def asks_change_kind(article):
    """Whether saving `article` asks what kind of change it is: it is public now."""
    return article is not None and article.pk is not None and article.is_public


class ArticleAdminForm(StaleCheckForm, forms.ModelForm):
    """The article change form. The change-kind and stale-check fields are declared here and
    dropped from a form whose article does not need them (see `__init__`)."""

    change_kind, correction_note = change_kind_fields().values()
    # The ids of the brands the editor works on, or None for the whole network: set on the
    # class the admin makes for each request (`articles.admin.brands.BrandAdminMixin`).
    brand_ids = None

    # Not required: a form without them (a script's POST) saves without the check.
    loaded_version = LoadedVersionField(required=False, min_value=1)
    loaded_state = LoadedStateField(required=False)

    class Meta:  # the model and its fields come from ArticleAdmin
        # A plain FileField: Django's ImageField would refuse a damaged or unusual file first,
        # in its own words; `clean_image` refuses it in the library's.
        field_classes = {"featured_image": forms.FileField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read once, before the form changes the instance: the article as stored.
        self.ask_change_kind = asks_change_kind(self.instance)
        if not self.ask_change_kind:
            for name in CHANGE_FIELDS:
                self.fields.pop(name, None)
        if self.instance.pk is None:
            for name in LOCK_FIELDS:
                self.fields.pop(name, None)
        else:
            self.history_url = reverse(
                "admin:articles_article_history", args=[quote(self.instance.pk)]
            )
        if "brand" in self.fields:
            # A form that leaves the brand out (a script's POST) keeps the article's brand, or
            # gives a new one the default brand.
            self.fields["brand"].required = False
        if "featured_image" in self.fields:
            # The stored name is shortened by `clean_image`; a long name is no error.
            self.fields["featured_image"].max_length = None

    def clean_topics(self):
        """Each topic name fits its column: taggit's field does not check, the database would."""
        names = [clean_text(name) for name in self.cleaned_data.get("topics") or []]
        too_long = [name for name in names if len(name) > TOPIC_MAX]
        if too_long:
            raise forms.ValidationError(
                f"Topic names can be at most {TOPIC_MAX} characters: "
                + ", ".join(f"“{name[:40]}…”" for name in too_long)
            )
        return [name for name in names if name]

    def clean_brand(self):
        """A brand left out keeps the article's own (or the default brand for a new article),
        which must then be one of the editor's too: else they are asked to choose."""
        brand = self.cleaned_data.get("brand")
        brand_id = brand.pk if brand is not None else self.instance.brand_id
        if self.brand_ids is not None and brand_id not in self.brand_ids:
            raise forms.ValidationError(
                "Choose the brand that publishes the article: one of the brands you work on."
            )
        if brand is None and self.instance.brand_id is not None:
            return self.instance.brand  # posted empty: kept, as when left out
        return brand

    def clean_syndicated_to(self):
        """The brands chosen, plus those the article is syndicated to already that the editor
        does not work on (not offered to them, so not theirs to take away). One query, for an
        editor of some brands changing an article."""
        chosen = self.cleaned_data.get("syndicated_to")
        if self.brand_ids is None or self.instance.pk is None or chosen is None:
            return chosen
        kept = self.instance.syndicated_to.exclude(pk__in=self.brand_ids)
        return [*chosen, *kept]

    def clean_featured_image(self):
        """A new featured picture passes the media library's checks and loses its metadata."""
        image = self.cleaned_data.get("featured_image")
        if isinstance(image, UploadedFile):  # a new upload, not the file already stored
            return clean_image(image).file
        return image

    def clean(self):
        cleaned_data = super().clean()
        status = cleaned_data.get("status") if "status" in self.fields else self.instance.status
        at = workflow.publication_time(status, cleaned_data.get("published_at"))
        if at is not None and "published_at" in self.fields:
            cleaned_data["published_at"] = at
        if self.ask_change_kind and status == Status.PUBLISHED:
            # Asked only of a save that leaves the article public: taking it down is no news.
            for name, message in change_kind_problems(cleaned_data).items():
                self.add_error(name, message)
        return cleaned_data

    def _post_clean(self):
        # After the model's own checks, on the instance as the form would save it.
        super()._post_clean()
        self._use_chosen_picture()
        if self.instance.status != Status.PUBLISHED:
            return
        for field, message in workflow.publish_problems(self.instance, byline=False).items():
            if field not in self.fields:
                self.add_error(None, message)
            elif field not in self.errors:
                self.add_error(field, message)

    def _use_chosen_picture(self):
        """A picture newly chosen from the library (and no upload) becomes the featured image,
        with the library's words where the editor left the article's empty."""
        chosen = self.cleaned_data.get("featured_library_image")
        uploaded = isinstance(self.cleaned_data.get("featured_image"), UploadedFile)
        if chosen and not uploaded and "featured_library_image" in self.changed_data:
            article = self.instance
            use_library_picture(
                article,
                chosen,
                alt=article.featured_image_alt or None,
                caption=article.featured_image_caption or None,
                credit=article.featured_image_credit or None,
            )


class ChangeKindForm(forms.Form):
    """The change-kind question on its own, for changes to a public article made outside its
    change form (restoring a revision)."""

    legend = "Saving a published article"
    description = CHANGE_KIND_DESCRIPTION
    change_kind, correction_note = change_kind_fields().values()

    def clean(self):
        cleaned_data = super().clean()
        for name, message in change_kind_problems(cleaned_data).items():
            self.add_error(name, message)
        return cleaned_data


class BylineFormSet(BaseInlineFormSet):
    """The byline inline's formset: a published article needs an author.

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
