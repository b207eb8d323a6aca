"""PostgreSQL scans the articles table without parallel workers.

A public page reads a few dozen articles through an index; when the planner reckons a walk of a
listing's index costly enough (a topic on half a percent of a million articles), it starts
parallel workers for it, and starting them costs more than they save: 26 ms against 7 ms for
such a topic's page on a busy two-CPU host. Whole-archive aggregates (the counts of Topics A-Z,
a cached fragment) lose their parallel scan. Other databases have no such setting.
"""

from django.db import migrations


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_public_listing_partial"),
    ]

    operations = [
        migrations.RunPython(
            _run("ALTER TABLE articles_article SET (parallel_workers = 0)"),
            _run("ALTER TABLE articles_article RESET (parallel_workers)"),
        )
    ]
