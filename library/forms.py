from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.files.uploadedfile import UploadedFile

from library.models import Image
from library.uploads import clean_image
from library.validation import ACCEPT_ATTRIBUTE


class ImageForm(forms.ModelForm):
    """The library's upload form: the file is checked by its content and stored clean.

    `file` is a plain FileField rather than Django's ImageField, whose own check runs first and
    answers every problem with one generic message; `clean_file` gives the specific ones
    (library.validation) and hands on the upright, metadata-free copy (library.uploads), so
    nothing unchecked or uncleaned is ever stored.
    """

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit", "source_note", "focal_x", "focal_y"]
        field_classes = {"file": forms.FileField}
        widgets = {
            "file": AdminFileWidget(attrs={"accept": ACCEPT_ATTRIBUTE}),
            "focal_x": forms.NumberInput(attrs={"min": 0, "max": 1, "step": 0.01}),
            "focal_y": forms.NumberInput(attrs={"min": 0, "max": 1, "step": 0.01}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            # The stored name is shortened by clean_image; a long name is no error.
            self.fields["file"].max_length = None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not isinstance(upload, UploadedFile):  # unchanged on an edit
            return upload
        cleaned = clean_image(upload)
        self.instance.animated = cleaned.animated
        return cleaned.file
