"""The newsdesk's roles (articles 0005_roles) on reader submissions.

Editors run the moderation desk: they see submissions and their files and change their status
and notes. Administrators may also delete them (a submitter's request to be forgotten).
Contributors get nothing here: submissions hold readers' personal data. Groups are found by
name and permissions only added, as in articles 0005_roles; a site without those groups is
left alone.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Editor": {
        "submission": ("view", "change"),
        "submissionfile": ("view",),
    },
    "Administrator": {
        "submission": ("view", "change", "delete"),
        "submissionfile": ("view", "delete"),
    },
}


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    # Permissions are normally made after the last migration; make them now to grant them.
    create_permissions(global_apps.get_app_config("submissions"), verbosity=0, using=db, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.using(db).filter(name__in=GRANTS):
        group.permissions.add(
            *Permission.objects.using(db).filter(
                content_type__app_label="submissions",
                codename__in=[
                    f"{action}_{model}"
                    for model, actions in GRANTS[group.name].items()
                    for action in actions
                ],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0001_initial"),
        ("articles", "0005_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
