"""`import_articles` runs on the shared import engine: dry runs, strict runs, the redirect map,
one revision per overwritten article, the library's picture checks, and author profiles that
editors have changed left as they made them."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Topic, TopicItem
from articles.revisions import article_versions, keep_imported_state, record_revision
from authors.models import Author
from importers.interchange import writing
from importers.records import Person
from tests.admin_forms import form_fields
from tests.conftest import parse
from tests.factories import AuthorFactory, png_declaring
from tests.test_import_articles import draw, record, snapshot, write_jsonl
from tests.test_import_writer import entry
from tests.test_import_writer import run_import as run_engine

pytestmark = pytest.mark.django_db


def run_import(path, *options):
    """Run the command as an operator would; returns (succeeded, stdout, stderr + error)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", str(path), *options, stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def database_state():
    """Everything an import may write, in comparable form."""
    return {
        "articles": snapshot(),
        "authors": sorted(Author.objects.values_list("slug", "name", "role", "bio", "photo")),
        "topics": sorted(Topic.objects.values_list("name", "in_navigation")),
        "redirects": sorted(Redirect.objects.values_list("old_path", "new_path")),
        "versions": Version.objects.count(),
    }


def pictured(n, **overrides):
    """A line showing a featured image, a body image and an author photo."""
    return record(
        n,
        body_html='<p>Intro.</p><figure><img src="images/inline.jpg" alt="A field"></figure>',
        featured_image={"src": "images/lead.jpg", "alt": "A red sky", "credit": "Agency"},
        authors=[
            {"name": "Rosa Field", "slug": "rosa-field", "bio": "Rosa reports.",
             "photo": "images/rosa.jpg"}
        ],
        **overrides,
    )


@pytest.fixture
def pictures(tmp_path):
    draw(tmp_path / "images" / "lead.jpg")
    draw(tmp_path / "images" / "inline.jpg", color=(10, 120, 60))
    draw(tmp_path / "images" / "rosa.jpg", size=(400, 400))
    return tmp_path


def edit_as_an_editor(article, **changes):
    """Change an imported article as the admin's save does: its imported state is kept first,
    then the editor's version."""
    keep_imported_state(article.pk)
    for field, value in changes.items():
        setattr(article, field, value)
    article.save()
    record_revision(article, comment="Edited by an editor.")


def versions_of(article):
    return [version.revision.comment for version in article_versions(article)]


# --dry-run ---------------------------------------------------------------------------------


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(pictures):
    path = write_jsonl(pictures / "a.jsonl", pictured(1), record(2), "{not json")

    ok, out, err = run_import(path, "--dry-run")

    assert not ok  # the bad line is reported as in a real run
    assert "a.jsonl, line 3: invalid JSON" in err and "(article not imported)" in err
    assert "Dry run of a.jsonl:" in out
    assert "  article: 2 created, 0 updated, 0 unchanged, 0 skipped, 1 failed" in out
    assert "  author: 1 created, 0 updated, 0 unchanged, 0 skipped, 0 failed" in out
    assert "Dry run: nothing was written." in out
    assert not Article.objects.exists() and not Author.objects.exists()
    assert not Topic.objects.exists() and not Version.objects.exists()
    assert media_files() == []


def test_a_dry_run_over_imported_articles_reports_updates_and_changes_nothing(pictures):
    assert run_import(write_jsonl(pictures / "a.jsonl", pictured(1), record(2)))[0]
    before, files = database_state(), media_files()
    changed = write_jsonl(
        pictures / "a.jsonl",
        pictured(1, headline="A New Headline", slug="a-new-slug"),
        record(2),
        record(3),
    )

    ok, out, err = run_import(changed, "--dry-run", "--redirect-map", str(pictures / "map.csv"))

    assert ok, err
    assert "  article: 1 created, 1 updated, 1 unchanged, 0 skipped, 0 failed" in out
    assert "Dry run: 1 old addresses would be mapped." in out
    assert not (pictures / "map.csv").exists()
    assert database_state() == before
    assert media_files() == files


# --strict ----------------------------------------------------------------------------------


def test_a_strict_run_stops_at_the_first_bad_line_with_nothing_written(pictures):
    path = write_jsonl(
        pictures / "a.jsonl",
        pictured(1),
        record(2, published_at="next tuesday"),
        record(3),
    )

    ok, out, err = run_import(path, "--strict")

    assert not ok
    assert "a.jsonl, line 2: `published_at` is not an ISO 8601 date-time" in err
    assert "--strict: stopped at the first failure (line 2: `published_at`" in err
    assert "nothing was written" in err
    assert not Article.objects.exists() and not Author.objects.exists()
    assert not Topic.objects.exists() and not TopicItem.objects.exists()
    # Line 1 stored its pictures before line 2 failed: they went with the rollback.
    assert media_files() == []


