"""Writing articles out as interchange lines (`export_articles`), with their original images."""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import F, Q

from articles.body import sanitise_body
from articles.models import Article

# Writing out -----------------------------------------------------------------------------


def export_queryset(brand=None, *, syndicated=False):
    """Every article with what its line needs, in five queries however many there are.

    With `brand` (a Site), only that brand's own articles, and with `syndicated` also those
    syndicated to it (each line still names the article's own brand, where it imports to)."""
    articles = Article.objects.all()
    if brand is not None:
        own = Q(brand=brand)
        if syndicated:
            own |= Q(pk__in=Article.syndicated_to.through.objects.filter(site=brand).values(
                "article_id"
            ))
        articles = articles.filter(own)
    return (
        articles.select_related("section", "brand")
        .defer("search_vector")
        .prefetch_related(
            "article_authors__author",
            "topic_items__tag",
            "related_links__target__section",
        )
        .order_by(F("published_at").asc(nulls_last=True), "id")
    )


class ImageExporter:
    """Copies media files next to an export, or names them by their public address."""

    def __init__(self, out_dir=None):
        self.out_dir = Path(out_dir) if out_dir else None
        self.written = set()

    def src(self, name):
        if not name:
            return None
        if self.out_dir is None:
            url = default_storage.url(name)
            # A path on this site, or already a full address (media in a bucket or on a CDN).
            return url if "//" in url else f"{settings.SITE_URL}{url}"
        # The whole stored path goes into the file name: two folders may hold the same name.
        relative = f"images/{name.replace('/', '-')}"
        if relative not in self.written:
            target = self.out_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(name, "rb") as source, target.open("wb") as handle:
                shutil.copyfileobj(source, handle)
            self.written.add(relative)
        return relative

    def body(self, html):
        media_url = default_storage.url("")

        def rewrite(src):
            if src.startswith(media_url) and default_storage.exists(src[len(media_url) :]):
                return self.src(src[len(media_url) :])
            return src

        # An export carries original images only, so `srcset` and `sizes`, which name this
        # site's renditions, are left out; importing makes renditions and writes them anew.
        return sanitise_body(html, rewrite_src=rewrite, responsive=False)


def export_article(article, images):
    """The interchange record of an article (selected and prefetched as by `export_queryset`)."""
    return {
        "source": {"system": article.source_system, "id": article.source_id},
        "brand": article.brand.domain,  # so that the line imports to the same brand
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body_html": images.body(article.body),
        "section": article.section.name if article.section else None,
        "topics": [topic.name for topic in article.ordered_topics],
        "authors": [
            {
                "name": author.name,
                "slug": author.slug,
                "role": author.role,
                "bio": author.bio,
                "photo": images.src(author.photo.name) if author.photo else None,
            }
            for author in article.byline
        ],
        "status": article.status,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "updated_at": article.updated_at.isoformat() if article.updated_at else None,
        "featured_image": {
            "src": images.src(article.featured_image.name),
            "alt": article.featured_image_alt,
            "caption": article.featured_image_caption,
            "credit": article.featured_image_credit,
        }
        if article.featured_image
        else None,
        "related_links": [
            {"title": link.display_title, "url": link.href} for link in article.related_links.all()
        ],
    }
