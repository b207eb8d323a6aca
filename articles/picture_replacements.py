"""Library pictures in articles: which articles show a picture, and what replacing its file
does to them.

The media library knows nothing of articles; `ArticlesConfig.ready` registers `PICTURE_USE` with
it (`library.uses`), so that the library's admin can ask whether a published article shows a
picture (contributors may then no longer change it; holders of `articles.edit_any_article`
may) and have the articles follow a replaced file: each article showing the picture is moved to
the new file (its featured image, and each `<img>` of the old file in its body) and keeps a
revision saying so. The new file's renditions are made later, by a task (library.tasks), which
then has the articles showing the file offer them (`follow_renditions`).
"""

from django.db.models import Q
from django.utils import timezone

from articles.body import set_image_attributes
from articles.changes import purge_articles
from articles.featured import use_library_picture
from articles.models import Article
from articles.revisions import record_revision
from library.markup import body_image_attributes
from library.renditions import webp_widths
from library.uses import PictureUse


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


def follow_replacement(image, *, old_name, by):
    """Show `image`'s current file in every article that showed its file `old_name`; returns
    how many articles changed. `library.uses.follow_replacement` calls it and records the
    replacement."""
    old_url = image.file.storage.url(old_name)
    changed = 0
    featured_renditions = webp_widths(image)
    new_source = body_image_attributes(image)

    def new_attributes(src):
        return new_source if src == old_url else None

    for article in articles_using(image, old_name).defer("search_vector"):
        fields = []
        if article.featured_library_image_id == image.pk or article.featured_image == old_name:
            use_library_picture(
                article,
                image,
                alt=article.featured_image_alt,
                caption=article.featured_image_caption,
                credit=article.featured_image_credit,
                renditions=featured_renditions,
            )
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
    return changed


def follow_renditions(image):
    """Offer `image`'s renditions, just made, in every article showing its current file: the
    featured image's widths, and `srcset`/`sizes` on each `<img>` of the file in a body.
    Returns how many articles changed; running it again changes none.

    Not an editorial change: no revision, and `updated_at` stays; `modified` moves because the
    page's markup does (caches and Last-Modified follow it)."""
    name = image.file.name
    widths = webp_widths(image)
    url = image.file.storage.url(name)
    source = body_image_attributes(image)
    now = timezone.now()
    featured = Article.objects.filter(featured_image=name).exclude(
        featured_image_renditions=widths
    )
    changed = set(featured.values_list("pk", flat=True))
    featured.filter(pk__in=changed).update(featured_image_renditions=widths, modified=now)
    for pk, body in list(Article.objects.filter(body__contains=url).values_list("pk", "body")):
        new_body = set_image_attributes(body, lambda src: source if src == url else None)
        if new_body != body:
            Article.objects.filter(pk=pk).update(body=new_body, modified=now)
            changed.add(pk)
    purge_articles(sorted(changed))  # update() sends no signal
    return len(changed)


PICTURE_USE = PictureUse(
    in_published_use=in_published_use,
    follow_replacement=follow_replacement,
    editor_permission="articles.edit_any_article",
    follow_renditions=follow_renditions,
)
