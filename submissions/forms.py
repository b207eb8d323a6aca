from datetime import timedelta
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.body import EMBED_PROVIDERS
from submissions import consent
from submissions.files import ACCEPT, prepare_upload

# Where a submitted link may point: the networks readers post video on.
LINK_PROVIDERS = ("YouTube", "TikTok", "Instagram", "X", "Facebook")
LINK_HOSTS = frozenset(host for name in LINK_PROVIDERS for host in EMBED_PROVIDERS[name])
LINK_ADVICE = (
    "Give the address of a post or video on YouTube, TikTok, Instagram, X (Twitter) or "
    "Facebook, starting with https://."
)
# Date inputs show the reader's own calendar day; UTC+14 is the furthest ahead of any.
FURTHEST_AHEAD = timedelta(hours=14)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files under one name; each is cleaned as a FileField cleans one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data]
        cleaned, errors = [], []
        for upload in filter(None, uploads):
            try:
                cleaned.append(super().clean(upload, initial))
            except ValidationError as error:
                errors.extend(f"“{upload.name}”: {message}" for message in error.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class SubmissionForm(forms.Form):
    """The public "Submit Your Content" form.

    `upload_problems` are the files the upload handler dropped while receiving the request
    (submissions.limits); they are reported as errors of the files field. `prepared_files`
    holds, after validation, each accepted file ready to store (submissions.files).
    """

    name = forms.CharField(
        label="Your name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="We send your receipt here, and use it only to contact you about what you sent.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    story = forms.CharField(
        label="What happened?",
        required=False,
        max_length=10_000,
        help_text="Tell us what you saw, in your own words.",
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off"}),
    )
    link = forms.URLField(
        label="Link to a post or video (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="A post on YouTube, TikTok, Instagram, X (Twitter) or Facebook.",
        widget=forms.URLInput(attrs={"autocomplete": "url", "inputmode": "url"}),
    )
    files = MultipleFileField(label="Pictures or videos (optional)", required=False)
    filmed_where = forms.CharField(
        label="Where was it filmed? (optional)",
        required=False,
        max_length=200,
        help_text="A street, town or landmark.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    filmed_on = forms.DateField(
        label="When was it filmed? (optional)",
        required=False,
        help_text="The day the pictures or video were taken.",
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "off"}, format="%Y-%m-%d"),
    )
    rights = forms.BooleanField(
        label=consent.RIGHTS,
        error_messages={"required": "Tick this box to confirm you may share what you send."},
    )
    licence = forms.BooleanField(
        label=consent.LICENCE,
        error_messages={"required": "Tick this box to let us publish what you send."},
    )
    # The trap for robots: hidden from sight and from the keyboard, labelled for screen
    # readers; a form with it filled in is thanked and thrown away (see SubmissionCreateView).
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, upload_problems=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.upload_problems = list(upload_problems)
        self.prepared_files = []
        self.max_files = settings.SUBMISSIONS_MAX_FILES
        self.fields["files"].help_text = (
            f"Up to {self.max_files} files: JPEG, PNG, GIF or WebP pictures, and MP4, MOV or "
            "WebM videos. Longer videos are better posted online and linked above."
        )
        latest = self.latest_filming_date()
        self.fields["filmed_on"].widget.attrs["max"] = latest.isoformat()

    @staticmethod
    def latest_filming_date():
        return (timezone.now() + FURTHEST_AHEAD).date()

    def is_from_a_robot(self):
        """Whether the hidden trap field was filled in, which no person does."""
        return bool(self.data.get("website", "").strip())

    def clean_link(self):
        link = self.cleaned_data["link"]
        if link:
            parts = urlsplit(link)
            if parts.scheme not in {"http", "https"} or (parts.hostname or "") not in LINK_HOSTS:
                raise ValidationError(LINK_ADVICE, code="link_host")
        return link

    def clean_filmed_on(self):
        day = self.cleaned_data["filmed_on"]
        if day and day > self.latest_filming_date():
            raise ValidationError("The date is in the future; give the day it was filmed.")
        return day

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        errors = [ValidationError(problem) for problem in self.upload_problems]
        if len(uploads) > self.max_files:
            too_many = f"Send at most {self.max_files} files at a time."
            if too_many not in self.upload_problems:
                errors.append(ValidationError(too_many))
            uploads = uploads[: self.max_files]
        for upload in uploads:
            try:
                self.prepared_files.append(prepare_upload(upload))
            except ValidationError as error:
                errors.extend(
                    ValidationError(f"“{upload.name}”: {message}") for message in error.messages
                )
        if errors:
            self.prepared_files = []
            raise ValidationError(errors)
        return uploads

    def clean(self):
        cleaned = super().clean()
        # A link or files refused for their own reasons count as given: their errors say more.
        given = [cleaned.get(name) or name in self.errors for name in ("story", "link", "files")]
        if not any(given):
            raise ValidationError(
                "Tell us what happened, give a link, or attach a picture or video: a "
                "submission needs at least one of them.",
                code="empty",
            )
        return cleaned
