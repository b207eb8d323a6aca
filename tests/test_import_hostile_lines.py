"""Imports meet hostile and foreign text: every line imports or is reported, never a traceback.

Covers `import_articles` (the interchange format) and the WordPress/feed engine alike: control
characters, names in any case and script, values longer than their columns, and the sections an
import creates (they are sections, but stay out of the site's menu until an editor places them).
"""

import io
import json
from collections import Counter

import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Topic
from articles.text import ascii_slug
from importers.media import MediaImporter
from importers.run import ImportRun
from library.models import Image
from tests.conftest import parse
from tests.test_import_articles import record, run_import, snapshot, write_jsonl
from tests.test_import_writer import attachment, draw, entry
from tests.test_import_writer import run_import as run_engine

pytestmark = pytest.mark.django_db


def menu_names(client):
    page = parse(client.get("/"))
    return [link.get_text(strip=True) for link in page.select("header nav.sections a")]


# Topic names -----------------------------------------------------------------------------


def test_a_non_ascii_topic_met_again_in_another_case_is_one_topic_and_the_run_goes_on(tmp_path):
    ok, out, err = run_import(
        write_jsonl(
            tmp_path / "in.jsonl",
            record(1, topics=["Économie"]),
            record(2, topics=["Économie", "ÉCONOMIE "]),
            record(3, topics=["économie"]),
        )
    )

    assert ok, err
    assert "3 created" in out
    assert list(Topic.objects.filter(articles__isnull=False).distinct().values_list("name", flat=True)) == [
        "Économie"
    ]


def test_the_feed_engine_matches_topic_names_by_unicode_case_folding():
    Topic.objects.create(name="Économie")
    run = run_engine([entry(1, topics=["ÉCONOMIE"]), entry(2, topics=["économie"])])

    assert run.tally["post"] == {"created": 2}
    assert Topic.objects.filter(name__in=["Économie", "ÉCONOMIE", "économie"]).count() == 1


# Control characters and lengths ------------------------------------------------------------


def test_control_characters_and_lone_surrogates_are_removed_from_imported_text(tmp_path):
    lines = [
        # json.dumps writes NUL as \u0000 and a lone surrogate as \ud800, as hostile files do.
        json.dumps(
            record(
                1,
                headline="Harbour\u0000 wall\u0007 falls",
                standfirst="First line\u0000.\nSecond\ud800 line.",
                topics=["Sci\u0000ence", "Sp\u001bace"],
                section="Ne\u0000ws",
            )
        ),
        json.dumps(record(2)),
    ]
    ok, out, err = run_import(write_jsonl(tmp_path / "in.jsonl", *lines))

    assert ok, err
    article = Article.objects.get(source_id="story-1")
    assert article.headline == "Harbour wall falls"
    assert article.standfirst == "First line.\nSecond line."
    assert article.section.name == "News"
    assert [topic.name for topic in article.ordered_topics] == ["Science", "Space"]
    assert Article.objects.count() == 2


def test_values_longer_than_their_column_are_reported_not_cut(tmp_path):
    path = write_jsonl(
        tmp_path / "in.jsonl",
        record(1, source={"system": "oldcms", "id": "i" * 300}),
        record(2, source={"system": "s" * 60, "id": "story-2"}),
        record(3, topics=["t" * 101]),
        record(4, section="s" * 101),
        record(5),
    )
    ok, out, err = run_import(path)

    assert not ok
    assert "in.jsonl, line 1: `source.id` is longer than 255 characters." in err
    assert "in.jsonl, line 2: `source.system` is longer than 50 characters." in err
    assert "in.jsonl, line 3: `topics[1]` is longer than 100 characters" in err
    assert "in.jsonl, line 4: `section` is longer than 100 characters." in err
    assert list(Article.objects.values_list("source_id", flat=True)) == ["story-5"]


def test_the_feed_engine_reports_a_topic_longer_than_its_column_instead_of_cutting_it():
    run = run_engine([entry(1, topics=["t" * 150]), entry(2, section="s" * 101), entry(3)])

    assert run.tally["post"] == {"created": 1, "failed": 2}
    assert "item 1 (post 1): its topic “tttt" in run.stderr.getvalue()
    assert "is longer than 100 characters" in run.stderr.getvalue()
    assert not Topic.objects.filter(name__startswith="ttt").exists()


def test_the_feed_engine_removes_nul_from_headline_standfirst_and_topics():
    run = run_engine([entry(1, headline="Bad\u0000 news", standfirst="Sum\u0000mary", topics=["A\u0000B"])])

    assert run.tally["post"] == {"created": 1}
    article = Article.objects.get()
    assert (article.headline, article.standfirst) == ("Bad news", "Summary")
    assert [topic.name for topic in article.ordered_topics] == ["AB"]


def test_a_second_line_with_the_same_source_is_reported_so_reruns_change_nothing(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", record(1), record(1, headline="Other words"), record(2))

    ok, out, err = run_import(path)
    before = snapshot()
    ok_again, out_again, err_again = run_import(path)

    assert "in.jsonl, line 2: it has the same source (oldcms, story-1) as line 1." in err
    assert "article: 2 created, 0 updated, 0 unchanged, 0 skipped, 1 failed" in out
    assert "article: 0 created, 0 updated, 2 unchanged, 0 skipped, 1 failed" in out_again
    assert snapshot() == before
    assert Article.objects.get(source_id="story-1").headline == "Story Number 1"


# Slugs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headline", "slug"),
    [
        ("Москва сегодня", "moskva-segodnia"),
        ("東京の天気", "dong-jing-notian-qi"),
        ("الأخبار اليوم", "lkhbr-lywm"),
        ("🎉🎉", ascii_slug("🎉🎉")),
    ],
)
def test_headlines_in_any_script_get_a_slug_the_same_way_as_every_importer(
    tmp_path, client, headline, slug
):
    ok, out, err = run_import(write_jsonl(tmp_path / "in.jsonl", record(1, headline=headline)))

    assert ok, err
    article = Article.objects.get()
    assert article.slug == slug != ""
    assert client.get(article.get_absolute_url()).status_code == 200
    run_engine([entry(2, slug="", headline=headline)])
    assert Article.objects.get(source_id="2").slug == f"{slug}-2"


