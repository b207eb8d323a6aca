"""Each brand's look (logo, colours), host names, addresses and advert account."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0002_brands"),
    ]

    operations = [
        migrations.AddField(
            model_name="sitesettings",
            name="accent_colour",
            field=models.CharField(
                default="#b3102b",
                help_text="Links and highlights, e.g. #b3102b. It is written on white, so it must be dark enough to read (contrast 4.5:1 or more).",
                max_length=7,
                validators=[
                    django.core.validators.RegexValidator(
                        "^#[0-9a-fA-F]{6}$", "Give a colour as # and six hex digits."
                    )
                ],
            ),
        ),
        migrations.AddField(
            model_name="sitesettings",
            name="advert_account",
            field=models.CharField(
                blank=True,
                help_text="The brand's account with its advert network (for example its publisher id), given to the advert slots of its pages. Leave empty for no adverts.",
                max_length=100,
            ),
        ),
        migrations.AddField(
            model_name="sitesettings",
            name="contact_email",
            field=models.EmailField(
                blank=True,
                help_text="Where readers write to the brand's desk (shown on its pages).",
                max_length=254,
            ),
        ),
        migrations.AddField(
            model_name="sitesettings",
            name="extra_hosts",
            field=models.TextField(
                blank=True,
                help_text="Other host names that serve this brand, one a line (for example www.news.example.org). Each must also be allowed by ALLOWED_HOSTS.",
            ),
        ),
        migrations.AddField(
            model_name="sitesettings",
            name="header_colour",
            field=models.CharField(
                default="#111111",
                help_text="The header and footer's background, e.g. #111111. White text is written on it, so it must be dark enough to read (contrast 4.5:1 or more).",
                max_length=7,
                validators=[
                    django.core.validators.RegexValidator(
                        "^#[0-9a-fA-F]{6}$", "Give a colour as # and six hex digits."
                    )
                ],
            ),
        ),
        migrations.AddField(
            model_name="sitesettings",
            name="logo",
            field=models.ImageField(
                blank=True,
                height_field="logo_height",
                help_text="The brand's logo for the header and search engines (PNG or JPEG, on a transparent or dark background). Leave empty to show the brand's name as text.",
                upload_to="brands/",
                width_field="logo_width",
            ),
        ),
        migrations.AddField(
            model_name="sitesettings",
            name="logo_height",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="sitesettings",
            name="logo_width",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="sitesettings",
            name="submissions_email",
            field=models.EmailField(
                blank=True,
                help_text="Where readers' replies to the receipt of a submission sent on this brand go (its Reply-To). Leave empty to send the receipt without one.",
                max_length=254,
            ),
        ),
    ]
