"""Indexes for a million articles (docs/performance.md, "A million articles").

The listing indexes end with the id, the listings' tie-break, so a keyset page is one range
scan; the newsdesk's list gets its default order and its headline order; an author's and a
topic's articles are read from an index holding both ids (replacing the foreign keys' own).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_handled_publications"),
        ("authors", "0002_author_import_fingerprint"),
        ("library", "0004_image_replacements"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="article",
            name="article_public_listing",
        ),
        migrations.RemoveIndex(
            model_name="article",
            name="article_section_listing",
        ),
        migrations.AlterField(
            model_name="articleauthor",
            name="author",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="article_links",
                to="authors.author",
            ),
        ),
        migrations.AlterField(
            model_name="topicitem",
            name="tag",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="items",
                to="articles.topic",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["status", "-published_at", "-id"], name="article_public_listing"
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["section", "status", "-published_at", "-id"], name="article_section_listing"
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["-published_at", "-id"], name="article_newest"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["headline", "-id"], name="article_by_headline"),
        ),
        migrations.AddIndex(
            model_name="articleauthor",
            index=models.Index(fields=["author", "article"], name="articleauthor_by_author"),
        ),
        migrations.AddIndex(
            model_name="topicitem",
            index=models.Index(fields=["tag", "content_object"], name="topicitem_by_topic"),
        ),
    ]
