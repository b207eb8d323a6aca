"""What every importer shares: records written as articles, idempotently, safely, in batches.

These tests feed records (`importers.records`) straight to the writer, so each rule is
shown without a source format in the way; the WordPress and feed commands have their own tests.
"""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.redirects.models import Redirect
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image as PILImage
from reversion.models import Version

from articles.models import Article, Topic
from articles.revisions import keep_imported_state
from articles.text import ascii_slug
from authors.models import Author
from importers.media import MediaImporter
from importers.pages import PageWriter
from importers.records import Entry, Media, Person
from importers.run import ImportRun, StrictStop
from importers.write import ArticleWriter
from library.models import Image

pytestmark = pytest.mark.django_db

SOURCE = "wordpress:old.example"
WHEN = datetime(2021, 6, 1, 9, 30, tzinfo=UTC)


def entry(n=1, **overrides):
    values = {
        "kind": "post",
        "source_id": str(n),
        "where": f"item {n} (post {n})",
        "headline": f"Story number {n}",
        "body_html": f"<p>Body of story {n}.</p>",
        "slug": f"story-{n}",
        "standfirst": "A <b>short</b> summary.",
        "status": "published",
        "published_at": WHEN,
        "section": "News",
        "topics": ["Science", "Space"],
        "authors": [Person(name="Rosa Field", login="rosa")],
        "old_urls": [f"http://old.example/2021/06/story-{n}/", f"http://old.example/?p={n}"],
    }
    values.update(overrides)
    return Entry(**values)


def run_import(entries, *, media_for=None, **options):
    """Write `entries` as an importer would; returns the run (its tally, problems, redirects)."""
    run = ImportRun(
        label="test export",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
        dry_run=options.pop("dry_run", False),
        strict=options.pop("strict", False),
        progress=False,
    )
    with run.writing():
        media = media_for(run) if media_for else None
        writer = ArticleWriter(run, source_system=SOURCE, source_label="a test", media=media, **options)
        for item in entries:
            writer.add(item)
        writer.flush()
    run.finish()
    return run


def test_it_creates_articles_with_every_mapped_field():
    run = run_import([entry(1)])

    article = Article.objects.get(source_system=SOURCE, source_id="1")
    assert run.tally["post"]["created"] == 1
    assert article.headline == "Story number 1"
    assert article.slug == "story-1"
    assert article.standfirst == "A short summary."
    assert article.body == "<p>Body of story 1.</p>"
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == WHEN
    assert article.section.name == "News" and article.section.in_navigation
    assert article.ordered_topics == list(Topic.objects.filter(name__in=["Science", "Space"]).order_by("name"))
    assert [author.name for author in article.byline] == ["Rosa Field"]
    assert article.source_fingerprint


def test_scheduled_and_draft_entries(client):
    future = timezone.now() + timedelta(days=3)
    run_import([entry(1, published_at=future), entry(2, status="draft", published_at=None)])

    scheduled = Article.objects.get(source_id="1")
    draft = Article.objects.get(source_id="2")
    assert scheduled.status == Article.Status.PUBLISHED and scheduled.published_at == future
    assert draft.status == Article.Status.DRAFT and draft.published_at is None
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    assert not Article.objects.published().exists()


def test_the_same_records_twice_leave_the_same_database():
    run_import([entry(1), entry(2)])
    before = list(Article.objects.values().order_by("pk"))

    again = run_import([entry(1), entry(2)])

    assert again.tally["post"] == {"unchanged": 2}
    assert list(Article.objects.values().order_by("pk")) == before
    assert Author.objects.count() == 1 and Topic.objects.count() == 3


def test_a_changed_record_updates_its_article():
    run_import([entry(1)])
    article = Article.objects.get(source_id="1")

    run = run_import([entry(1, headline="Story number 1, corrected", topics=["Space"])])

    article.refresh_from_db()
    assert run.tally["post"]["updated"] == 1
    assert article.headline == "Story number 1, corrected"
    assert article.version == 2
    assert [topic.name for topic in article.ordered_topics] == ["Space"]


