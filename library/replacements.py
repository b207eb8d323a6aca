"""Who may change a library picture, and what replacing its file does to the articles using it.

A picture on a published article is the newsroom's, not its uploader's: contributors (no
`articles.edit_any_article`) change and delete only pictures they uploaded that no published
article uses; editors change any. Replacing a file is recorded (`ImageReplacement`) and every
article showing the picture is moved to the new file (its featured image with fresh
renditions, and each `<img>` of the old file in its body) and keeps a revision saying so.
The old file and its renditions stay in storage, as revisions may still name them.
"""

from django.db.models import Q

from articles.body import set_image_attributes
from articles.images import make_renditions
from articles.models import Article
from articles.revisions import record_revision
from library.markup import body_image_attributes
from library.models import ImageReplacement


def articles_using(image, file_name=None):
    """Articles showing `image` (or its file `file_name`): as their featured picture, chosen
    from the library or stored under the same name, or in their body."""
    name = file_name or image.file.name
    return Article.objects.filter(
        Q(featured_library_image=image)
        | Q(featured_image=name)
        | Q(body__contains=image.file.storage.url(name))
    )


def in_published_use(image):
    """Whether a published article (live or scheduled) shows `image`. One query."""
    return articles_using(image).with_public_status().exists()


def may_alter_image(user, image, action="change"):
    """Whether `user` may `action` ("change" or "delete") `image` (None: any picture).

    Queries the articles using the picture only for contributors."""
    if not user.has_perm(f"library.{action}_image"):
        return False
    if image is None or image.pk is None or user.has_perm("articles.edit_any_article"):
        return True
    return image.uploaded_by_id == user.pk and not in_published_use(image)


def follow_replacement(image, *, old_name, by):
    """Record that `image`'s file `old_name` was replaced by its current one, and show the new
    file wherever the old one was. Returns the `ImageReplacement`.

    Call it after the new file is stored and its renditions made."""
    old_url = image.file.storage.url(old_name)
    changed = 0
    featured_renditions = None
    new_source = body_image_attributes(image)

    def new_attributes(src):
        return new_source if src == old_url else None

    for article in articles_using(image, old_name).defer("search_vector"):
        fields = []
        if article.featured_library_image_id == image.pk or article.featured_image == old_name:
            if featured_renditions is None:
                featured_renditions = make_renditions(image.file.name)
            article.featured_image = image.file.name  # measures the new file
            article.featured_image_renditions = featured_renditions
            fields += [
                "featured_image",
                "featured_image_width",
                "featured_image_height",
                "featured_image_renditions",
            ]
        if old_url in article.body:
            article.body = set_image_attributes(article.body, new_attributes)
            fields.append("body")
        if fields:
            # A new file for the same picture is no news: `updated_at` stays as it was.
            article.save(update_fields=[*fields, "modified"])
            record_revision(
                article,
                comment=f"The library picture's file {old_name} was replaced by {image.file.name}.",
                user=by,
            )
            changed += 1
    return ImageReplacement.objects.create(
        image=image,
        replaced_by=by,
        old_name=old_name,
        new_name=image.file.name,
        articles_changed=changed,
    )
