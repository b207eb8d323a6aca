"""Topics get `name_key` (one topic per case-folded name) and `in_menu` (sections out of the menu).

Existing topics whose names fold to the same key are merged first, by the admin's own
`merge_topics` (articles, sections and old addresses move to the kept topic): a section is
kept over a plain topic, else the oldest. Existing sections stay in the menu.

Not atomic as a whole: on PostgreSQL, deleting merged topics queues deferred foreign-key
checks, and the unique index cannot be added in the transaction that queued them.
"""

from django.db import migrations, models

from articles.text import clean_text, name_key


def fill_keys_and_merge(apps, schema_editor):
    Topic = apps.get_model("articles", "Topic")
    groups = {}
    for topic in Topic.objects.order_by("pk"):
        groups.setdefault(name_key(clean_text(topic.name)), []).append(topic)
    duplicated = {key: topics for key, topics in groups.items() if len(topics) > 1}
    if duplicated:
        # The merge is the admin's (real models): it records redirects and retires caches.
        from articles.admin.topics import merge_topics
        from articles.models import Article as LiveArticle
        from articles.models import Topic as LiveTopic

        # Deleting a merged topic makes Django check the articles whose section it is, reading
        # whole rows of the live Article, which may have columns later migrations add
        # (0011's body_rendered). By then the merge has moved every article off the topic, so
        # the check is skipped while it runs; the database's foreign key still guards the rows.
        # Live models of apps migrated later (a feed subscription's section) have no table yet,
        # so no rows to check either.
        tables = set(schema_editor.connection.introspection.table_names())
        skipped = [LiveArticle._meta.get_field("section").remote_field] + [
            relation
            for relation in LiveTopic._meta.get_fields(include_hidden=True)
            if (relation.one_to_many or relation.one_to_one)
            and relation.auto_created
            and relation.related_model._meta.db_table not in tables
        ]
        kept = [(relation, relation.on_delete) for relation in skipped]
        for relation in skipped:
            relation.on_delete = models.DO_NOTHING
        try:
            for topics in duplicated.values():
                live = list(
                    LiveTopic.objects.filter(pk__in=[t.pk for t in topics]).order_by("pk")
                )
                keep = next((t for t in live if t.in_navigation), live[0])
                merge_topics(topics=live, into=keep)
        finally:
            for relation, on_delete in kept:
                relation.on_delete = on_delete
    for topic in Topic.objects.all():
        Topic.objects.filter(pk=topic.pk).update(name_key=name_key(clean_text(topic.name)))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("articles", "0009_neutralise_unsafe_related_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="topic",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=400),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="topic",
            name="in_menu",
            field=models.BooleanField(
                default=True,
                help_text="Show this section in the site header's menu. Sections created by an "
                "import stay out of the menu until an editor ticks this.",
                verbose_name="in the menu",
            ),
        ),
        migrations.RunPython(fill_keys_and_merge, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="topic",
            name="name_key",
            field=models.CharField(
                editable=False,
                help_text="The name as topics are compared (see articles.text.name_key): two "
                "names with the same key are one topic. Filled on save.",
                max_length=400,
                unique=True,
            ),
        ),
        migrations.AlterField(
            model_name="topic",
            name="in_navigation",
            field=models.BooleanField(
                default=False,
                help_text="Make this topic a section: sections head the breadcrumbs and "
                "addresses of their articles, and an article needs one to be published.",
                verbose_name="section",
            ),
        ),
    ]
