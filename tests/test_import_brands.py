"""Imports name the brand (docs/brands.md): the interchange `brand` key, the importers'
`--brand HOST`, the admin's brand choice, and `export_articles --brand`.

Two brands: the default brand, renamed news.example.org, and sport.example.org.
"""

import csv
import io
import json

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Topic
from authors.models import Author
from importers.digests import ImportedDigest
from importers.job_models import ImportJob
from newsroom.chrome import brand_address
from newsroom.models import SiteSettings
from tests.conftest import member, parse, signed_in, text_of
from tests.factories import make_brand
from tests.import_job_files import jsonl, wxr
from tests.test_brand_editors import give_brands
from tests.test_import_articles import record, snapshot, write_jsonl
from tests.test_import_feed import RSS, import_feed
from tests.test_import_feed import write as write_feed
from tests.test_import_job_admin import import_files, job_page, report_of, submit  # noqa: F401
from tests.test_import_wordpress import import_wordpress, post
from tests.test_import_wordpress import write as write_export
from tests.test_import_wordpress import wxr as wordpress_export

pytestmark = pytest.mark.django_db

NEWS = "news.example.org"
SPORT = "sport.example.org"


@pytest.fixture
def brands(settings):
    settings.ALLOWED_HOSTS = [".example.org", "testserver"]
    news = Site.objects.get(pk=settings.DEFAULT_SITE_ID)
    news.domain, news.name = NEWS, "Daily Tester"
    news.save()
    SiteSettings.objects.create(site=news, brand_name="Daily Tester")
    sport = make_brand(SPORT, "Tester Sport")
    return news, sport


def brands_of(**lookup):
    """{source id: brand domain} of the articles."""
    return dict(
        Article.objects.filter(**lookup).order_by("source_id").values_list(
            "source_id", "brand__domain"
        )
    )


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


def mixed_file(tmp_path):
    """A line for each brand, a line naming no brand, a line naming one that is none."""
    return write_jsonl(
        tmp_path / "brands.jsonl",
        record(1, brand=NEWS),
        record(2, brand=SPORT),
        record(3, brand="x.example"),
        record(4),
    )


# The interchange key -------------------------------------------------------------------------


def test_each_line_goes_to_the_brand_it_names_and_a_line_naming_none_to_the_default(
    tmp_path, brands
):
    ok, out, err = run(mixed_file(tmp_path))

    assert not ok  # a line failed: the exit says so, the rest imported
    assert brands_of() == {"story-1": NEWS, "story-2": SPORT, "story-4": NEWS}
    assert (
        "line 3: brand 'x.example' is not a brand of this install: its brands are "
        f"{NEWS}, {SPORT}" in err
    )
    assert "article: 3 created, 0 updated, 0 unchanged, 0 skipped, 1 failed" in out


def test_brand_names_lines_without_one_and_a_lines_own_key_wins(tmp_path, brands):
    ok, out, err = run(mixed_file(tmp_path), "--brand", SPORT)

    assert not ok and "line 3: brand 'x.example' is not a brand" in err
    assert brands_of() == {"story-1": NEWS, "story-2": SPORT, "story-4": SPORT}


def test_a_brand_is_named_exactly_as_its_site_stores_it(tmp_path, brands):
    path = write_jsonl(tmp_path / "a.jsonl", record(1, brand=SPORT.upper()), record(2, brand=7))
    ok, out, err = run(path)

    assert not ok and Article.objects.count() == 0
    assert "line 1: brand 'SPORT.EXAMPLE.ORG' is not a brand of this install" in err
    assert "line 2: `brand` must be a string." in err


def test_an_unknown_brand_option_stops_the_command_before_anything_is_read(tmp_path, brands):
    path = write_jsonl(tmp_path / "a.jsonl", record(1))
    for command, source in (
        ("import_articles", path),
        ("import_wordpress", tmp_path / "missing.xml"),  # refused before the file is looked at
        ("import_feed", tmp_path / "missing.xml"),
    ):
        with pytest.raises(CommandError) as refusal:
            call_command(command, str(source), "--brand", "x.example", stdout=io.StringIO())
        assert str(refusal.value).startswith(
            "--brand: brand 'x.example' is not a brand of this install: its brands are "
            f"{NEWS}, {SPORT}"
        )
        assert str(refusal.value).endswith("Nothing was imported.")
    assert Article.objects.count() == 0


