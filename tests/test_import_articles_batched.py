"""`import_articles` writes in batches through the shared writer (`importers.write`): the
report and the database are those of the file's lines taken one by one, whatever the batch
size; a batch costs the same queries however many lines it holds; a re-run passes over the
lines it imported before without reading them, unless a picture they name has changed."""

import re

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, RelatedLink
from authors.models import Author
from importers import prepare
from importers import write as shared_writer
from importers.digests import ImportedDigest
from importers.interchange import lines, writing
from tests.conftest import parse, text_of
from tests.test_import_articles import draw, record, write_jsonl
from tests.test_import_articles_engine import (
    database_state,
    media_files,
    pictured,
    run_import,
)

pytestmark = pytest.mark.django_db

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|COPY)\b", re.IGNORECASE)


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of three lines, so a short file crosses several."""
    for module in (prepare, lines, shared_writer):
        monkeypatch.setattr(module, "BATCH_SIZE", 3)


@pytest.fixture
def refusing(monkeypatch):
    """The database refuses the related links of a line naming /news/refused/ (as a full
    disk would): that line fails only when its batch is written."""
    looked_up = writing._articles_for_paths

    def refuse(paths):
        if "/news/refused/" in paths:
            raise DatabaseError("could not extend file: No space left on device")
        return looked_up(paths)

    monkeypatch.setattr(writing, "_articles_for_paths", refuse)


def mixed_file(folder):
    """Good lines, bad lines (unreadable, invalid, refused when written) and a line repeating
    an earlier one's source."""
    draw(folder / "images" / "lead.jpg")
    draw(folder / "images" / "inline.jpg", color=(10, 120, 60))
    draw(folder / "images" / "rosa.jpg", size=(400, 400))
    draw(folder / "images" / "sam.jpg", size=(400, 400), color=(1, 2, 3))
    return write_jsonl(
        folder / "mixed.jsonl",
        pictured(1),
        record(2),
        "{not json",
        record(3, published_at="next tuesday"),
        record(1, headline="Line 1 again"),
        record(4, section="Tech", related_links=[{"title": "", "url": "/news/story-number-2/"}]),
        record(5, related_links=[{"title": "", "url": "/news/story-number-6/"}]),
        record(
            7,
            authors=[{"name": "Sam Stone", "slug": "sam-stone", "photo": "images/sam.jpg"}],
            related_links=[{"title": "", "url": "/news/refused/"}],
        ),
        record(6, topics=["Space", "Economy"]),
        "",
        record(8, status="draft", published_at=None, section=""),
    )


EXPECTED_ERRORS = [
    "mixed.jsonl, line 3: invalid JSON (Expecting property name enclosed in double quotes at "
    "column 2). (article not imported)",
    "mixed.jsonl, line 4: `published_at` is not an ISO 8601 date-time: 'next tuesday'. "
    "(article not imported)",
    "mixed.jsonl, line 5: it has the same source (oldcms, story-1) as line 1. "
    "(article not imported)",
    "mixed.jsonl, line 8: the database refused it (could not extend file: No space left on "
    "device). (article not imported)",
]


def error_lines(err):
    return [line for line in err.splitlines() if line.startswith("mixed.jsonl, line")]


def test_a_batched_run_reports_and_writes_what_each_line_says(tmp_path, small_batches, refusing):
    path = mixed_file(tmp_path)

    ok, out, err = run_import(path, "-v", "2")

    assert not ok
    assert error_lines(err) == EXPECTED_ERRORS
    assert "  article: 6 created, 0 updated, 0 unchanged, 0 skipped, 4 failed" in out
    # Rosa is counted once for the run; the refused line's author is not counted at all.
    assert "  author: 1 created, 0 updated, 0 unchanged, 0 skipped, 0 failed" in out
    assert "topic:" not in out
    for number in (1, 2, 6, 7, 9, 11):
        assert f"mixed.jsonl, line {number}: article created" in out

    articles = {a.source_id: a for a in Article.objects.select_related("section")}
    assert sorted(articles) == [f"story-{n}" for n in (1, 2, 4, 5, 6, 8)]
    assert articles["story-1"].headline == "Story Number 1"  # not the repeated line's
    assert articles["story-4"].section.name == "Tech"
    assert articles["story-8"].section is None and articles["story-8"].status == "draft"
    assert [t.name for t in articles["story-6"].ordered_topics] == ["Space", "Economy"]
    # Related links: to an article of an earlier batch, and to one of a later line.
    links = dict(RelatedLink.objects.values_list("article__source_id", "target__source_id"))
    assert links == {"story-4": "story-2", "story-5": "story-6"}
    assert list(Author.objects.values_list("slug", flat=True)) == ["rosa-field"]
    # The refused line's author photo was stored before the database refused it: it is gone.
    assert not any(name.startswith("authors/") and "sam" in name for name in media_files())
    assert any(name.startswith("authors/") and "rosa" in name for name in media_files())
    assert any(name.startswith("articles/featured/") for name in media_files())


