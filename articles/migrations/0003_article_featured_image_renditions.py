"""The widths of the WebP renditions made of each article's featured image.

Existing articles start with an empty list, so their pages show the original image alone until
`manage.py make_renditions` has made their renditions. Image work is left out of the migration:
it reads every file and can take a while on a large archive.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_article_search_vector"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="featured_image_renditions",
            field=models.JSONField(
                blank=True,
                default=list,
                editable=False,
                help_text="The widths in pixels of the smaller WebP copies made of the featured image (see library.images). Filled when an image is uploaded or imported, never by hand.",
            ),
        ),
    ]
