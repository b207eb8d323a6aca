"""Site-wide settings an editor changes in the admin: brand, sister brands, social profiles and
the footer's pages. The public header and footer read them through `newsroom.chrome`."""

from django.contrib.flatpages.models import FlatPage
from django.db import models


class SiteSettings(models.Model):
    """The one row of brand settings (primary key 1); `SiteSettings.load()` reads it."""

    brand_name = models.CharField(
        max_length=80,
        default="Newsroom",
        help_text="The publication's name, shown in the header, page titles and feeds.",
    )
    tagline = models.CharField(
        max_length=160,
        blank=True,
        help_text="A short line about the publication, used as the home page's description.",
    )
    network_name = models.CharField(
        max_length=80,
        blank=True,
        help_text="The name of the group of brands this publication belongs to, if any. "
        "It heads the list of sister brands in the header.",
    )
    network_url = models.URLField(
        blank=True, help_text="Where the group's name links to. Leave empty for no link."
    )
    submit_url = models.CharField(
        max_length=200,
        blank=True,
        default="/submit/",
        help_text="Where the header's “Submit Your Content” link goes: a path on this site "
        "or a full address. Leave empty to hide the link.",
    )

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self):
        return self.brand_name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The saved settings, or unsaved defaults on a new site (reading never writes)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class OrderedLink(models.Model):
    site_settings = models.ForeignKey(SiteSettings, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Links are shown in ascending order of this number."
    )

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class NetworkLink(OrderedLink):
    """A sister brand of the network, listed in the header."""

    name = models.CharField(max_length=80, help_text="The brand's name as readers know it.")
    url = models.URLField(help_text="The brand's home page, as a full address.")

    class Meta(OrderedLink.Meta):
        verbose_name = "sister brand"

    def __str__(self):
        return self.name


class SocialLink(OrderedLink):
    """One of the publication's profiles on a social network."""

    class Network(models.TextChoices):
        FACEBOOK = "facebook", "Facebook"
        INSTAGRAM = "instagram", "Instagram"
        X = "x", "X"
        THREADS = "threads", "Threads"
        TIKTOK = "tiktok", "TikTok"
        YOUTUBE = "youtube", "YouTube"
        LINKEDIN = "linkedin", "LinkedIn"
        BLUESKY = "bluesky", "Bluesky"

    network = models.CharField(
        max_length=20, choices=Network.choices, help_text="The social network of this profile."
    )
    url = models.URLField(help_text="The full address of the publication's profile.")

    class Meta(OrderedLink.Meta):
        verbose_name = "social profile"

    def __str__(self):
        return self.get_network_display()


class FooterLink(OrderedLink):
    """A page (Advertise, Terms, …) listed in the footer, in the editor's order."""

    page = models.ForeignKey(
        FlatPage,
        on_delete=models.CASCADE,
        help_text="The page to link. Pages are written under “Flat pages”.",
    )

    class Meta(OrderedLink.Meta):
        verbose_name = "footer page"

    def __str__(self):
        return self.page.title
