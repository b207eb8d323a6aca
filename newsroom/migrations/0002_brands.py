"""One row of settings per brand (Site): today's one row becomes the default brand's, and the
hand-kept sister brands become brands of their own (a Site at their link's host, with their
name), since the header's sister brands are now the install's other brands."""

from urllib.parse import urlsplit

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations, models

HEX = django.core.validators.RegexValidator(
    "^#[0-9a-fA-F]{6}$", "Give a colour as # and six hex digits."
)


def settings_to_brands(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    SiteSettings = apps.get_model("newsroom", "SiteSettings")
    NetworkLink = apps.get_model("newsroom", "NetworkLink")
    rows = list(SiteSettings.objects.order_by("pk"))
    if not rows:
        return  # a new database: django.contrib.sites makes the default Site after migrating
    default, _ = Site.objects.get_or_create(
        pk=settings.DEFAULT_SITE_ID, defaults={"domain": "example.com", "name": "example.com"}
    )
    # The one row of settings was saved with its id given (1), as the default Site may have
    # been: on PostgreSQL their sequences may not have moved past them, so the rows made
    # below would be given the same ids.
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Site, SiteSettings]):
            cursor.execute(sql)
    main = rows[0]
    main.site = default
    main.save(update_fields=["site"])
    for link in NetworkLink.objects.order_by("position", "pk"):
        host = urlsplit(link.url).netloc.lower()
        if not host or Site.objects.filter(domain__iexact=host).exists():
            continue  # no host, or already a brand of this install
        site = Site.objects.create(domain=host, name=link.name)
        SiteSettings.objects.create(
            site=site,
            brand_name=link.name,
            network_name=main.network_name,
            network_url=main.network_url,
            submit_url="",
        )


def brands_to_settings(apps, schema_editor):
    """Backwards: the default brand's row stays; the other brands go back to links."""
    SiteSettings = apps.get_model("newsroom", "SiteSettings")
    NetworkLink = apps.get_model("newsroom", "NetworkLink")
    main = SiteSettings.objects.filter(site_id=settings.DEFAULT_SITE_ID).first()
    if main is None:
        return
    others = SiteSettings.objects.exclude(pk=main.pk).select_related("site")
    for position, other in enumerate(others):
        NetworkLink.objects.create(
            site_settings=main,
            name=other.brand_name,
            url=f"https://{other.site.domain}/",
            position=position,
        )
    others.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0001_initial"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [
        migrations.AddField(
            model_name="sitesettings",
            name="site",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="brand_settings",
                to="sites.site",
                help_text="The brand's primary address (its Site). Its pages are served there.",
            ),
        ),
        migrations.RunPython(settings_to_brands, brands_to_settings),
        migrations.AlterField(
            model_name="sitesettings",
            name="site",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="brand_settings",
                to="sites.site",
                help_text="The brand's primary address (its Site). Its pages are served there.",
            ),
        ),
        migrations.DeleteModel(name="NetworkLink"),
        migrations.AlterModelOptions(
            name="sitesettings",
            options={"verbose_name": "brand", "verbose_name_plural": "brands"},
        ),
    ]
