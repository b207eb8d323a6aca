"""The article body stored as the page prints it (`Article.body_rendered`), rendered once per
change rather than on every request, and the key of what that rendering was made from.

The backfill renders every existing body with the renderer of the day. Should the renderer or the
advert policy have changed by the time this runs, the keys no longer match and pages render
afresh until the next save (see `Article.reader_body`), so a stale copy is never shown.
"""

from django.db import migrations, models

from articles.body.rendering import render_body_html, rendering_key

BATCH = 500


def render_existing_bodies(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    batch = []
    for article in Article.objects.only("pk", "body").iterator(chunk_size=BATCH):
        article.body_rendered = render_body_html(article.body)
        article.body_rendered_key = rendering_key(article.body)
        batch.append(article)
        if len(batch) == BATCH:
            Article.objects.bulk_update(batch, ["body_rendered", "body_rendered_key"])
            batch = []
    Article.objects.bulk_update(batch, ["body_rendered", "body_rendered_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_topic_name_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="body_rendered",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="The body as the article page prints it (embeds, figures, advert "
                "slots), made on save from the body (see articles.body.rendering), never by hand.",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="body_rendered_key",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="What the stored rendering was made from (`rendering_key`); when it no "
                "longer matches, the page renders the body afresh until the next save.",
                max_length=64,
            ),
        ),
        migrations.RunPython(render_existing_bodies, migrations.RunPython.noop, elidable=True),
    ]
