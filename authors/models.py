from django.conf import settings
from django.db import models
from django.urls import reverse

from articles.models import public_condition


class AuthorQuerySet(models.QuerySet):
    def with_public_articles(self, site):
        """Authors with at least one public article on brand `site`, annotated with
        `article_total`."""
        # A join and a filtered count: a subquery here costs twice as much on a large archive.
        return self.annotate(
            article_total=models.Count(
                "article_links", filter=public_condition("article_links__article__", site=site)
            )
        ).filter(article_total__gt=0)


class Author(models.Model):
    """A person in bylines: a staff writer, a contributor or an agency."""

    name = models.CharField(max_length=120, help_text="The name as it appears in bylines.")
    slug = models.SlugField(
        max_length=140,
        unique=True,
        help_text="The author's address on the site, e.g. /authors/jane-doe/. "
        "Letters, numbers and hyphens only.",
    )
    role = models.CharField(
        max_length=120,
        blank=True,
        help_text="Job title shown under the name, e.g. “Editorial Lead”.",
    )
    bio = models.TextField(
        blank=True, help_text="A short biography in plain text, shown under the author's articles."
    )
    photo = models.ImageField(
        upload_to="authors/", blank=True, help_text="A square portrait; at least 400 × 400 pixels."
    )
    email = models.EmailField(
        blank=True, help_text="For the newsroom only; never shown to readers."
    )
    website_url = models.URLField(blank=True, help_text="The author's own site, if any.")
    x_url = models.URLField(
        blank=True, verbose_name="X profile", help_text="Full address of the X profile."
    )
    instagram_url = models.URLField(
        blank=True,
        verbose_name="Instagram profile",
        help_text="Full address of the Instagram profile.",
    )
    linkedin_url = models.URLField(
        blank=True,
        verbose_name="LinkedIn profile",
        help_text="Full address of the LinkedIn profile.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text="The staff account that writes as this author, if they log in to the admin.",
    )
    # Set only by `import_articles`: a digest of the profile (name, role, bio, photo) as the
    # import last wrote it. While the profile still matches it, no editor has changed it and
    # the import may bring it up to date; once it differs, the import leaves it alone. Empty for
    # authors made anywhere else, which imports never overwrite.
    import_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("authors:author-detail", kwargs={"slug": self.slug})

    @property
    def social_links(self):
        """The profiles that are filled in, as (label, url) pairs, in a fixed order."""
        links = [
            ("Website", self.website_url),
            ("X", self.x_url),
            ("Instagram", self.instagram_url),
            ("LinkedIn", self.linkedin_url),
        ]
        return [(label, url) for label, url in links if url]