def test_importing_again_to_another_brand_moves_the_article_with_a_redirect(
    tmp_path, brands, client, settings
):
    news, sport = brands
    path = write_jsonl(tmp_path / "a.jsonl", record(1, slug="harbour"))
    assert run(path)[0]
    assert run(path)[1].count("1 unchanged") == 1  # the same brand: unchanged

    ok, out, err = run(path, "--brand", SPORT, "--redirect-map", str(tmp_path / "map.csv"))

    assert ok, err
    assert "article: 0 created, 1 updated, 0 unchanged" in out  # read again, not skipped
    article = Article.objects.get()
    assert article.brand == sport
    assert client.get(article.get_absolute_url(), HTTP_HOST=SPORT).status_code == 200
    old = client.get(article.get_absolute_url(), HTTP_HOST=NEWS)
    assert old.status_code == 301
    assert old["Location"] == f"{brand_address(sport).rstrip('/')}{article.get_absolute_url()}"
    rows = list(csv.reader((tmp_path / "map.csv").open()))[1:]
    # The default brand's addresses are SITE_URL's (its Site follows it: newsroom.site_domain).
    assert rows == [[f"{settings.SITE_URL}/news/harbour/", f"{brand_address(sport)}news/harbour/"]]

    # Again to the same brand: unchanged, the digest knowing the brand.
    assert "0 updated, 1 unchanged" in run(path, "--brand", SPORT)[1]
    # The line naming its brand decides, whatever --brand says.
    assert run(write_jsonl(path, record(1, slug="harbour", brand=NEWS)), "--brand", SPORT)[0]
    assert Article.objects.get().brand == news


def test_the_default_brand_named_changes_nothing_imported_before_brands(tmp_path, brands):
    path = write_jsonl(tmp_path / "a.jsonl", record(1))
    assert run(path)[0]
    fingerprint = Article.objects.get().source_fingerprint

    ok, out, _ = run(path, "--brand", NEWS)

    assert ok and "0 updated, 1 unchanged" in out
    assert Article.objects.get().source_fingerprint == fingerprint


def test_brand_keys_cost_no_query_per_line(tmp_path, brands):
    """The brands are read once a run: a file of twice the lines, half of them naming a
    brand, costs the same queries as a file naming none (within one batch)."""

    def queries(lines):
        Article.objects.all().delete()
        Author.objects.all().delete()
        Topic.objects.all().delete()
        ImportedDigest.objects.all().delete()
        path = write_jsonl(tmp_path / "q.jsonl", *lines)
        with CaptureQueriesContext(connection) as captured:
            assert run(path)[0]
        return len(captured)

    queries([record(n) for n in range(1, 4)])  # the default brand read and kept, as usual
    plain = queries([record(n) for n in range(1, 4)])
    named = queries(
        [record(n, brand=(NEWS, SPORT)[n % 2]) for n in range(1, 7)]
    )
    assert named == plain + 1  # the brands' one query
    assert brands_of()["story-1"] == SPORT and brands_of()["story-2"] == NEWS


# WordPress and feeds -------------------------------------------------------------------------


def test_a_wordpress_export_imports_to_the_brand_named(tmp_path, brands, client):
    news, sport = brands
    path = write_export(tmp_path, wordpress_export(post(1), post(2), post(3, post_type="page")))
    map_path = tmp_path / "map.csv"

    out, _ = import_wordpress(path, "--brand", SPORT, "--redirect-map", str(map_path))

    assert "post: 2 created" in out
    assert brands_of() == {"1": SPORT, "2": SPORT}
    article = Article.objects.get(source_id="1")
    # The old permalinks are the sport brand's: the WordPress site moved to it.
    assert set(Redirect.objects.values_list("site__domain", flat=True)) == {SPORT}
    response = client.get("/2023/03/post-1/", HTTP_HOST=SPORT)
    assert (response.status_code, response["Location"]) == (301, article.get_absolute_url())
    assert client.get("/2023/03/post-1/", HTTP_HOST=NEWS).status_code == 404
    assert list(FlatPage.objects.get().sites.all()) == [sport]
    rows = list(csv.reader(map_path.open()))
    sport_url = f"{brand_address(sport).rstrip('/')}{article.get_absolute_url()}"
    assert ["http://old.example/2023/03/post-1/", sport_url] in rows

    assert "post: 0 created, 0 updated, 2 unchanged" in import_wordpress(path, "--brand", SPORT)[0]
    # Without --brand: the default brand's again, moved (a re-run that is not skipped).
    assert "post: 0 created, 2 updated, 0 unchanged" in import_wordpress(path)[0]
    assert brands_of() == {"1": NEWS, "2": NEWS}


