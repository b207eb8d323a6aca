"""The importers against real-world files written by others (read, never copied, from the
shared fixtures folder: WordPress's own importer test exports and real publishers' feeds).

The folder is `NEWSROOM_FIXTURES`, by default `../shared/fixtures` beside the project. Each
expectation below follows the `.source.txt` written beside its file; docs/importing.md records
what each file imports. When the folder is absent this module holds no tests.
"""

import io
import os
from pathlib import Path

import pytest
from django.contrib.flatpages.models import FlatPage
from django.core.management import CommandError, call_command
from PIL import Image as PILImage

from articles.models import Article, Topic
from authors.models import Author
from library.models import Image

FIXTURES = Path(
    os.environ.get("NEWSROOM_FIXTURES", Path(__file__).resolve().parents[2] / "shared" / "fixtures")
)
WXR = FIXTURES / "wxr"
FEEDS = FIXTURES / "feeds"


def present(*names):
    """The parameters for files that exist, so an absent folder means no tests, not skips."""
    return [name for name in names if (WXR / name).is_file() or (FEEDS / name).is_file()]


def run(command, path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(command, str(path), *args, stdout=out, stderr=err)
    return out.getvalue()


def refused(command, path):
    with pytest.raises(CommandError) as error:
        run(command, path)
    return str(error.value)


# WordPress exports -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", present("small-export.xml"))
def test_small_export(name):
    out = run("import_wordpress", WXR / name)

    posts = Article.objects.filter(source_system__startswith="wordpress:")
    assert posts.count() == 6
    assert posts.filter(status=Article.Status.PUBLISHED).count() == 5
    assert posts.filter(status=Article.Status.DRAFT).count() == 1  # the private post
    assert FlatPage.objects.count() == 4  # 4 published pages; the draft page is skipped
    assert Author.objects.count() == 3
    assert "comment: 0 created, 0 updated, 0 unchanged, 1 skipped" in out
    # One post carries 27 categories: its first is its section, the rest its topics.
    crowded = max(posts, key=lambda post: post.topic_items.count())
    assert crowded.topic_items.count() >= 26

    before = (list(Article.objects.values()), list(Topic.objects.values()), Author.objects.count())
    out = run("import_wordpress", WXR / name)
    assert (list(Article.objects.values()), list(Topic.objects.values()), Author.objects.count()) == before
    assert "post: 0 created, 0 updated, 6 unchanged" in out


@pytest.mark.django_db
@pytest.mark.parametrize("name", present("authors-multiline.xml"))
def test_author_names_are_trimmed(name):
    run("import_wordpress", WXR / name)

    assert Author.objects.count() == 3
    assert not any(name != name.strip() for name in Author.objects.values_list("name", flat=True))
    assert Article.objects.count() == 1
    assert [a.slug for a in Article.objects.get().byline] == [Author.objects.get(name__icontains="alice").slug]


@pytest.mark.django_db
@pytest.mark.parametrize("name", present("cdata-edge.xml"))
def test_cdata_near_miss_survives(name):
    run("import_wordpress", WXR / name)

    body = Article.objects.get().body
    assert body.rstrip().removesuffix("</p>").endswith("]] &gt;")


@pytest.mark.django_db
@pytest.mark.parametrize("name", present("missing-tags.xml"))
def test_missing_tags_get_sensible_defaults(name):
    run("import_wordpress", WXR / name)

    article = Article.objects.get()
    assert article.headline == "No Author Post"
    assert article.slug == "no-author-post"
    assert not article.byline


@pytest.mark.django_db
@pytest.mark.parametrize("name", present("slashes.xml"))
def test_backslashes_survive(name):
    out = run("import_wordpress", WXR / name)

    assert "\\" in Article.objects.get().body
    assert "comment: 0 created, 0 updated, 0 unchanged, 1 skipped" in out


@pytest.mark.django_db
@pytest.mark.parametrize("name", present("term-formats.xml"))
def test_terms_without_posts(name):
    out = run("import_wordpress", WXR / name)

    assert not Article.objects.exists()
    assert Topic.objects.count() == 5  # 2 categories and 3 tags
    assert "custom taxonomy term: 0 created, 0 updated, 0 unchanged, 2 skipped" in out


@pytest.mark.django_db
@pytest.mark.parametrize("name", present("test-serialized-postmeta-with-cdata.xml"))
def test_serialised_postmeta_is_opaque(name):
    run("import_wordpress", WXR / name)

    assert Article.objects.get().status == Article.Status.DRAFT


@pytest.mark.django_db
@pytest.mark.parametrize("name", present("valid-wxr-1.0.xml"))
def test_wxr_1_0(name):
    run("import_wordpress", WXR / name)

    assert Article.objects.count() == 3
    tags = {t.name for article in Article.objects.all() for t in article.ordered_topics}
    assert tags  # domain="tag" is read as tags in WXR 1.0
    assert all(article.byline for article in Article.objects.all())  # from dc:creator


@pytest.mark.django_db
@pytest.mark.parametrize("name", present("valid-wxr-1.1.xml"))
def test_wxr_1_1(name):
    out = run("import_wordpress", WXR / name)

    article = Article.objects.get()
    assert article.section.name == "alpha"
    assert [t.name for t in article.ordered_topics] == ["Clippable"]
    assert [a.slug for a in article.byline] == [Author.objects.get().slug]
    assert "comment: 0 created, 0 updated, 0 unchanged, 1 skipped" in out


@pytest.mark.django_db
@pytest.mark.parametrize("name", present("wxr-simple.xml", "wxr-with-sub-data.xml"))
def test_one_post_exports(name):
    run("import_wordpress", WXR / name)

    assert Article.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("name", present("wxr-flat-attachment-same-site.xml"))
def test_attachment_from_the_same_site(name, tmp_path):
    uploads = tmp_path / "uploads"
    (uploads / "2008/06").mkdir(parents=True)
    PILImage.new("RGB", (640, 480), (90, 140, 60)).save(uploads / "2008/06/canola2.jpg", "JPEG")

    run("import_wordpress", WXR / name, "--uploads", str(uploads))

    image = Image.objects.get()
    assert image.alt_text == "canola"
    body = Article.objects.get().body
    assert image.file.url in body and "wpthemetestdata" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, message",
    [
        (name, message)
        for name, message in [
            ("malformed.xml", "not well-formed"),
            ("malformed-simple.xml", "not well-formed"),
            ("missing-version-tag.xml", "missing or invalid WXR version number"),
            ("invalid-version-tag.xml", "missing or invalid WXR version number"),
        ]
        if (WXR / name).is_file()
    ],
)
def test_broken_exports_are_refused(name, message):
    assert message in refused("import_wordpress", WXR / name)
    assert not Article.objects.exists() and not Topic.objects.exists()
    assert not Author.objects.exists()


