"""The newest update among public articles, read from the top of an index (the sitemaps' lastmod)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_search_exact_headline"),
        ("authors", "0002_author_import_fingerprint"),
        ("library", "0004_image_replacements"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("updated_at__isnull", False)),
                fields=["-updated_at"],
                name="article_updated",
            ),
        ),
    ]