def test_new_articles_enter_history_as_imported_when_first_about_to_change():
    run_import([entry(1)])
    article = Article.objects.get(source_id="1")
    assert not Version.objects.get_for_object(article).exists()  # no cost per new article

    keep_imported_state(article.pk)
    keep_imported_state(article.pk)  # once only

    [version] = Version.objects.get_for_object(article)
    assert version.revision.comment == f"As imported (from {SOURCE})."
    assert version.field_dict["headline"] == "Story number 1"
    assert len(version.revision.version_set.all()) == 1 + 2 + 1  # article, 2 topics, 1 author


def test_an_import_overwriting_an_edited_article_keeps_a_revision():
    run_import([entry(1)])
    article = Article.objects.get(source_id="1")
    keep_imported_state(article.pk)  # as an editor's first save would

    run_import([entry(1, headline="Rewritten at the source")])

    versions = Version.objects.get_for_object(article)
    assert [v.revision.comment for v in versions] == ["Imported from a test.", f"As imported (from {SOURCE})."]
    assert versions[0].field_dict["headline"] == "Rewritten at the source"


def test_section_option_puts_the_first_category_among_topics():
    run_import([entry(1, section="Sport")], section="Features")

    article = Article.objects.get(source_id="1")
    assert article.section.name == "Features"
    assert [topic.name for topic in article.ordered_topics] == ["Sport", "Science", "Space"]


def test_a_dry_run_reports_and_writes_nothing():
    run_import([entry(1)])
    counts = (Article.objects.count(), Topic.objects.count(), Redirect.objects.count(), Version.objects.count())

    run = run_import([entry(1, headline="Changed"), entry(2, section="Brand new")], dry_run=True)

    assert run.tally["post"] == {"updated": 1, "created": 1}
    assert (Article.objects.count(), Topic.objects.count(), Redirect.objects.count(), Version.objects.count()) == counts
    assert Article.objects.get(source_id="1").headline == "Story number 1"
    assert "Dry run: nothing was written." in run.stdout.getvalue()


def test_a_bad_item_is_reported_and_the_rest_lands():
    run = run_import([entry(1), entry(2, headline="x" * 300), entry(3)])

    assert run.tally["post"] == {"created": 2, "failed": 1}
    assert sorted(Article.objects.values_list("source_id", flat=True)) == ["1", "3"]
    assert "test export, item 2 (post 2): its title is longer than 255 characters." in run.stderr.getvalue()


def test_strict_stops_at_the_first_failure_with_nothing_written():
    with pytest.raises(StrictStop):
        run_import([entry(1), entry(2, headline=""), entry(3)], strict=True)

    assert not Article.objects.exists()
    assert not Author.objects.exists()
    assert not Redirect.objects.exists()


def test_a_file_repeating_an_item_is_replayed_item_by_item():
    # Two records with one identity in one batch: the batch insert fails on the unique
    # source constraint, and the item-by-item replay writes the first and updates it with
    # the second.
    run = run_import([entry(1), entry(1, headline="Second copy"), entry(2)])

    assert Article.objects.count() == 2
    assert Article.objects.get(source_id="1").headline == "Second copy"
    assert run.failed == 0


def test_slug_clashes_get_a_number():
    run_import([entry(1, slug="same"), entry(2, slug="same")])

    assert sorted(Article.objects.values_list("slug", flat=True)) == ["same", "same-2"]


def test_old_permalinks_redirect_to_the_new_address(client):
    run = run_import([entry(1)])

    article = Article.objects.get(source_id="1")
    response = client.get("/2021/06/story-1/")
    assert response.status_code == 301 and response["Location"] == article.get_absolute_url()
    # WordPress's default permalinks are queries on the home page's address.
    for old in ("/?p=1", "/index.php?p=1"):
        response = client.get(old)
        assert response.status_code == 301 and response["Location"] == article.get_absolute_url()
    assert client.get("/?p=999").status_code == 200  # no such post: the home page
    assert client.get("/?utm_source=x").status_code == 200
    assert run.redirects["http://old.example/2021/06/story-1/"].endswith(article.get_absolute_url())


