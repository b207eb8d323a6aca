"""Imports started from the admin (importers.job_models), and who may start them.

Editors and Administrators may start imports, follow them, cancel them and download their
reports: all of it is the one permission `importers.add_importjob` (`importers.job_models.
may_import`). Administrators may also delete a finished job and its files. Contributors get
nothing: an import writes and overwrites articles without review. Groups are found by name and
permissions only added, as in articles 0005_roles; a site without those groups is left alone.
"""

import django.db.models.deletion
from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GRANTS = {
    "Editor": ("add_importjob", "view_importjob"),
    "Administrator": ("add_importjob", "view_importjob", "delete_importjob"),
}


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    # Permissions are normally made after the last migration; make them now to grant them.
    create_permissions(global_apps.get_app_config("importers"), verbosity=0, using=db, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.using(db).filter(name__in=GRANTS):
        group.permissions.add(
            *Permission.objects.using(db).filter(
                content_type__app_label="importers", codename__in=GRANTS[group.name]
            )
        )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("articles", "0005_roles"),
        ("importers", "0001_feed_subscriptions"),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('wordpress', 'WordPress export (WXR)'), ('interchange', 'Newsroom JSON Lines'), ('feed', 'News feed')], max_length=20)),
                ('source_name', models.CharField(help_text="The uploaded file's name, or the feed's address.", max_length=255)),
                ('feed_url', models.URLField(blank=True, max_length=2000)),
                ('file_name', models.CharField(help_text="The file's name in the private import storage (importers.storage); a feed is stored as it was fetched.", max_length=500)),
                ('source_system', models.CharField(blank=True, help_text='The source system its items are keyed by.', max_length=50)),
                ('section', models.CharField(blank=True, max_length=100)),
                ('dry_run', models.BooleanField(default=False)),
                ('strict', models.BooleanField(default=False)),
                ('fetch_media', models.BooleanField(default=False)),
                ('detailed', models.BooleanField(default=False)),
                ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed'), ('cancelled', 'Cancelled')], db_index=True, default='queued', max_length=20)),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('items_total', models.PositiveIntegerField(blank=True, help_text="The source's items, once it has been read.", null=True)),
                ('planned', models.BooleanField(default=False, help_text='Whether its parts have been made and queued.')),
                ('cancel_requested_at', models.DateTimeField(blank=True, null=True)),
                ('error', models.TextField(blank=True, help_text='Why the import failed.')),
                ('cancelled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('started_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'import',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='ImportPart',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(help_text='0: what every item shares (authors, topics, pictures); 1…: ranges of items.')),
                ('first_item', models.PositiveIntegerField(default=1)),
                ('last_item', models.PositiveIntegerField(default=0)),
                ('file_name', models.CharField(blank=True, help_text="This part's own file in the import storage, when the source is split.", max_length=500)),
                ('done_through', models.PositiveIntegerField(default=0, help_text='The last item written; a run that stopped resumes after it.')),
                ('items_done', models.PositiveIntegerField(default=0)),
                ('tally', models.JSONField(blank=True, default=list, help_text='[kind, {outcome: count}] pairs, in order met.')),
                ('lines_written', models.PositiveIntegerField(default=0)),
                ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('cancelled', 'Cancelled')], default='queued', max_length=20)),
                ('job', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='parts', to='importers.importjob')),
            ],
            options={
                'ordering': ['job', 'number'],
            },
        ),
        migrations.CreateModel(
            name='ImportReportLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('text', models.TextField()),
                ('part', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='importers.importpart')),
            ],
            options={
                'ordering': ['part__number', 'number'],
            },
        ),
        migrations.AddConstraint(
            model_name='importpart',
            constraint=models.UniqueConstraint(fields=('job', 'number'), name='unique_import_part'),
        ),
        migrations.AddConstraint(
            model_name='importreportline',
            constraint=models.UniqueConstraint(fields=('part', 'number'), name='unique_import_report_line'),
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