def test_the_batch_size_changes_nothing_a_reader_or_editor_sees(tmp_path, monkeypatch, refusing):
    path = mixed_file(tmp_path)
    ok, out, err = run_import(path, "-v", "2")
    one_batch = (error_lines(err), out.splitlines()[-4:], database_state(), media_files())
    for model in (RelatedLink, Article, Author):
        model.objects.all().delete()
    ImportedDigest.objects.all().delete()

    for module in (prepare, lines, shared_writer):
        monkeypatch.setattr(module, "BATCH_SIZE", 2)
    ok, out, err = run_import(path, "-v", "2")

    state = database_state()
    assert (error_lines(err), out.splitlines()[-4:], state, media_files()) == one_batch


def test_a_rerun_reads_no_line_again_and_writes_nothing(tmp_path, monkeypatch, small_batches):
    path = mixed_file(tmp_path)
    run_import(path)
    before, files = database_state(), media_files()
    assert ImportedDigest.objects.count() == 7

    read_again = []
    parse_line = lines.parse_line

    def parse_counting(raw, *args, **kwargs):
        read_again.append(raw.get("source", {}).get("id") if isinstance(raw, dict) else raw)
        return parse_line(raw, *args, **kwargs)

    with monkeypatch.context() as patched, CaptureQueriesContext(connection) as captured:
        patched.setattr(lines, "parse_line", parse_counting)
        ok, out, err = run_import(path)

    assert [q["sql"] for q in captured if WRITES.match(q["sql"])] == []
    assert database_state() == before and media_files() == files
    assert "  article: 0 created, 0 updated, 7 unchanged, 0 skipped, 3 failed" in out
    assert error_lines(err) == EXPECTED_ERRORS[:3]  # the bad lines are read, and fail, again
    # Read again: only the lines that failed (the unreadable one fails before parsing).
    assert sorted(map(str, read_again)) == ["story-1", "story-3"]


