"""The newsdesk's roles as groups: Contributor, Editor and Administrator.

Idempotent: groups are found by name and permissions only ever added, so running it on a site
whose administrators already made these groups keeps what they granted. The roles are written
out here rather than imported, so the migration stays what it was when the models move on;
permissions for models added later are granted by a later migration.
Members also need "staff status" to sign in to the admin.
"""

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

EVERYTHING = ("add", "change", "delete", "view")

# Contributors write: their own drafts (the admin narrows "change" to those), bylines and
# related links on them, and pictures for the library. They read topics and authors to choose
# them, and never hold publish_article or edit_any_article.
CONTRIBUTOR_MODELS = {
    ("articles", "article"): ("add", "change", "view"),
    ("articles", "articleauthor"): EVERYTHING,
    ("articles", "relatedlink"): EVERYTHING,
    ("articles", "topic"): ("view",),
    ("authors", "author"): ("view",),
    ("library", "image"): ("add", "change", "view"),
}
# Editors hold every permission of these apps: articles (publishing and others' articles
# included), topics, corrections, authors, the library, pages and redirects.
EDITOR_APPS = ("articles", "authors", "library", "flatpages", "redirects")
# Administrators add accounts and groups, site settings and the site's domain.
ADMINISTRATOR_APPS = (*EDITOR_APPS, "newsroom", "sites", "auth")


def create_roles(apps, schema_editor):
    db = schema_editor.connection.alias
    user_app = settings.AUTH_USER_MODEL.split(".")[0]
    # Permissions are normally made after the last migration; make them now to grant them.
    for app_label in {*ADMINISTRATOR_APPS, user_app}:
        create_permissions(global_apps.get_app_config(app_label), verbosity=0, using=db, apps=apps)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(db)

    contributor_permissions = [
        permissions.get(
            content_type__app_label=app_label,
            content_type__model=model,
            codename=f"{action}_{model}",
        )
        for (app_label, model), actions in CONTRIBUTOR_MODELS.items()
        for action in actions
    ]
    roles = {
        "Contributor": contributor_permissions,
        "Editor": permissions.filter(content_type__app_label__in=EDITOR_APPS),
        "Administrator": permissions.filter(
            content_type__app_label__in={*ADMINISTRATOR_APPS, user_app}
        ),
    }
    for name, granted in roles.items():
        group, _ = Group.objects.using(db).get_or_create(name=name)
        group.permissions.add(*granted)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_newsdesk"),
        ("authors", "0001_initial"),
        ("library", "0001_initial"),
        ("newsroom", "0001_initial"),
        ("flatpages", "0001_initial"),
        ("redirects", "0002_alter_redirect_new_path_help_text"),
        ("sites", "0002_alter_domain_unique"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
