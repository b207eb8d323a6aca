"""Each brand's section listing has its index: with the brand only in a query's condition,
PostgreSQL read the whole table to find that a topic has no public article of the brand."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_article_brand"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("status__in", ["published"])),
                fields=["section", "brand", "-published_at", "-id"],
                name="article_brand_section_listing",
            ),
        ),
    ]