def test_a_feed_imports_to_the_brand_named(tmp_path, brands):
    path = write_feed(tmp_path, RSS.format(image="https://img.example/a.jpg"))

    out, _ = import_feed(path, "--brand", SPORT)

    assert "entry: 2 created" in out
    assert brands_of() == {"wire-1001": SPORT, "wire-1002": SPORT}
    assert "entry: 0 created, 0 updated, 2 unchanged" in import_feed(path, "--brand", SPORT)[0]
    assert "entry: 0 created, 2 updated, 0 unchanged" in import_feed(path)[0]
    assert brands_of() == {"wire-1001": NEWS, "wire-1002": NEWS}


# The admin's import ----------------------------------------------------------------------------


def test_the_import_form_offers_the_brands_the_default_chosen(editor, brands):
    page = parse(editor.get("/admin/importers/importjob/add/"))
    select = page.find("select", attrs={"name": "brand"})
    options = [(text_of(option), "selected" in option.attrs) for option in select.find_all("option")]
    assert options == [(f"Daily Tester ({NEWS})", True), (f"Tester Sport ({SPORT})", False)]
    assert "goes to that brand instead" in text_of(page.find(id="id_brand_helptext"))


@pytest.mark.parametrize("kind", ["interchange", "wordpress"])
def test_an_import_job_writes_to_the_brand_chosen(
    editor, brands, kind, django_capture_on_commit_callbacks
):
    news, sport = brands
    upload = (
        SimpleUploadedFile("desk.jsonl", jsonl(3), "application/octet-stream")
        if kind == "interchange"
        else SimpleUploadedFile("harbour.xml", wxr(3), "text/xml")
    )
    submit(editor, upload=upload, brand=str(sport.pk), run=django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert (job.status, job.brand) == (ImportJob.Status.DONE, sport)
    assert Article.objects.count() == 3
    assert set(Article.objects.values_list("brand__domain", flat=True)) == {SPORT}
    page = parse(job_page(editor, job))
    facts = dict(zip(
        [text_of(dt) for dt in page.select(".import-facts dt")],
        [text_of(dd) for dd in page.select(".import-facts dd")],
        strict=True,
    ))
    assert facts["Brand"] == SPORT


def test_a_dry_run_job_reads_lines_for_the_brand_chosen(
    editor, brands, django_capture_on_commit_callbacks
):
    _, sport = brands
    stray = {**json.loads(jsonl(1)), "source": {"system": "desk", "id": "9"}, "brand": "x.example"}
    lines = jsonl(2) + (json.dumps(stray) + "\n").encode()
    submit(
        editor,
        upload=SimpleUploadedFile("desk.jsonl", lines, "application/octet-stream"),
        brand=str(sport.pk),
        dry_run="on",
        run=django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    report = report_of(job_page(editor, job))
    assert "line 3: brand 'x.example' is not a brand of this install" in report
    assert Article.objects.count() == 0


def test_a_brand_not_offered_is_refused(editor, brands, settings):
    Site.objects.create(domain="bare.example.org", name="No settings")  # not a brand to offer
    bare = Site.objects.get(domain="bare.example.org")
    response = submit(
        editor,
        upload=SimpleUploadedFile("desk.jsonl", jsonl(1), "application/octet-stream"),
        brand=str(bare.pk),
    )
    assert response.status_code == 200
    errors = text_of(parse(response).select_one(".field-brand .errorlist"))
    assert "Select a valid choice" in errors
    assert ImportJob.objects.count() == 0


@pytest.fixture
def sport_editor(django_user_model, brands):
    """An editor who works on the sport brand alone (docs/brands.md, editors per brand)."""
    _, sport = brands
    return signed_in(give_brands(member(django_user_model, "Editor", "sam"), sport))


def test_the_import_form_offers_an_editor_their_brands_only(sport_editor):
    page = parse(sport_editor.get("/admin/importers/importjob/add/"))
    select = page.find("select", attrs={"name": "brand"})
    assert [text_of(option) for option in select.find_all("option")] == [
        f"Tester Sport ({SPORT})"
    ]


def test_a_crafted_import_to_a_brand_the_editor_does_not_work_on_is_refused(
    sport_editor, brands
):
    news, _ = brands
    response = submit(
        sport_editor,
        upload=SimpleUploadedFile("desk.jsonl", jsonl(1), "application/octet-stream"),
        brand=str(news.pk),
    )
    assert response.status_code == 200
    assert "Select a valid choice" in text_of(parse(response).select_one(".field-brand .errorlist"))
    assert ImportJob.objects.count() == 0
    assert Article.objects.count() == 0


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_line_naming_a_brand_the_editor_does_not_work_on_is_refused_alone(
    sport_editor, brands, dry_run, django_capture_on_commit_callbacks
):
    _, sport = brands
    crafted = {**json.loads(jsonl(1)), "source": {"system": "desk", "id": "9"}, "brand": NEWS}
    lines = jsonl(2) + (json.dumps(crafted) + "\n").encode()
    submit(
        sport_editor,
        upload=SimpleUploadedFile("desk.jsonl", lines, "application/octet-stream"),
        brand=str(sport.pk),
        run=django_capture_on_commit_callbacks,
        **({"dry_run": "on"} if dry_run else {}),
    )
    job = ImportJob.objects.get()
    report = report_of(job_page(sport_editor, job))
    assert f"line 3: brand '{NEWS}' is not one the person who started this import works on" in (
        report
    )
    assert not Article.objects.filter(brand__domain=NEWS).exists()
    assert Article.objects.filter(brand=sport).count() == (0 if dry_run else 2)


# Exports ---------------------------------------------------------------------------------------


def export(*args):
    out = io.StringIO()
    call_command("export_articles", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_an_export_of_a_brand_holds_its_own_articles_each_naming_its_brand(tmp_path, brands):
    news, sport = brands
    assert not run(mixed_file(tmp_path))[0]  # line 3 fails
    Article.objects.get(source_id="story-1").syndicated_to.add(sport)

    everything = export()
    assert sorted((line["source"]["id"], line["brand"]) for line in everything) == [
        ("story-1", NEWS), ("story-2", SPORT), ("story-4", NEWS)
    ]
    assert [line["source"]["id"] for line in export("--brand", SPORT)] == ["story-2"]
    with_copies = export("--brand", SPORT, "--with-syndicated")
    assert sorted((line["source"]["id"], line["brand"]) for line in with_copies) == [
        ("story-1", NEWS), ("story-2", SPORT)
    ]
    with pytest.raises(CommandError, match="--brand: brand 'x.example' is not a brand"):
        export("--brand", "x.example")
    with pytest.raises(CommandError, match="--with-syndicated needs --brand"):
        export("--with-syndicated")


def test_a_brands_export_imports_to_the_same_brand_in_a_fresh_database(tmp_path, brands):
    _, sport = brands
    lines = [record(n, brand=SPORT) for n in (1, 2)] + [record(3), record(4, brand=NEWS)]
    assert run(write_jsonl(tmp_path / "in.jsonl", *lines))[0]
    before = [row for row in snapshot() if row["source"][1] in {"story-1", "story-2"}]

    path = tmp_path / "out" / "sport.jsonl"
    call_command("export_articles", "--brand", SPORT, "--output", str(path), stdout=io.StringIO())
    Article.objects.all().delete()
    Author.objects.all().delete()
    Topic.objects.all().delete()

    ok, out, err = run(path)  # no --brand: each line names its own
    assert ok, err
    assert "article: 2 created" in out
    assert snapshot() == before
    assert brands_of() == {"story-1": SPORT, "story-2": SPORT}