# Sections and the menu ---------------------------------------------------------------------


def test_a_section_import_articles_creates_stays_out_of_the_menu_until_an_editor_places_it(
    tmp_path, client
):
    Topic.objects.create(name="Home news", in_navigation=True).menu_brands.add(
        django_settings.DEFAULT_SITE_ID
    )
    ok, out, err = run_import(write_jsonl(tmp_path / "in.jsonl", record(1, section="Sport")))

    assert ok, err
    article = Article.objects.get()
    assert article.section.in_navigation
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get("/sport/").status_code == 200
    assert menu_names(client) == ["Home news"]

    Topic.objects.filter(name="Sport").update(in_menu=True)
    sport = Topic.objects.get(name="Sport")
    sport.save()  # as the admin saves it, retiring the cached header
    sport.menu_brands.add(django_settings.DEFAULT_SITE_ID)  # in the default brand's menu
    assert menu_names(client) == ["Home news", "Sport"]


def test_a_section_the_feed_engine_creates_or_promotes_stays_out_of_the_menu(client):
    Topic.objects.create(name="Culture")  # a plain topic, until a feed makes it a section
    run_engine([entry(1, section="Weather"), entry(2, section="Culture")])

    assert set(Topic.objects.filter(in_navigation=True).values_list("name", flat=True)) == {
        "Weather",
        "Culture",
    }
    assert client.get("/weather/").status_code == 200
    assert menu_names(client) == []


# Anything at all -------------------------------------------------------------------------

JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children, max_size=3),
    max_leaves=6,
)
# Names met before in other cases and scripts, control characters, lone surrogates, overlong.
NASTY = st.sampled_from(
    ["Économie", "économie", "ÉCONOMIE", "\u0000", "\ud800x", "Москва", "🎉", "a\u0000b", "x" * 101, "http://["]
)
TEXT = NASTY | st.text() | st.text(min_size=300, max_size=2000)


@st.composite
def lines(draw):
    """A line of a hostile export: mostly the right shape, with any value anywhere."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text() | JUNK.map(json.dumps))
    line = record(draw(st.integers(1, 4)))  # few identities, so duplicates are common
    for key in draw(st.lists(st.sampled_from([*line, "slug", "featured_image", "related_links"]))):
        line[key] = draw(TEXT | JUNK | st.lists(TEXT, max_size=4))
    if draw(st.booleans()):
        line["related_links"] = [{"url": draw(NASTY), "title": draw(TEXT)}]
    if draw(st.booleans()):
        line["topics"] = draw(st.lists(NASTY | st.text(max_size=20), max_size=5))
    return json.dumps(line)


def article_counts(out):
    """The outcomes of the summary's article line: {"created": 2, …}; none for an empty file."""
    counts = Counter()
    for line in out.splitlines():
        if line.startswith("  article: "):
            for part in line.removeprefix("  article: ").split(", "):
                number, outcome = part.split()
                counts[outcome] += int(number)
    return counts


@settings(
    max_examples=30,
    deadline=None,
    # Each example writes its own file name and ends with the database emptied again.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(lines(), min_size=1, max_size=6))
def test_any_file_imports_or_reports_every_line_and_a_second_run_changes_nothing(tmp_path, generated):
    path = tmp_path / "generated.jsonl"
    path.write_text("".join(f"{line}\n" for line in generated), encoding="utf-8", errors="surrogatepass")
    counted = sum(1 for line in path.read_bytes().split(b"\n") if line.strip())
    try:
        ok, out, err = run_import(path)
        assert "Traceback" not in out + err
        assert "Imported generated.jsonl:" in out
        counts = article_counts(out)
        assert sum(counts.values()) == counted  # every line has an outcome
        failed = counts["failed"]
        assert err.count("generated.jsonl, line ") == failed
        assert err.count("(article not imported)") == failed
        assert ok == (failed == 0)

        before = snapshot()
        ok_again, out_again, err_again = run_import(path)
        assert "Traceback" not in out_again + err_again
        assert article_counts(out_again) == Counter(unchanged=counted - failed, failed=failed)
        assert snapshot() == before
    finally:
        Article.objects.all().delete()
        Topic.objects.all().delete()


def test_a_picture_whose_caption_is_longer_than_its_column_is_reported_not_cut(tmp_path):
    uploads = tmp_path / "uploads"
    draw(uploads / "2021/06/harbour.jpg")
    run = ImportRun(label="media", stdout=io.StringIO(), stderr=io.StringIO(), progress=False)
    importer = MediaImporter(run, source_system="wordpress", uploads_dir=uploads)

    importer.add(attachment(caption="c" * 501, credit="Jane\u0000 Doe"))
    importer.add(attachment(51, credit="Jane\u0000 Doe"))

    assert run.tally["attachment"] == {"failed": 1, "created": 1}
    assert "item 50 (post 50): its caption is longer than 500 characters." in run.stderr.getvalue()
    assert list(Image.objects.values_list("source_id", "credit")) == [("51", "Jane Doe")]
