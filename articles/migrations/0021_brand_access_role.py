"""The newsdesk's roles (0005_roles) on the brands each person works on (newsroom's
BrandAccess, added after those roles were made): administrators, who manage accounts, give
people their brands. Groups are found by name and permissions only added, as in 0005_roles.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    # Permissions are normally made after the last migration; make them now to grant them.
    create_permissions(global_apps.get_app_config("newsroom"), verbosity=0, using=db, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    granted = Permission.objects.using(db).filter(
        content_type__app_label="newsroom",
        codename__in=[f"{action}_brandaccess" for action in ACTIONS],
    )
    for group in Group.objects.using(db).filter(name="Administrator"):
        group.permissions.add(*granted)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_brand_section_listing"),
        ("newsroom", "0004_brand_access"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
