"""The article's stored search vector, and on PostgreSQL the trigger and index behind it.

The model knows only the column (`Article.search_vector`). The trigger that fills it and the GIN
index that serves `@@` are PostgreSQL-only, so they are created by `RunPython` running SQL when
the database is PostgreSQL, and the migration state never hears of them: `makemigrations` sees
nothing to add and SQLite migrates with the plain (always empty) column. A trigger rather than
`save()` keeps the vector current through `QuerySet.update()`, `bulk_create()`, raw SQL and
imports alike.

The text the vector is made of: headline (weight A), standfirst (B) and the body with its tags
replaced by spaces (C), in the English configuration. `articles/search.py` strips tags the same
way when it builds snippets.
"""

import django.contrib.postgres.search
from django.db import migrations

# One definition of the vector, used by the trigger and by the backfill below.
VECTOR_FUNCTION = """
CREATE OR REPLACE FUNCTION articles_article_search_vector(headline text, standfirst text, body text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('pg_catalog.english', coalesce(headline, '')), 'A')
        || setweight(to_tsvector('pg_catalog.english', coalesce(standfirst, '')), 'B')
        || setweight(
            to_tsvector('pg_catalog.english', regexp_replace(coalesce(body, ''), '<[^>]*>', ' ', 'g')),
            'C'
        )
$$
"""

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION articles_article_search_vector_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := articles_article_search_vector(NEW.headline, NEW.standfirst, NEW.body);
    RETURN NEW;
END
$$
"""

# `UPDATE OF` spares updates that touch none of the text (status, timestamps); search_vector is
# in the list so that no write can store a vector that disagrees with the text.
TRIGGER = """
CREATE TRIGGER articles_article_search_vector_update
BEFORE INSERT OR UPDATE OF headline, standfirst, body, search_vector ON {table}
FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector_trigger()
"""

BACKFILL = """
UPDATE {table} SET search_vector = articles_article_search_vector(headline, standfirst, body)
"""

INDEX = "CREATE INDEX articles_article_search_vector_gin ON {table} USING gin (search_vector)"

DROP = [
    "DROP TRIGGER IF EXISTS articles_article_search_vector_update ON {table}",
    "DROP FUNCTION IF EXISTS articles_article_search_vector_trigger()",
    "DROP FUNCTION IF EXISTS articles_article_search_vector(text, text, text)",
    "DROP INDEX IF EXISTS articles_article_search_vector_gin",
]


def _run(apps, schema_editor, statements):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("articles", "Article")._meta.db_table)
    for statement in statements:
        schema_editor.execute(statement.format(table=table))


def create_search_machinery(apps, schema_editor):
    # Backfill before the index exists, so the index is built once rather than row by row.
    _run(apps, schema_editor, [VECTOR_FUNCTION, BACKFILL, TRIGGER_FUNCTION, TRIGGER, INDEX])


def drop_search_machinery(apps, schema_editor):
    _run(apps, schema_editor, DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_search_machinery, drop_search_machinery),
    ]
