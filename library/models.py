from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from library import markup
from library.images import BODY_IMAGE_SIZES, StoredSizeImageField
from library.renditions import thumbnail


class Image(models.Model):
    """A picture in the library, with what readers and the law need to know about it."""

    file = StoredSizeImageField(
        upload_to="library/%Y/%m/",
        width_field="width",
        height_field="height",
        help_text="A JPEG, PNG, GIF or WebP picture; it is checked by its content, not its name.",
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    alt_text = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the picture shows, for readers who cannot see it. Required to publish.",
    )
    caption = models.CharField(
        max_length=500, blank=True, help_text="An optional line shown under the picture."
    )
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who owns the picture, e.g. “Alamy” or “Jane Doe / Newsroom”. "
        "Required to publish.",
    )
    source_note = models.TextField(
        blank=True,
        help_text="Where the picture came from and on what licence; for the newsroom only.",
    )
    focal_x = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Horizontal position of the point to keep in crops, from 0 (left) to 1 (right).",
    )
    focal_y = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Vertical position of the point to keep in crops, from 0 (top) to 1 (bottom).",
    )
    animated = models.BooleanField(
        default=False,
        editable=False,
        help_text="Whether the picture moves; animations are shown as uploaded, without "
        "smaller copies.",
    )
    renditions = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="The sizes and formats made of this picture so far.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    # Where an imported picture came from (e.g. a WordPress attachment), so importing the same
    # export again finds it instead of adding a copy. Empty for uploads.
    source_system = models.CharField(max_length=50, blank=True, editable=False)
    source_id = models.CharField(max_length=255, blank=True, editable=False)
    source_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["-created"], name="library_image_newest")]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "source_id"],
                condition=~models.Q(source_id=""),
                name="unique_library_image_source",
            )
        ]

    def __str__(self):
        return self.alt_text or self.file.name

    def picture_html(self, sizes, *, aspect=None, eager=False, css_class="", alt=None):
        """A `<picture>` with `srcset`/`sizes`, width and height (see library.markup).

        Reads only this row's fields. Renditions not made yet are asked for (a cache round trip,
        and one outbox row the first time) and a sized fallback shown meanwhile.
        """
        return markup.picture_html(
            self, sizes, aspect=aspect, eager=eager, css_class=css_class, alt=alt
        )

    def figure_html(self, sizes=BODY_IMAGE_SIZES):
        """The `<figure>` an article body holds for this picture (see library.markup)."""
        return markup.figure_html(self, sizes)

    @property
    def thumbnail_url(self):
        """The address of the smallest uncropped WebP copy, else of the original. No I/O."""
        record = thumbnail(self)
        if record:
            return self.file.storage.url(record["name"])
        return self.file.url if self.file else ""


class ImageReplacement(models.Model):
    """A record of a library picture's file being replaced: who, when, and which file for which.

    Replacing the file of a picture changes every article that shows it, so editors can see
    each replacement on the picture's page (library.uses makes these)."""

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="replacements")
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaced_at = models.DateTimeField(auto_now_add=True)
    old_name = models.CharField("old file", max_length=255)
    new_name = models.CharField("new file", max_length=255)
    articles_changed = models.PositiveIntegerField(
        default=0, help_text="How many articles were changed to show the new file."
    )

    class Meta:
        ordering = ["-replaced_at", "-id"]
        # Written only by library.uses and shown on the picture's page; no one edits
        # these in the admin, and the roles (articles 0005) would not know new permissions.
        default_permissions = ()

    def __str__(self):
        return f"{self.old_name} → {self.new_name}"