def test_a_strict_run_of_good_lines_imports_them_all(pictures):
    ok, out, err = run_import(write_jsonl(pictures / "a.jsonl", pictured(1), record(2)), "--strict")

    assert ok, err
    assert "  article: 2 created, 0 updated, 0 unchanged, 0 skipped, 0 failed" in out
    assert Article.objects.count() == 2
    assert any(name.startswith("articles/featured/") for name in media_files())


# --redirect-map ----------------------------------------------------------------------------


def test_the_redirect_map_lists_the_old_address_of_each_moved_article(tmp_path, client):
    first = write_jsonl(
        tmp_path / "a.jsonl",
        record(1, slug="first-slug"),
        record(2, slug="stays-put"),
        record(3, slug="a-draft", status="draft"),
    )
    assert run_import(first)[0]
    moved = write_jsonl(
        tmp_path / "a.jsonl",
        record(1, slug="second-slug", section="Tech"),
        record(2, slug="stays-put", headline="New words, same address"),
        record(3, slug="another-draft", status="draft"),
    )

    ok, out, err = run_import(moved, "--redirect-map", str(tmp_path / "map.csv"))

    assert ok, err
    assert f"Wrote 1 old → new addresses to {tmp_path / 'map.csv'}." in out
    with (tmp_path / "map.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    site = settings.SITE_URL
    assert rows == [["old_url", "new_url"], [f"{site}/news/first-slug/", f"{site}/tech/second-slug/"]]
    response = client.get("/news/first-slug/")
    assert (response.status_code, response["Location"]) == (301, "/tech/second-slug/")


# --source ----------------------------------------------------------------------------------


def test_source_names_the_system_of_lines_that_give_none(tmp_path):
    lines = [
        {k: v for k, v in record(1).items() if k != "source"},
        record(2, source={"id": "two"}),
        record(3),
    ]
    assert run_import(write_jsonl(tmp_path / "a.jsonl", *lines), "--source", "oldsite")[0]

    assert sorted(Article.objects.values_list("source_system", "source_id")) == [
        ("oldcms", "story-3"),
        ("oldsite", "story-number-1"),
        ("oldsite", "two"),
    ]


def test_a_source_name_longer_than_its_column_is_refused_before_anything_is_read(tmp_path):
    ok, _, err = run_import(write_jsonl(tmp_path / "a.jsonl", record(1)), "--source", "s" * 51)

    assert not ok and "--source is longer than 50 characters" in err
    assert not Article.objects.exists()


# Revisions -----------------------------------------------------------------------------------


def test_a_line_imported_again_unchanged_is_unchanged_and_keeps_no_new_revision(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", record(1))
    assert run_import(path)[0]
    article = Article.objects.get()
    edit_as_an_editor(article, standfirst="An editor's standfirst.")
    before = versions_of(article)

    ok, out, _ = run_import(path)

    assert ok and "  article: 0 created, 0 updated, 1 unchanged, 0 skipped, 0 failed" in out
    assert versions_of(article) == before
    assert Article.objects.get().standfirst == "An editor's standfirst."


def test_a_changed_line_keeps_exactly_one_revision_of_its_edited_article_per_run(tmp_path):
    assert run_import(write_jsonl(tmp_path / "a.jsonl", record(1), record(2), record(3)))[0]
    edited, also_edited, untouched = Article.objects.order_by("source_id")
    edit_as_an_editor(edited, standfirst="Edited.")
    edit_as_an_editor(also_edited, standfirst="Edited too.")
    before = {a.pk: versions_of(a) for a in (edited, also_edited, untouched)}

    changed = write_jsonl(
        tmp_path / "b.jsonl",
        record(1, headline="Revised One", topics=["Space"]),
        record(2, headline="Revised Two"),
        record(3, headline="Revised Three"),
        record(4),
    )
    ok, out, err = run_import(changed)

    assert ok, err
    assert "  article: 1 created, 3 updated, 0 unchanged, 0 skipped, 0 failed" in out
    for article in (edited, also_edited):
        assert versions_of(article) == [*before[article.pk], "Imported from b.jsonl."]
    # The revision holds what the import wrote, byline and topics included.
    latest = article_versions(edited).last()
    assert latest.field_dict["headline"] == "Revised One"
    assert {v.object_repr for v in latest.revision.version_set.all()} >= {"Revised One"}
    # Nobody had edited the third, and the fourth is new: no revision at import (their
    # imported state joins their history when something first changes them).
    assert versions_of(untouched) == before[untouched.pk] == []
    assert versions_of(Article.objects.get(source_id="story-4")) == []


def test_a_line_without_a_source_keeps_its_imported_state_when_an_editor_first_changes_it(
    tmp_path,
):
    line = record(1)
    del line["source"]
    assert run_import(write_jsonl(tmp_path / "a.jsonl", line))[0]
    imported = Article.objects.get()
    assert imported.source_system == "newsroom" and versions_of(imported) == []

    edit_as_an_editor(imported, standfirst="An editor's standfirst.")

    assert versions_of(imported) == ["As imported (from newsroom).", "Edited by an editor."]
    first = article_versions(imported).first()
    assert first.field_dict["standfirst"] == "Summary of story 1."


def test_an_article_written_here_has_no_imported_state_to_keep(django_user_model):
    article = Article.objects.create(headline="Written here", body="<p>Words.</p>")
    assert article.source_system == "newsroom"

    edit_as_an_editor(article, standfirst="Changed.")

    assert versions_of(article) == ["Edited by an editor."]


# Authors ---------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, django_user_model):
    editor = django_user_model.objects.create_superuser("ed", "ed@example.com", "a-long-pass-1")
    client.force_login(editor)
    return client


def two_authors(rosa_bio, sam_bio):
    return [
        {"name": "Rosa Field", "slug": "rosa-field", "role": "Reporter", "bio": rosa_bio},
        {"name": "Sam Stone", "slug": "sam-stone", "role": "Reporter", "bio": sam_bio},
    ]


def test_an_author_an_editor_changed_in_the_admin_keeps_their_profile_after_a_reimport(
    tmp_path, admin_client
):
    first = record(1, authors=two_authors("Rosa's first bio.", "Sam's first bio."))
    assert run_import(write_jsonl(tmp_path / "a.jsonl", first))[0]
    rosa = Author.objects.get(slug="rosa-field")
    change = reverse("admin:authors_author_change", args=[rosa.pk])
    data = form_fields(admin_client.get(change), "author_form")
    assert data["bio"] == "Rosa's first bio."
    data["bio"] = "Written by the desk."
    response = admin_client.post(change, data)
    assert response.status_code == 302, parse(response).select(".errorlist")
    assert Author.objects.get(slug="rosa-field").bio == "Written by the desk."

    again = record(1, headline="Changed", authors=two_authors("Rosa's new bio.", "Sam's new bio."))
    ok, out, err = run_import(write_jsonl(tmp_path / "a.jsonl", again))

    assert ok, err
    assert "  author: 0 created, 1 updated, 0 unchanged, 0 skipped, 0 failed, 1 kept" in out
    assert Author.objects.get(slug="rosa-field").bio == "Written by the desk."
    assert Author.objects.get(slug="sam-stone").bio == "Sam's new bio."
    # Kept, but still in the byline, in the line's order.
    assert [a.slug for a in Article.objects.get().byline] == ["rosa-field", "sam-stone"]

    # And so on every later run, whatever the file says.
    later = record(1, headline="Later", authors=two_authors("Third.", "Sam's third bio."))
    assert run_import(write_jsonl(tmp_path / "a.jsonl", later))[0]
    assert Author.objects.get(slug="rosa-field").bio == "Written by the desk."
    assert Author.objects.get(slug="sam-stone").bio == "Sam's third bio."


def test_an_author_created_in_the_admin_is_never_overwritten_by_an_import(tmp_path):
    AuthorFactory(slug="rosa-field", name="Rosa Field", role="Editor", bio="Her own words.")

    ok, out, err = run_import(write_jsonl(tmp_path / "a.jsonl", record(1)))

    assert ok, err
    assert "  author: 0 created, 0 updated, 0 unchanged, 0 skipped, 0 failed, 1 kept" in out
    rosa = Author.objects.get(slug="rosa-field")
    assert (rosa.role, rosa.bio) == ("Editor", "Her own words.")
    assert [a.slug for a in Article.objects.get().byline] == ["rosa-field"]


def test_the_wordpress_and_feed_engine_never_overwrites_an_existing_author():
    AuthorFactory(slug="rosa-field", name="Rosa Field", role="Editor", bio="Her own words.")

    run = run_engine([entry(1, authors=[Person(name="Rosa Field", bio="The export's words.")])])

    assert run.tally["author"] == {"unchanged": 1}
    rosa = Author.objects.get(slug="rosa-field")
    assert (rosa.role, rosa.bio) == ("Editor", "Her own words.")
    assert [a.slug for a in Article.objects.get().byline] == ["rosa-field"]


def test_an_author_on_many_lines_is_counted_once_per_run(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", record(1), record(2), record(3))

    ok, out, _ = run_import(path)

    assert ok and "  author: 1 created, 0 updated, 0 unchanged, 0 skipped, 0 failed" in out


def test_an_author_the_import_owns_gets_a_new_photo_and_an_editor_s_photo_stays(
    pictures, admin_client
):
    assert run_import(write_jsonl(pictures / "a.jsonl", pictured(1)))[0]
    first_photo = Author.objects.get().photo.name
    draw(pictures / "images" / "rosa.jpg", size=(400, 400), color=(0, 0, 255))
    assert run_import(write_jsonl(pictures / "a.jsonl", pictured(1)))[0]
    rosa = Author.objects.get()
    assert rosa.photo.name != first_photo  # owned by the import: brought up to date

    rosa.photo = ""  # an editor removes the photo (anywhere outside an import)
    rosa.save()
    draw(pictures / "images" / "rosa.jpg", size=(400, 400), color=(0, 255, 0))
    ok, out, _ = run_import(write_jsonl(pictures / "a.jsonl", pictured(1)))
    assert ok and ", 1 kept" in out
    assert not Author.objects.get().photo


# Pictures ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "content", "message"),
    [
        ("featured", b"Dear editor, this is a letter.\n" * 20, "The file is not a picture"),
        ("featured", png_declaring(30_000, 30_000), "pixels"),
        ("photo", b"Dear editor, this is a letter.\n" * 20, "The file is not a picture"),
        ("body", b"<html>not a picture</html>", "The file is not a picture"),
    ],
    ids=["text-as-featured", "bomb-as-featured", "text-as-photo", "text-in-body"],
)
def test_a_picture_the_library_refuses_fails_its_line_with_nothing_half_written(
    pictures, where, content, message
):
    (pictures / "images" / "bad.jpg").write_bytes(content)
    bad = pictured(2, section="Brand New Section", topics=["Brand New Topic"])
    bad["authors"][0]["slug"] = "new-author"
    if where == "featured":
        bad["featured_image"]["src"] = "images/bad.jpg"
    elif where == "photo":
        bad["authors"][0]["photo"] = "images/bad.jpg"
    else:
        bad["body_html"] += '<p><img src="images/bad.jpg" alt=""></p>'

    ok, out, err = run_import(write_jsonl(pictures / "a.jsonl", record(1), bad))

    assert not ok
    assert "a.jsonl, line 2: " in err and "'images/bad.jpg'" in err and message in err
    assert "(article not imported)" in err
    assert "  article: 1 created, 0 updated, 0 unchanged, 0 skipped, 1 failed" in out
    assert list(Article.objects.values_list("source_id", flat=True)) == ["story-1"]
    assert not Author.objects.filter(slug="new-author").exists()
    assert not Topic.objects.filter(name__in=["Brand New Section", "Brand New Topic"]).exists()
    assert media_files() == []  # the line's good pictures were not stored either


def test_a_line_failing_after_its_pictures_were_stored_leaves_no_file(pictures, monkeypatch):
    # The pictures pass; the database then refuses the line as its related links are written,
    # after its featured and body images and its author's photo were stored.
    looked_up = writing._articles_for_paths

    def refuse(paths):
        if paths:
            raise DatabaseError("could not extend file: No space left on device")
        return looked_up(paths)

    monkeypatch.setattr(writing, "_articles_for_paths", refuse)
    bad = pictured(1, related_links=[{"title": "", "url": "/news/story-number-2/"}])

    ok, out, err = run_import(write_jsonl(pictures / "a.jsonl", bad, record(2)))

    assert not ok
    assert "a.jsonl, line 1: the database refused it (could not extend file" in err
    assert "  article: 1 created, 0 updated, 0 unchanged, 0 skipped, 1 failed" in out
    assert list(Article.objects.values_list("source_id", flat=True)) == ["story-2"]
    assert list(Author.objects.values_list("slug", "photo")) == [("rosa-field", "")]
    assert media_files() == []