def test_the_redirect_map_lists_old_and_new_addresses(tmp_path, settings):
    run = run_import([entry(1), entry(2, status="draft")])
    path = tmp_path / "map.csv"
    run.write_redirect_map(path)

    rows = list(csv.reader(path.open()))
    new = settings.SITE_URL + Article.objects.get(source_id="1").get_absolute_url()
    assert rows == [
        ["old_url", "new_url"],
        ["http://old.example/2021/06/story-1/", new],
        ["http://old.example/?p=1", new],
    ]


def test_hostile_bodies_are_sanitised_before_they_are_stored():
    body = (
        '<p onclick="steal()">Hi<script>alert(1)</script></p>'
        '<iframe src="https://evil.example/"></iframe><img src="x.jpg" onerror="steal()">'
    )
    run_import([entry(1, body_html=body)])

    stored = Article.objects.get(source_id="1").body
    assert "script" not in stored and "onclick" not in stored and "onerror" not in stored
    assert "iframe" not in stored and "Hi" in stored


def test_a_batch_costs_the_same_queries_however_many_items_it_holds():
    def queries(first, count):
        with CaptureQueriesContext(connection) as captured:
            run_import([entry(n) for n in range(first, first + count)])
        return len(captured)

    queries(1000, 1)  # the shared section, topics and author exist from here on
    # 30 stays under SQLite's limit of bound parameters per insert (about 39 articles), past
    # which Django splits an insert in two; PostgreSQL has no such split.
    assert queries(1, 5) == queries(100, 30)


def test_pages_become_site_pages_and_drafts_are_left_out(client):
    run = ImportRun(label="pages", stdout=io.StringIO(), stderr=io.StringIO(), progress=False)
    writer = PageWriter(run)
    writer.add(entry(7, kind="page", slug="about-us", headline="About us", body_html="<p>Who we are.</p>",
                     old_urls=["http://old.example/about-us/"]))
    writer.add(entry(8, kind="page", slug="secret", status="draft"))
    writer.add(entry(7, kind="page", slug="about-us", headline="About us", body_html="<p>Who we are.</p>",
                     old_urls=["http://old.example/about-us/"]))

    page = FlatPage.objects.get()
    assert (page.url, page.title) == ("/about-us/", "About us")
    assert run.tally["page"] == {"created": 1, "skipped": 1, "unchanged": 1}
    assert "Who we are." in client.get("/pages/about-us/").content.decode()
    assert client.get("/about-us/")["Location"] == "/pages/about-us/"


# Media -------------------------------------------------------------------------------------


def draw(path, size=(1600, 900)):
    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", size, (30, 120, 200)).save(path, "JPEG")


def attachment(n=50, **overrides):
    values = {
        "source_id": str(n),
        "url": "http://old.example/wp-content/uploads/2021/06/harbour.jpg",
        "title": "Harbour",
        "alt": "Boats in the harbour at dawn",
        "caption": "The harbour this morning.",
        "credit": "Jane Doe",
        "mime_type": "image/jpeg",
        "where": f"item {n} (post {n})",
    }
    values.update(overrides)
    return Media(**values)


