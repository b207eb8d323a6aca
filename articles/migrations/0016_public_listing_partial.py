"""The public listings' index holds public articles only (a partial index), so the planner never
prefers walking the newsdesk's index past the drafts at its top (400 ms at a million)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_article_updated_index"),
        ("authors", "0002_author_import_fingerprint"),
        ("library", "0004_image_replacements"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="article",
            name="article_public_listing",
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("status__in", ["published"])),
                fields=["-published_at", "-id"],
                name="article_public_listing",
            ),
        ),
    ]
