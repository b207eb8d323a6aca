import io
import struct
import zlib
from datetime import timedelta

import factory
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleAuthor, RelatedLink, Topic, TopicItem
from authors.models import Author
from library.images import make_renditions
from newsroom.models import SiteSettings


def image_file(name="picture.jpg", size=(1200, 675), color=(40, 90, 160), fmt="JPEG"):
    """A real, small image made in memory."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def png_declaring(width, height):
    """A one-pixel PNG whose header claims `width` × `height`, its checksum put right: what a
    decompression bomb or a pixel flood looks like to a checker that reads the header."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1), 0).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    data[16:24] = struct.pack(">II", width, height)  # IHDR's width and height
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Topic {n}")


class SectionFactory(TopicFactory):
    name = factory.Sequence(lambda n: f"Section {n}")
    in_navigation = True

    @factory.post_generation
    def menu_brands(topic, create, brands, **kwargs):
        """In the default brand's menu, unless other brands are given."""
        if create:
            topic.menu_brands.add(*(brands or [settings.DEFAULT_SITE_ID]))


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")
    role = "Senior Journalist"
    bio = factory.LazyAttribute(lambda a: f"{a.name} writes about everything that matters.")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    headline = factory.Sequence(lambda n: f"Headline number {n}")
    slug = factory.Sequence(lambda n: f"headline-number-{n}")
    standfirst = "A sentence that tells the story in brief."
    body = "<p>First paragraph.</p><p>Second paragraph.</p>"
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


def make_brand(domain, brand_name, **settings_fields):
    """A brand of the install: a Site at `domain` with its settings saved."""
    site = Site.objects.create(domain=domain, name=brand_name)
    SiteSettings.objects.create(site=site, brand_name=brand_name, **settings_fields)
    return site


def add_topics(article, *topics):
    TopicItem.objects.bulk_create(
        TopicItem(content_object=article, tag=topic, position=position)
        for position, topic in enumerate(topics)
    )


def add_authors(article, *authors):
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=article, author=author, position=position)
        for position, author in enumerate(authors)
    )


def add_related(article, *targets_or_urls):
    links = []
    for position, item in enumerate(targets_or_urls):
        if isinstance(item, Article):
            links.append(RelatedLink(article=article, target=item, position=position))
        else:
            title, url = item
            links.append(RelatedLink(article=article, title=title, url=url, position=position))
    RelatedLink.objects.bulk_create(links)


def with_renditions(article):
    """Make the article's featured image renditions and record them, as an upload would."""
    article.featured_image_renditions = make_renditions(article.featured_image.name)
    article.save(update_fields=["featured_image_renditions"])
    return article