# Feeds -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", present("fp-always_strip_doctype.xml"))
def test_doctype_is_not_fetched(name):
    out = run("import_feed", FEEDS / name)

    assert not Article.objects.exists()
    assert "nothing to import" in out or "entry: 0 created" in out


@pytest.mark.django_db
@pytest.mark.parametrize("name", present("fp-item_enclosure_multiple.xml"))
def test_item_with_two_enclosures(name):
    # Its one item has pictures but no title and no text: nothing to publish as an article,
    # so it is reported as skipped, naming both enclosures.
    out = run("import_feed", FEEDS / name, "-v", "2")

    assert not Article.objects.exists()
    assert "entry: 0 created, 0 updated, 0 unchanged, 1 skipped" in out
    assert "image/gif http://example.com/2" in out


@pytest.mark.django_db
@pytest.mark.parametrize("name", present("fp-jsonfeed-example.json"))
def test_json_feed(name):
    run("import_feed", FEEDS / name)

    assert Article.objects.count() == 2
    assert not any("<script" in body for body in Article.objects.values_list("body", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("name", present("nodefp-category-feed.xml"))
def test_categories_with_commas(name):
    run("import_feed", FEEDS / name)

    article = Article.objects.get()
    assert [t.name for t in article.ordered_topics] == ["Water Pollution", "Gowanus Canal (Brooklyn, NY)"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", present("nodefp-mediacontent-dupes.xml"))
def test_latin_1_feed_with_repeated_media(name):
    out = run("import_feed", FEEDS / name)

    article = Article.objects.get()
    assert "\ufffd" not in article.headline + article.body
    assert "lead image: 0 created, 0 updated, 0 unchanged, 1 skipped" in out  # one, not four


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, message",
    [
        (name, message)
        for name, message in [
            ("nodefp-notafeed.html", "Not a feed"),
            ("nodefp-saxerror.xml", "not well-formed"),
        ]
        if (FEEDS / name).is_file()
    ],
)
def test_broken_feeds_are_refused(name, message):
    assert message in refused("import_feed", FEEDS / name)
    assert not Article.objects.exists()
