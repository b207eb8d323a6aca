"""`import_articles` and `export_articles`: the interchange format in and out."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from articles.models import Article, RelatedLink, Topic, TopicItem
from authors.models import Author

pytestmark = pytest.mark.django_db


def draw(path, size=(800, 450), color=(200, 80, 40)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path, "JPEG")


def record(n=1, **overrides):
    data = {
        "source": {"system": "oldcms", "id": f"story-{n}"},
        "headline": f"Story Number {n}",
        "standfirst": f"Summary of story {n}.",
        "body_html": f"<p>Body of story {n}.</p>",
        "section": "News",
        "topics": ["Science", "Space"],
        "authors": [
            {"name": "Rosa Field", "slug": "rosa-field", "role": "Reporter", "bio": "Rosa reports."}
        ],
        "status": "published",
        "published_at": "2024-05-01T09:30:00+01:00",
        "updated_at": None,
    }
    data.update(overrides)
    return data


def write_jsonl(path, *lines):
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    )
    return path


def run_import(path):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", str(path), stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


def snapshot():
    """What a reader or editor could see of every article, in comparable form."""
    rows = []
    for article in Article.objects.prefetch_related(
        "article_authors__author", "topic_items__tag", "related_links__target"
    ).order_by("source_id"):
        rows.append(
            {
                "source": (article.source_system, article.source_id),
                "headline": article.headline,
                "slug": article.slug,
                "standfirst": article.standfirst,
                "body": article.body,
                "section": article.section.name if article.section else None,
                "topics": [t.name for t in article.ordered_topics],
                "authors": [(a.name, a.slug, a.role, a.bio, bool(a.photo)) for a in article.byline],
                "status": article.status,
                "published_at": article.published_at,
                "updated_at": article.updated_at,
                "image": (
                    bool(article.featured_image),
                    article.featured_image_alt,
                    article.featured_image_caption,
                    article.featured_image_credit,
                    article.featured_image_width,
                ),
                "related": [
                    (link.display_title, link.href) for link in article.related_links.all()
                ],
            }
        )
    return rows


def test_a_line_becomes_an_article_with_everything_it_names(tmp_path):
    draw(tmp_path / "images" / "lead.jpg")
    draw(tmp_path / "images" / "inline.jpg", color=(10, 120, 60))
    draw(tmp_path / "images" / "rosa.jpg", size=(400, 400))
    lead = record(
        1,
        body_html='<p>Intro.</p><figure data-credit="Agency"><img src="images/inline.jpg" alt="Field">'
        "<figcaption>A field.</figcaption></figure><p>https://youtu.be/aqz-KE-bpKQ</p>",
        authors=[
            {
                "name": "Rosa Field",
                "slug": "rosa-field",
                "role": "Reporter",
                "bio": "Rosa reports.",
                "photo": "images/rosa.jpg",
            },
            {"name": "Sam Stone"},
        ],
        featured_image={
            "src": "images/lead.jpg",
            "alt": "A red sky",
            "caption": "Dusk.",
            "credit": "Interfax",
        },
        related_links=[{"title": "Elsewhere", "url": "https://example.org/x"}],
    )
    ok, out, err = run_import(write_jsonl(tmp_path / "articles.jsonl", lead))
    assert ok, err
    assert "article: 1 created, 0 updated, 0 unchanged, 0 skipped, 0 failed" in out
    article = Article.objects.get()
    assert (article.headline, article.slug, article.section.name) == (
        "Story Number 1",
        "story-number-1",
        "News",
    )
    assert article.section.in_navigation
    assert [t.name for t in article.ordered_topics] == ["Science", "Space"]
    assert [(a.name, a.slug) for a in article.byline] == [
        ("Rosa Field", "rosa-field"),
        ("Sam Stone", "sam-stone"),
    ]
    assert article.published_at.isoformat() == "2024-05-01T08:30:00+00:00"
    assert article.featured_image.name.startswith("articles/featured/")
    assert article.featured_image.storage.exists(article.featured_image.name)
    assert (article.featured_image_width, article.featured_image_height) == (800, 450)
    assert (
        article.featured_image_alt,
        article.featured_image_caption,
        article.featured_image_credit,
    ) == (
        "A red sky",
        "Dusk.",
        "Interfax",
    )
    assert '<img src="/media/articles/body/' in article.body
    assert 'data-credit="Agency"' in article.body
    assert Author.objects.get(slug="rosa-field").photo.name.startswith("authors/")
    assert [(link.title, link.url) for link in article.related_links.all()] == [
        ("Elsewhere", "https://example.org/x")
    ]


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    draw(tmp_path / "images" / "lead.jpg")
    path = write_jsonl(
        tmp_path / "a.jsonl",
        record(1, featured_image={"src": "images/lead.jpg", "alt": "A", "credit": "C"}),
        record(2),
    )
    assert run_import(path)[0]
    before = snapshot()
    modified = dict(Article.objects.values_list("pk", "modified"))
    files = sorted(p.name for p in (tmp_path.parent / "media").rglob("*") if p.is_file())
    ok, out, _ = run_import(path)
    assert ok and "article: 0 created, 0 updated, 2 unchanged, 0 skipped, 0 failed" in out
    assert snapshot() == before
    assert dict(Article.objects.values_list("pk", "modified")) == modified
    assert sorted(p.name for p in (tmp_path.parent / "media").rglob("*") if p.is_file()) == files
    assert Article.objects.count() == 2 and Topic.objects.filter(name="Science").count() == 1


def test_a_changed_line_updates_its_article(tmp_path):
    assert run_import(write_jsonl(tmp_path / "a.jsonl", record(1), record(2)))[0]
    changed = record(1, headline="Story Number 1, Revised", topics=["Space"], section="Tech")
    ok, out, _ = run_import(write_jsonl(tmp_path / "a.jsonl", changed, record(2)))
    assert ok and "article: 0 created, 1 updated, 1 unchanged" in out
    article = Article.objects.get(source_id="story-1")
    assert article.headline == "Story Number 1, Revised"
    assert article.slug == "story-number-1"
    assert article.section.name == "Tech"
    assert [t.name for t in article.ordered_topics] == ["Space"]
    assert Article.objects.count() == 2


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("{not json", "invalid JSON"),
        (json.dumps(record(9, headline="")), "`headline` must not be empty"),
        (
            json.dumps({k: v for k, v in record(9).items() if k != "headline"}),
            "`headline` is required",
        ),
        (
            json.dumps(record(9, published_at="next tuesday")),
            "`published_at` is not an ISO 8601 date-time",
        ),
        (json.dumps(record(9, published_at=None)), "`published_at` is required"),
        (
            json.dumps(record(9, featured_image={"src": "images/missing.jpg", "alt": "x"})),
            "does not exist",
        ),
        (
            json.dumps(record(9, featured_image={"src": "../outside.jpg"})),
            "outside the JSONL file's folder",
        ),
        (
            json.dumps(record(9, featured_image={"src": "not-an-image.jpg"})),
            "The file is not a picture",
        ),
        (json.dumps(record(9, status="secret")), "`status` must be one of"),
        (
            json.dumps(record(9, related_links=[{"title": "x", "url": "javascript:alert(1)"}])),
            "http(s) address",
        ),
        (json.dumps(record(9, slug="Not A Slug")), "`slug`"),
        (json.dumps(record(9, related_links=[{"url": "https://example.org/"}])), "needs a `title`"),
        (json.dumps(["a", "list"]), "must be an object"),
    ],
)
def test_a_bad_line_is_reported_by_number_and_skipped(tmp_path, bad_line, message):
    (tmp_path / "not-an-image.jpg").write_text("<html>hello</html>")
    draw(tmp_path.parent / "outside.jpg")
    path = write_jsonl(tmp_path / "a.jsonl", record(1), bad_line, record(3))
    ok, out, err = run_import(path)
    assert not ok
    assert "a.jsonl, line 2:" in err and message in err
    assert "article: 2 created, 0 updated, 0 unchanged, 0 skipped, 1 failed" in out
    assert sorted(Article.objects.values_list("source_id", flat=True)) == ["story-1", "story-3"]


def test_a_line_failing_late_leaves_nothing_half_written(tmp_path):
    # The author's slug is valid but their name is too long for the model: the failure comes
    # after topics, section and article were prepared, and must roll all of it back.
    bad = record(
        5,
        topics=["Brand New Topic"],
        section="Brand New Section",
        authors=[{"name": "x" * 121, "slug": "long-name"}],
    )
    ok, _, err = run_import(write_jsonl(tmp_path / "a.jsonl", bad))
    assert not ok and "line 1:" in err
    assert Article.objects.count() == 0
    assert not Topic.objects.filter(name__in=["Brand New Topic", "Brand New Section"]).exists()
    assert not Author.objects.exists() and not TopicItem.objects.exists()


def test_a_line_without_source_or_slug_is_keyed_by_its_derived_slug(tmp_path):
    line = {k: v for k, v in record(1).items() if k != "source"}
    path = write_jsonl(tmp_path / "a.jsonl", line)
    assert run_import(path)[0]
    assert run_import(path)[1].count("1 unchanged") == 1
    article = Article.objects.get()
    assert (article.source_system, article.source_id, article.slug) == (
        "newsroom",
        "story-number-1",
        "story-number-1",
    )


def test_a_taken_slug_gets_a_suffix_for_a_different_source(tmp_path):
    first = record(1, slug="same-slug")
    second = record(2, slug="same-slug")
    assert run_import(write_jsonl(tmp_path / "a.jsonl", first, second))[0]
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["same-slug", "same-slug-2"]


def test_drafts_may_lack_section_and_time(tmp_path):
    draft = record(1, status="draft", section=None, published_at=None)
    assert run_import(write_jsonl(tmp_path / "a.jsonl", draft))[0]
    article = Article.objects.get()
    assert (article.status, article.section, article.published_at) == ("draft", None, None)


def test_unknown_keys_are_ignored(tmp_path):
    assert run_import(write_jsonl(tmp_path / "a.jsonl", record(1, word_count=412, seo={"x": 1})))[0]
    assert Article.objects.count() == 1


def test_related_paths_link_articles_imported_later_in_the_file(tmp_path):
    first = record(1, related_links=[{"title": "", "url": "/news/story-number-2/"}])
    assert run_import(write_jsonl(tmp_path / "a.jsonl", first, record(2)))[0]
    link = RelatedLink.objects.get()
    assert link.target.slug == "story-number-2"
    assert link.display_title == "Story Number 2"


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_articles", str(tmp_path / "nope.jsonl"))


def test_a_line_that_is_not_utf8_is_reported_and_skipped(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + json.dumps(record(1, headline="Caf\u00e9 Opens")).encode()
        + b"\n"
        + json.dumps(record(2)).encode("utf-8").replace(b"Story", b"St\xf6ry")
        + b"\n"
        + json.dumps(record(3)).encode()
        + b"\n"
    )
    ok, out, err = run_import(path)
    assert not ok
    assert "mixed.jsonl, line 2: not UTF-8 text" in err
    assert sorted(Article.objects.values_list("headline", flat=True)) == [
        "Café Opens",
        "Story Number 3",
    ]


def test_a_missing_body_image_fails_its_line(tmp_path):
    line = record(1, body_html='<p>x</p><img src="images/gone.jpg" alt="">')
    ok, _, err = run_import(write_jsonl(tmp_path / "a.jsonl", line))
    assert not ok and "line 1: body_html image: image file 'images/gone.jpg' does not exist" in err
    assert not Article.objects.exists()


def test_remote_body_images_stay_as_outside_addresses(tmp_path):
    line = record(1, body_html='<p>x</p><img src="https://cdn.example.com/a.jpg" alt="A">')
    assert run_import(write_jsonl(tmp_path / "a.jsonl", line))[0]
    assert '<img src="https://cdn.example.com/a.jpg" alt="A">' in Article.objects.get().body


def test_an_author_entry_without_role_or_bio_keeps_the_existing_ones(tmp_path):
    assert run_import(write_jsonl(tmp_path / "a.jsonl", record(1)))[0]
    brief = record(2, authors=[{"name": "Rosa Field", "slug": "rosa-field"}])
    assert run_import(write_jsonl(tmp_path / "b.jsonl", brief))[0]
    rosa = Author.objects.get(slug="rosa-field")
    assert (rosa.role, rosa.bio) == ("Reporter", "Rosa reports.")


def test_a_changing_unknown_key_does_not_count_as_a_change(tmp_path):
    assert run_import(write_jsonl(tmp_path / "a.jsonl", record(1, exported_at="2024-01-01")))[0]
    ok, out, _ = run_import(write_jsonl(tmp_path / "a.jsonl", record(1, exported_at="2024-02-02")))
    assert ok and "1 unchanged" in out


def test_export_then_import_into_an_empty_database_reproduces_the_articles(
    tmp_path, django_db_blocker
):
    source = tmp_path / "in"
    draw(source / "images" / "lead.jpg")
    draw(source / "images" / "inline.jpg", color=(0, 0, 200))
    draw(source / "images" / "rosa.jpg", size=(300, 300))
    lines = [
        record(
            1,
            body_html='<p>A</p><figure data-credit="Me"><img src="images/inline.jpg" alt="i"></figure>',
            featured_image={
                "src": "images/lead.jpg",
                "alt": "Lead",
                "caption": "Cap",
                "credit": "Cred",
            },
            authors=[
                {
                    "name": "Rosa Field",
                    "slug": "rosa-field",
                    "role": "Reporter",
                    "bio": "Bio.",
                    "photo": "images/rosa.jpg",
                }
            ],
            related_links=[
                {"title": "Two", "url": "/news/story-number-2/"},
                {"title": "Out", "url": "https://example.org/"},
            ],
            updated_at="2024-05-02T10:00:00+00:00",
        ),
        record(2, topics=["Zebra", "Apple", "Mango"]),
        record(3, status="draft", published_at=None, section=None),
    ]
    assert run_import(write_jsonl(source / "articles.jsonl", *lines))[0]
    before = snapshot()

    export = tmp_path / "out" / "export.jsonl"
    call_command("export_articles", "--output", str(export), stdout=io.StringIO())
    exported = [json.loads(line) for line in export.read_text().splitlines()]
    assert len(exported) == 3
    assert all(
        (export.parent / e["featured_image"]["src"]).is_file()
        for e in exported
        if e["featured_image"]
    )

    Article.objects.all().delete()
    Author.objects.all().delete()
    Topic.objects.all().delete()
    ok, out, err = run_import(export)
    assert ok, err
    assert "3 created" in out
    assert snapshot() == before


def test_export_keeps_apart_files_that_share_a_name(tmp_path):
    from tests.factories import ArticleFactory, AuthorFactory, add_authors, image_file

    article = ArticleFactory(featured_image=image_file("photo.jpg", color=(255, 0, 0)))
    add_authors(
        article, AuthorFactory(photo=image_file("photo.jpg", size=(300, 300), color=(0, 0, 255)))
    )
    export = tmp_path / "out" / "export.jsonl"
    call_command("export_articles", "--output", str(export), stdout=io.StringIO())
    line = json.loads(export.read_text())
    featured, photo = line["featured_image"]["src"], line["authors"][0]["photo"]
    assert featured != photo
    assert Image.open(export.parent / featured).size == (1200, 675)
    assert Image.open(export.parent / photo).size == (300, 300)


def test_export_to_standard_output_names_images_by_public_address(tmp_path, settings):
    settings.SITE_URL = "https://news.example.com"
    draw(tmp_path / "images" / "lead.jpg")
    line = record(1, featured_image={"src": "images/lead.jpg", "alt": "Lead"})
    assert run_import(write_jsonl(tmp_path / "a.jsonl", line))[0]
    out = io.StringIO()
    call_command("export_articles", stdout=out)
    exported = json.loads(out.getvalue())
    assert exported["featured_image"]["src"].startswith(
        "https://news.example.com/media/articles/featured/"
    )
    assert exported["source"] == {"system": "oldcms", "id": "story-1"}


def test_an_import_that_moves_a_published_article_leaves_a_redirect(tmp_path, client):
    assert run_import(write_jsonl(tmp_path / "a.jsonl", record(1, slug="first-slug")))[0]
    moved = record(1, slug="second-slug", section="Tech")
    assert run_import(write_jsonl(tmp_path / "a.jsonl", moved))[0]
    response = client.get("/news/first-slug/")
    assert (response.status_code, response["Location"]) == (301, "/tech/second-slug/")


def test_an_import_keeps_no_revision_of_articles_nobody_has_edited_but_moves_the_version(
    tmp_path,
):
    from reversion.models import Version

    # As for every importer (importers.history): a new article gets no revision at import,
    # and neither does an update of one without a history.
    assert run_import(write_jsonl(tmp_path / "a.jsonl", record(1)))[0]
    assert run_import(write_jsonl(tmp_path / "a.jsonl", record(1, headline="Changed")))[0]
    article = Article.objects.get()
    assert not Version.objects.get_for_object(article).exists()
    assert article.version == 2
