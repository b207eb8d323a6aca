"""Related links only point at http(s) addresses and site paths (articles.links).

Rows stored before the check with any other address (`javascript:`, `data:` …) are
neutralised: the address is emptied. A link that then points at nothing (no article either) is
deleted rather than kept: it could not be shown, and the article's form would refuse to save
with it ("Choose an article or give an address"), so keeping it would block the editor.
"""

import sys

from django.db import migrations, models

import articles.links


def neutralise_unsafe_links(apps, schema_editor, out=None):
    """Empty unsafe related-link addresses, delete links left pointing at nothing, and say how
    many of each. Returns (emptied, deleted)."""
    RelatedLink = apps.get_model("articles", "RelatedLink")
    unsafe = [
        (pk, target_id)
        for pk, url, target_id in RelatedLink.objects.exclude(url="")
        .values_list("pk", "url", "target_id")
        .iterator()
        if not articles.links.is_safe_link_address(url)
    ]
    kept = [pk for pk, target_id in unsafe if target_id is not None]
    dropped = [pk for pk, target_id in unsafe if target_id is None]
    RelatedLink.objects.filter(pk__in=kept).update(url="")
    RelatedLink.objects.filter(pk__in=dropped).delete()
    (out or sys.stdout).write(
        f"\n  Unsafe related links: {len(unsafe)} found; {len(kept)} kept their article and "
        f"lost the address, {len(dropped)} pointed at nothing else and were deleted.\n"
    )
    return len(kept), len(dropped)


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_preview_links")]

    operations = [
        migrations.AlterField(
            model_name="relatedlink",
            name="url",
            field=models.CharField(
                blank=True,
                help_text="An outside address (https://…) or a path on this site starting with "
                "/, used when no article is chosen. Other kinds of address are refused.",
                max_length=1000,
                validators=[articles.links.validate_link_address],
            ),
        ),
        migrations.RunPython(neutralise_unsafe_links, migrations.RunPython.noop),
    ]
