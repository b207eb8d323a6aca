"""Feed subscriptions, who may manage them, and the scheduler's minute tick that polls them.

Roles (as in articles 0005_roles: groups found by name, permissions only added; a site without
the groups is left alone): editors and administrators manage subscriptions; contributors get
nothing here, since a subscription publishes a partner's articles without review.
Administrators also get the scheduler's timetable (django-celery-beat's periodic tasks).

The periodic task "Poll due feed subscriptions" runs importers.poll_due_feeds every minute; it is
made once, found by name, so an operator's later edits in the admin are kept.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

EVERYTHING = ("add", "change", "delete", "view")
GRANTS = {
    "Editor": {("importers", "feedsubscription"): EVERYTHING},
    "Administrator": {
        ("importers", "feedsubscription"): EVERYTHING,
        **{
            ("django_celery_beat", model): EVERYTHING
            for model in (
                "periodictask", "intervalschedule", "crontabschedule", "solarschedule",
                "clockedschedule",
            )
        },
    },
}
POLL_TASK_NAME = "Poll due feed subscriptions"


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    # Permissions are normally made after the last migration; make them now to grant them.
    for app_label in ("importers", "django_celery_beat"):
        create_permissions(
            global_apps.get_app_config(app_label), verbosity=0, using=db, apps=apps
        )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.using(db).filter(name__in=GRANTS):
        for (app_label, model), actions in GRANTS[group.name].items():
            group.permissions.add(
                *Permission.objects.using(db).filter(
                    content_type__app_label=app_label,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )


def schedule(apps, schema_editor):
    db = schema_editor.connection.alias
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.using(db).get_or_create(every=1, period="minutes")
    PeriodicTask.objects.using(db).get_or_create(
        name=POLL_TASK_NAME,
        defaults={
            "task": "importers.poll_due_feeds",
            "interval": every_minute,
            "description": "Queues a poll of each feed subscription whose next poll time has "
            "come (Importers → Feed subscriptions). Each subscription has its own interval; "
            "this only says how often the due ones are looked for.",
        },
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('articles', '0011_body_rendered'),
        ('articles', '0005_roles'),
        ('django_celery_beat', '0019_alter_periodictasks_options'),
    ]

    operations = [
        migrations.CreateModel(
            name='FeedSubscription',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='What the desk calls this feed, for example “Harbour Gazette: sport”.', max_length=200)),
                ('url', models.URLField(error_messages={'unique': 'There is already a subscription to this feed address.'}, help_text='The address of the RSS, Atom or JSON Feed, starting with https:// or http://. Only public addresses can be polled.', max_length=2000, unique=True, verbose_name='feed address')),
                ('active', models.BooleanField(default=True, help_text='Poll this feed on its schedule. Untick to pause it: the articles it brought stay as they are.')),
                ('poll_interval', models.PositiveIntegerField(default=60, help_text='How many minutes between polls, from 5 to 10,080 (a week). After a failure the feed waits longer each time, up to six hours (or this interval, if longer), until a poll succeeds.', validators=[django.core.validators.MinValueValidator(5), django.core.validators.MaxValueValidator(10080)], verbose_name='poll every (minutes)')),
                ('fetch_media', models.BooleanField(default=False, help_text="Download each entry's lead picture into the media library (public addresses only, with time and size limits). Without it, articles come without pictures.", verbose_name='fetch pictures')),
                ('source_name', models.CharField(blank=True, help_text="The name that keys this feed's articles, so that polling again updates them rather than adding copies. Leave empty to use “feed:” and the feed's host name, as the import_feed command does.", max_length=50, verbose_name='source name')),
                ('next_poll_at', models.DateTimeField(default=django.utils.timezone.now, help_text='When the feed is polled next: its interval after a success, later after failures.', verbose_name='next poll due')),
                ('last_polled_at', models.DateTimeField(blank=True, null=True, verbose_name='last polled')),
                ('last_success_at', models.DateTimeField(blank=True, null=True, verbose_name='last success')),
                ('last_error', models.TextField(blank=True, help_text='Why the last poll that failed did, in plain words.')),
                ('last_error_at', models.DateTimeField(blank=True, null=True, verbose_name='last failure')),
                ('consecutive_failures', models.PositiveIntegerField(default=0, help_text='Polls failed since the last success.', verbose_name='failures in a row')),
                ('items_taken_last', models.PositiveIntegerField(default=0, help_text='Entries created or updated by the last poll.', verbose_name='items taken last poll')),
                ('items_taken_total', models.PositiveIntegerField(default=0, help_text='Entries created or updated by every poll.', verbose_name='items taken in all')),
                ('last_report', models.TextField(blank=True, help_text="The import's report of the last poll that read the feed.")),
                ('etag', models.CharField(blank=True, max_length=500, verbose_name='ETag')),
                ('last_modified', models.CharField(blank=True, max_length=500, verbose_name='Last-Modified')),
                ('polling_until', models.DateTimeField(blank=True, editable=False, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('section', models.ForeignKey(blank=True, help_text="The section the feed's articles are filed in; the feed's own categories become their topics. Leave empty for News.", limit_choices_to={'in_navigation': True}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='articles.topic')),
            ],
            options={
                'ordering': ['name'],
                'indexes': [models.Index(fields=['active', 'next_poll_at'], name='importers_f_active_542859_idx')],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
        migrations.RunPython(schedule, migrations.RunPython.noop),
    ]
