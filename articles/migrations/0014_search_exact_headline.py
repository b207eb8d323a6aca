"""Search finds an article whose headline is the query in an index (articles.search)."""

import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_listing_indexes"),
        ("authors", "0002_author_import_fingerprint"),
        ("library", "0004_image_replacements"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                django.db.models.functions.text.Upper("headline"), name="article_headline_exact"
            ),
        ),
    ]
