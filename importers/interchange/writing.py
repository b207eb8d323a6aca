"""Writing one parsed line: the article, its authors, topics, related links and images.

`LineWriter.write` runs inside the run's item transaction (`ImportRun.item`), so a line
failing at any point leaves nothing of it in the database; an unchanged line (same
fingerprint) is left alone. What the engine shares with the other importers is used as they
use it: the revision rule (`importers.history`), the redirect map (`ImportRun.redirect`) and
the tally.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.urls import Resolver404, resolve

from articles.body import sanitise_body, set_image_attributes
from articles.models import Article, ArticleAuthor, RelatedLink, Topic, TopicItem
from articles.redirects import published_url
from articles.text import name_key
from articles.workflow import Publication
from importers.history import keep_overwritten_history
from importers.interchange.profiles import Profiles
from importers.interchange.reading import LineError, field_errors
from library.images import BODY_IMAGE_SIZES, srcset

# Writing ---------------------------------------------------------------------------------


def _section(name):
    """The section called `name` (see `name_key`). A section an import creates, or a topic it
    makes a section, stays out of the menu until an editor places it there."""
    topic = Topic.objects.by_key([name]).get(name_key(name))
    if topic is None:
        topic = Topic.objects.create(name=name, in_navigation=True, in_menu=False)
    elif not topic.in_navigation:
        topic.in_navigation, topic.in_menu = True, False
        topic.save(update_fields=["in_navigation", "in_menu"])
    return topic


def _topics(names):
    """Topics for `names` in the same order (see `name_key`), the missing ones created."""
    return Topic.objects.for_names(names)


def _free_slug(slug, article_pk):
    taken = set(
        Article.objects.filter(slug__startswith=slug)
        .exclude(pk=article_pk)
        .values_list("slug", flat=True)
    )
    candidate, number = slug, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate, number = f"{slug[: 255 - len(suffix)]}{suffix}", number + 1
    return candidate


def _slug_for_path(path):
    """The article slug a site path names, or None. Reads no database."""
    if not path.startswith("/"):
        return None
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    if match.view_name not in {"articles:article-detail", "articles:article-by-slug"}:
        return None
    return match.kwargs["slug"]


def _articles_for_paths(paths):
    """Map each path that names an existing article to it, in one query."""
    slugs = {path: _slug_for_path(path) for path in paths}
    found = Article.objects.in_bulk([slug for slug in slugs.values() if slug], field_name="slug")
    return {path: found[slug] for path, slug in slugs.items() if slug in found}


class LineWriter:
    """Writes parsed lines for one run: articles, and their authors through `Profiles`.

    `label` names the file in revision comments ("Imported from articles.jsonl.").
    """

    def __init__(self, run, images, *, label):
        self.run = run
        self.images = images
        self.label = label
        self.profiles = Profiles(run, images)

    def write(self, line):
        """Create or update the article for a parsed line; returns "created", "updated" or
        "unchanged". Call it inside the run's item transaction."""
        self.profiles.start_line()
        try:
            # A savepoint of its own, so that what the database refused is rolled back here and
            # reported in the line's own words.
            with transaction.atomic():
                outcome = self._write(line)
        except DatabaseError as error:
            raise LineError(f"the database refused it ({error}).".replace("\n", " ")) from None
        self.run.count("article", outcome)
        self.profiles.written()
        return outcome

    def _write(self, line):
        images = self.images
        article = (
            # Lock the article row only; its section is read for the old address.
            Article.objects.select_for_update(of=("self",))
            .select_related("section")
            .filter(source_system=line.source_system, source_id=line.source_id)
            .first()
        )
        if article is not None and article.source_fingerprint == line.fingerprint:
            return "unchanged"
        outcome = "created" if article is None else "updated"
        article = article or Article(source_system=line.source_system, source_id=line.source_id)
        publication = Publication.of(article)  # its status and the address readers know

        stored_body = {
            src: images.store(checked, "articles/body") for src, checked in line.body_images.items()
        }
        stored_by_url = {
            default_storage.url(stored.name): stored for stored in stored_body.values()
        }

        def to_media_url(src):
            stored = stored_body.get(src)
            return default_storage.url(stored.name) if stored else src

        def describe(src):
            """Size and renditions of a copied body image, replacing any the line gave."""
            stored = stored_by_url.get(src)
            if stored is None:
                return None
            widths = images.renditions_of(stored)
            return {
                "width": stored.width,
                "height": stored.height,
                "srcset": srcset(stored.name, widths) if widths else None,
                "sizes": BODY_IMAGE_SIZES if widths else None,
            }

        # Each model field <- the interchange key named beside it.
        article.headline = line.headline  # headline
        if line.slug_given or not article.slug:  # slug, else derived once from the headline
            article.slug = _free_slug(line.slug, article.pk)
        article.standfirst = line.standfirst  # standfirst
        article.body = set_image_attributes(  # body_html
            sanitise_body(line.body_html, rewrite_src=to_media_url), describe
        )
        article.section = _section(line.section) if line.section else None  # section
        article.status = line.status  # status
        article.published_at = line.published_at  # published_at
        article.updated_at = line.updated_at  # updated_at
        if line.featured_image:  # featured_image.src/alt/caption/credit
            stored = images.store(line.featured_image["checked"], "articles/featured")
            article.featured_image.name = stored.name
            article.featured_image_width, article.featured_image_height = (
                stored.width,
                stored.height,
            )
            article.featured_image_renditions = images.renditions_of(stored)
            article.featured_image_alt = line.featured_image["alt"]
            article.featured_image_caption = line.featured_image["caption"]
            article.featured_image_credit = line.featured_image["credit"]
        else:
            article.featured_image = ""
            article.featured_image_width = article.featured_image_height = None
            article.featured_image_renditions = []
            article.featured_image_alt = article.featured_image_caption = ""
            article.featured_image_credit = ""
        article.source_fingerprint = line.fingerprint
        try:
            # The section is chosen above (a new one joins the navigation), so its form-only
            # choice limit does not apply.
            article.full_clean(
                exclude=["featured_image", "section", "brand"],  # the default brand
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            raise LineError(field_errors(error)) from None
        if outcome == "updated":  # an editor's change form opened before this import is stale
            article.version += 1
        article.save()
        publication.finish(article)  # share links of a takedown, an old address's redirect
        new_url = published_url(article)
        if publication.url and new_url and publication.url != new_url:  # a --redirect-map line
            self.run.redirect(
                f"{settings.SITE_URL}{publication.url}", f"{settings.SITE_URL}{new_url}"
            )

        # topics, in the line's order
        TopicItem.objects.filter(content_object=article).delete()
        TopicItem.objects.bulk_create(
            TopicItem(content_object=article, tag=topic, position=position)
            for position, topic in enumerate(_topics(line.topics))
        )
        # authors, in byline order
        ArticleAuthor.objects.filter(article=article).delete()
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=article, author=author, position=position)
            for position, author in enumerate(self.profiles.for_line(line.authors))
        )
        # related_links, in order; paths to articles here link the article itself
        RelatedLink.objects.filter(article=article).delete()
        targets = _articles_for_paths([link["url"] for link in line.related_links])
        RelatedLink.objects.bulk_create(
            RelatedLink(
                article=article,
                position=position,
                title=link["title"],
                url=link["url"],
                target=targets.get(link["url"]),
            )
            for position, link in enumerate(line.related_links)
        )
        if not self.run.dry_run:  # rolled back anyway: spare the work
            keep_overwritten_history([article], comment=f"Imported from {self.label}.")
        return outcome


def link_pending_related():
    """Point related links at articles imported later in the same file. Returns how many."""
    pending = list(RelatedLink.objects.filter(target=None, url__startswith="/"))
    targets = _articles_for_paths({link.url for link in pending})
    linked = []
    for link in pending:
        if link.url in targets:
            link.target = targets[link.url]
            linked.append(link)
    RelatedLink.objects.bulk_update(linked, ["target"])
    return len(linked)
