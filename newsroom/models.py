"""Each brand's settings, changed by editors in the admin: its name, look, group, addresses,
social profiles and footer pages. A brand is a `Site` (its host) with one row of these
(newsroom.brands resolves the brand of a request); the public header and footer read them
through `newsroom.chrome`."""

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from newsroom.colours import check_contrast

HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Give a colour as # and six hex digits.")


class SiteSettings(models.Model):
    """One brand's settings: one row per `Site`; `SiteSettings.load(site)` reads it."""

    site = models.OneToOneField(
        Site,
        on_delete=models.CASCADE,
        related_name="brand_settings",
        help_text="The brand's primary address (its Site). Its pages are served there.",
    )

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

    logo = models.ImageField(
        upload_to="brands/",
        blank=True,
        width_field="logo_width",
        height_field="logo_height",
        help_text="The brand's logo for the header and search engines (PNG or JPEG, on a "
        "transparent or dark background). Leave empty to show the brand's name as text.",
    )
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    header_colour = models.CharField(
        max_length=7,
        default="#111111",
        validators=[HEX_COLOUR],
        help_text="The header and footer's background, e.g. #111111. White text is written on "
        "it, so it must be dark enough to read (contrast 4.5:1 or more).",
    )
    accent_colour = models.CharField(
        max_length=7,
        default="#b3102b",
        validators=[HEX_COLOUR],
        help_text="Links and highlights, e.g. #b3102b. It is written on white, so it must be "
        "dark enough to read (contrast 4.5:1 or more).",
    )
    extra_hosts = models.TextField(
        blank=True,
        help_text="Other host names that serve this brand, one a line (for example "
        "www.news.example.org). Each must also be allowed by ALLOWED_HOSTS.",
    )
    contact_email = models.EmailField(
        blank=True, help_text="Where readers write to the brand's desk (shown on its pages)."
    )
    submissions_email = models.EmailField(
        blank=True,
        help_text="Where readers' replies to the receipt of a submission sent on this brand "
        "go (its Reply-To). Leave empty to send the receipt without one.",
    )
    advert_account = models.CharField(
        max_length=100,
        blank=True,
        help_text="The brand's account with its advert network (for example its publisher "
        "id), written into the advert slots of its pages for the advert script to read. Leave "
        "empty and the slots name no account, so no advert is loaded into them (they keep "
        "their space on the page).",
    )

    class Meta:
        verbose_name = "brand"
        verbose_name_plural = "brands"

    def __str__(self):
        return self.brand_name

    def save(self, *args, **kwargs):
        # Settings saved without a brand are the default brand's, and replace its row (as the
        # one row of settings did before there were brands).
        if self.site_id is None:
            self.site_id = settings.DEFAULT_SITE_ID
            if self.pk is None:
                self.pk = (
                    SiteSettings.objects.filter(site_id=self.site_id)
                    .values_list("pk", flat=True)
                    .first()
                )
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        for field, background, text in (
            ("header_colour", self.header_colour, "#ffffff"),
            ("accent_colour", "#ffffff", self.accent_colour),
        ):
            problem = check_contrast(text, background)
            if problem:
                errors[field] = problem
        if errors:
            raise ValidationError(errors)

    @classmethod
    def load(cls, site=None):
        """The settings of brand `site` (the default brand if None), or unsaved defaults for a
        brand that has none yet (reading never writes). One query."""
        site_id = settings.DEFAULT_SITE_ID if site is None else site.pk
        return cls.objects.filter(site_id=site_id).first() or cls(site_id=site_id)

    def host_names(self):
        """`extra_hosts` as a list of lower-case host names."""
        return [line.strip().lower() for line in self.extra_hosts.splitlines() if line.strip()]


class OrderedLink(models.Model):
    site_settings = models.ForeignKey(SiteSettings, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Links are shown in ascending order of this number."
    )

    class Meta:
        abstract = True
        ordering = ["position", "id"]


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


class BrandAccess(models.Model):
    """Which brands one person's role holds for (`newsroom.access` reads it).

    A person with no row works on the whole network, as everyone did before brands could be
    given: upgrading takes nothing from anyone, and a one-brand install never needs a row.
    Superusers work on the whole network whatever their row says.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="brand_access",
        help_text="The person whose brands these are.",
    )
    network = models.BooleanField(
        "works on the whole network",
        default=True,
        help_text="Ticked, the person's role holds on every brand, those added later "
        "included. Untick it and choose their brands below to limit them to those.",
    )
    # A brand deleted later simply leaves the list: a person whose last brand goes works on
    # none (never on the whole network) until given another.
    brands = models.ManyToManyField(
        Site,
        blank=True,
        related_name="+",
        help_text="The brands the person works on when they do not work on the whole network: "
        "they see, write, publish and syndicate articles of these brands only.",
    )

    class Meta:
        verbose_name = "brands worked on"
        verbose_name_plural = "brands worked on"

    def __str__(self):
        return f"Brands of {self.user}"