def test_a_rerun_reads_again_a_line_whose_picture_changed(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", pictured(1), record(2))
    draw(tmp_path / "images" / "lead.jpg")
    draw(tmp_path / "images" / "inline.jpg", color=(10, 120, 60))
    draw(tmp_path / "images" / "rosa.jpg", size=(400, 400))
    assert run_import(path)[0]
    width = Article.objects.get(source_id="story-1").featured_image_width

    draw(tmp_path / "images" / "lead.jpg", size=(1200, 600))  # same name, new picture
    ok, out, err = run_import(path)

    assert ok, err
    assert "  article: 0 created, 1 updated, 1 unchanged, 0 skipped, 0 failed" in out
    assert (width, Article.objects.get(source_id="story-1").featured_image_width) == (800, 1200)


def test_a_changed_line_is_read_again_and_a_default_source_keys_its_digest(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", record(1), record(2))
    assert run_import(path)[0]
    write_jsonl(tmp_path / "a.jsonl", record(1), record(2, headline="A second headline"))

    ok, out, _ = run_import(path)
    assert ok and "  article: 0 created, 1 updated, 1 unchanged" in out
    assert Article.objects.get(source_id="story-2").headline == "A second headline"

    # Lines naming no system are keyed by --source: another one makes other articles.
    bare = {k: v for k, v in record(3).items() if k != "source"} | {"source": {"id": "s-3"}}
    write_jsonl(tmp_path / "b.jsonl", bare)
    assert run_import(tmp_path / "b.jsonl", "--source", "one")[0]
    ok, out, _ = run_import(tmp_path / "b.jsonl", "--source", "two")
    assert ok and "  article: 1 created, 0 updated, 0 unchanged" in out
    assert sorted(
        Article.objects.filter(source_id="s-3").values_list("source_system", flat=True)
    ) == [
        "one",
        "two",
    ]


def queries_of_a_first_run(folder, count, first):
    related = [{"title": "", "url": "/news/story-number-1/"}]
    path = write_jsonl(
        folder / f"lines-{first}.jsonl",
        *(record(n, related_links=related) for n in range(first, first + count)),
    )
    with CaptureQueriesContext(connection) as captured:
        ok, out, err = run_import(path)
    assert ok, err
    assert f"  article: {count} created" in out
    return [query["sql"] for query in captured]


def test_a_batch_costs_the_same_queries_for_4_lines_as_for_20(tmp_path):
    # (SQLite caps a statement's parameters, so Django splits longer inserts.)
    queries_of_a_first_run(tmp_path, 1, 9000)  # the section, author and topics exist
    assert len(queries_of_a_first_run(tmp_path, 4, 1000)) == len(
        queries_of_a_first_run(tmp_path, 20, 2000)
    )


@pytest.mark.postgres
def test_a_batch_costs_a_fixed_number_of_queries_on_postgresql(tmp_path, django_assert_num_queries):
    queries_of_a_first_run(tmp_path, 1, 9000)  # the section, author and topics exist
    # A run of one batch: the fingerprints and digests of lines imported before (2), the
    # batch's articles, its savepoint (2), its topics, its slugs taken, keys from the
    # sequence, its authors, its related links' targets, its digests, what readers saw of it
    # (5, for the purge: the rows, topics, bylines, corrections and the brands it is
    # syndicated to); then the related links still pending (2) and the purge queued.
    # Besides these, four COPY statements (articles, topics, bylines, related links), which
    # the driver sends without Django seeing them.
    with django_assert_num_queries(19):
        queries_of_a_first_run(tmp_path, 10, 1000)
    with django_assert_num_queries(19):
        queries_of_a_first_run(tmp_path, 400, 2000)


@pytest.mark.postgres
def test_imported_articles_are_searchable_as_the_trigger_makes_them(tmp_path, client):
    body = "<p>The <b>zeppelin</b> landed beside the harbour at dawn.</p>"
    path = write_jsonl(tmp_path / "a.jsonl", record(1, body_html=body), record(2))
    assert run_import(path)[0]

    # Each row's vector is the one definition's (articles migration 0002/0007), computed
    # from the text as stored: COPY fired the trigger for every row.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM articles_article WHERE search_vector IS DISTINCT FROM "
            "articles_article_search_vector(headline, standfirst, body)"
        )
        assert cursor.fetchone() == (0,)
    response = client.get(reverse("articles:search"), {"q": "zeppelin harbour"})
    assert [text_of(h) for h in parse(response).select(".card__headline")] == ["Story Number 1"]


def test_a_line_whose_pictures_cannot_be_told_without_parsing_is_read_every_time(tmp_path):
    draw(tmp_path / "images" / "inline.jpg", color=(10, 120, 60))
    # The `>` inside the alt text hides the src from a quick look: no digest is taken.
    odd = '<p>Intro.</p><img alt="a > b" src="images/inline.jpg">'
    path = write_jsonl(tmp_path / "a.jsonl", record(1, body_html=odd), record(2))
    assert run_import(path)[0]
    assert ImportedDigest.objects.count() == 1  # line 2's only
    assert "images/inline" not in Article.objects.get(source_id="story-1").body  # stored

    draw(tmp_path / "images" / "inline.jpg", size=(640, 480), color=(10, 120, 60))
    ok, out, err = run_import(path)

    assert ok, err
    assert "  article: 0 created, 1 updated, 1 unchanged" in out
    assert 'width="640"' in Article.objects.get(source_id="story-1").body