def test_attachments_join_the_library_and_posts_show_them(tmp_path):
    uploads = tmp_path / "uploads"
    draw(uploads / "2021/06/harbour.jpg")
    body = '<p>Look:</p><p><img src="http://old.example/wp-content/uploads/2021/06/harbour-300x169.jpg" alt="Boats"></p>'
    runs = []

    def media_for(run):
        runs.append(run)
        importer = MediaImporter(run, source_system=SOURCE, uploads_dir=uploads)
        importer.add(attachment())
        return importer

    run_import([entry(1, lead_image_ref="50", body_html=body)], media_for=media_for)

    image = Image.objects.get()
    article = Article.objects.get()
    assert runs[0].tally["attachment"]["created"] == 1
    assert (image.alt_text, image.caption, image.credit) == (
        "Boats in the harbour at dawn", "The harbour this morning.", "Jane Doe",
    )
    assert (image.source_system, image.source_id) == (SOURCE, "50")
    assert article.featured_library_image == image
    assert article.featured_image.name == image.file.name
    assert article.featured_image_credit == "Jane Doe"
    assert f'src="{image.file.url}"' in article.body and 'width="1600"' in article.body

    run_import([entry(1, lead_image_ref="50", body_html=body)], media_for=media_for)
    assert runs[1].tally["attachment"] == {"unchanged": 1}
    assert runs[1].tally["post"] == {"unchanged": 1}
    assert Image.objects.count() == 1


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://old.example/wp-content/uploads/2021/06/missing.jpg", "is not in the uploads folder"),
        ("http://old.example/wp-content/uploads/../../secret.jpg", "outside the uploads folder"),
        ("http://old.example/images/harbour.jpg", "is not under /wp-content/uploads/"),
    ],
)
def test_attachment_files_that_cannot_be_found_fail_with_the_reason(tmp_path, url, message):
    (tmp_path / "secret.jpg").write_bytes(b"not for import")
    run = ImportRun(label="media", stdout=io.StringIO(), stderr=io.StringIO(), progress=False)
    MediaImporter(run, source_system=SOURCE, uploads_dir=tmp_path / "uploads").add(attachment(url=url))

    assert run.tally["attachment"] == {"failed": 1}
    assert message in run.stderr.getvalue()
    assert not Image.objects.exists()


def test_a_file_that_is_not_a_picture_is_refused(tmp_path):
    uploads = tmp_path / "uploads"
    (uploads / "2021/06").mkdir(parents=True)
    (uploads / "2021/06/harbour.jpg").write_bytes(b"<html><script>alert(1)</script></html>")
    run = ImportRun(label="media", stdout=io.StringIO(), stderr=io.StringIO(), progress=False)
    MediaImporter(run, source_system=SOURCE, uploads_dir=uploads).add(attachment())

    assert run.tally["attachment"] == {"failed": 1}
    assert not Image.objects.exists()


def test_attachments_are_skipped_without_files_or_when_not_pictures():
    run = ImportRun(label="media", stdout=io.StringIO(), stderr=io.StringIO(), progress=False)
    importer = MediaImporter(run, source_system=SOURCE)
    importer.add(attachment())
    importer.add(attachment(51, url="http://old.example/wp-content/uploads/a.pdf", mime_type="application/pdf"))

    assert run.tally["attachment"] == {"skipped": 2}
    assert not Image.objects.exists()


def test_a_workflow_step_on_an_imported_article_keeps_its_imported_state_first(django_user_model):
    from articles.workflow import submit_for_review

    run_import([entry(1, status="draft", published_at=None)])
    article = Article.objects.get(source_id="1")
    editor = django_user_model.objects.create_superuser("ed", "ed@example.com", "a-long-password-1")

    submit_for_review(article=article, by=editor)

    states = [v.field_dict["status"] for v in reversed(Version.objects.get_for_object(article))]
    assert states == [Article.Status.DRAFT, Article.Status.IN_REVIEW]


def test_names_in_other_scripts_get_ascii_addresses_that_work(client):
    run_import([
        entry(1, slug="", headline="Ειδήσεις από την Αθήνα", section="Ελλάδα", topics=["日本", "!!!"],
              authors=[Person(name="Ирина Петрова")]),
    ])

    article = Article.objects.get()
    assert article.section.slug == "ellada"
    assert article.slug == "eideseis-apo-ten-athena"
    # A name of which nothing transliterates gets a stable slug from its digest.
    assert sorted(t.slug for t in article.ordered_topics) == ["ri-ben", ascii_slug("!!!", prefix="topic")]
    assert ascii_slug("!!!", prefix="topic").startswith("topic-")
    assert [a.slug for a in article.byline] == ["irina-petrova"]
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get("/topics/ri-ben/").status_code == 200
    assert client.get("/topics/").status_code == 200


def test_an_entry_with_a_tag_cloud_keeps_its_first_hundred_topics():
    run_import([entry(1, topics=[f"Tag {n}" for n in range(250)])])

    article = Article.objects.get()
    assert [t.name for t in article.ordered_topics] == [f"Tag {n}" for n in range(100)]
    assert Topic.objects.count() == 101  # and the section
