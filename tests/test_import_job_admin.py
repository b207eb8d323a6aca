"""Imports from the admin: the form as the page presents it, what it refuses, the job's page
(progress, the report so far, "Download report", "Cancel") and who may reach any of it.

Without a broker (the tests' default) queued work runs in this process once the admin's
transaction commits; `django_capture_on_commit_callbacks(execute=True)` stands for that commit.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article
from importers import job_run
from importers.job_models import ImportJob
from tests.admin_forms import form_fields
from tests.conftest import SHARED_FIXTURES, parse, text_of
from tests.import_job_files import jsonl, wxr
from tests.test_import_feed import RSS
from tests.test_import_feed import server as local_server

pytestmark = pytest.mark.django_db

server = local_server  # the feed tests' local web server, a fixture of this module too

ADD = reverse("admin:importers_importjob_add")
LIST = reverse("admin:importers_importjob_changelist")


@pytest.fixture(autouse=True)
def import_files(settings, tmp_path):
    settings.IMPORTS_ROOT = tmp_path / "imports"
    return settings.IMPORTS_ROOT


def stored_files(root):
    return sorted(path.name for path in root.rglob("*") if path.is_file()) if root.exists() else []


def submit(client, *, upload=None, run=None, **changes):
    """GET the form, fill it in as an editor would, POST it; `run` executes the queued work."""
    page = client.get(ADD)
    assert page.status_code == 200
    fields = form_fields(page, "importjob_form")
    assert parse(page).find("form", id="importjob_form")["enctype"] == "multipart/form-data"
    names = {field["name"] for field in parse(page).find_all(["input", "select", "textarea"])
             if field.get("name")}
    assert {"upload", "feed_url", "section", "dry_run", "strict", "fetch_media"} <= names
    fields.update(changes)
    if upload is not None:
        fields["upload"] = upload
    if run is None:
        return client.post(ADD, fields)
    with run(execute=True):
        return client.post(ADD, fields)


def job_page(client, job):
    return client.get(reverse("admin:importers_importjob_change", args=[job.pk]))


def report_of(page):
    return parse(page).find("pre", id="import-report").get_text()


def test_an_editor_imports_a_wordpress_export_and_follows_it_to_the_end(
    editor, django_capture_on_commit_callbacks
):
    response = submit(
        editor,
        upload=SimpleUploadedFile("harbour.xml", wxr(5, draft_every=5), "text/xml"),
        run=django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:importers_importjob_change", args=[job.pk])
    assert job.kind == ImportJob.Kind.WORDPRESS and job.started_by == editor.user
    assert job.source_system == "wordpress:harbour.example"

    page = job_page(editor, job)
    html = parse(page)
    assert text_of(html.find(id="import-status")) == "Done"
    bar = html.find("progress", id="import-progress")
    assert (bar["value"], bar["max"]) == ("5", "5")
    assert text_of(html.find(id="import-counts")) == "5 of 5 items"
    report = report_of(page)
    assert "Imported harbour.xml:" in report
    assert "post: 5 created, 0 updated, 0 unchanged, 0 skipped, 0 failed" in report
    assert "comment: 0 created, 0 updated, 0 unchanged, 1 skipped, 0 failed" in report
    assert html.find("form", class_="import-cancel") is None  # over: nothing to cancel
    # Nothing left to follow.
    assert html.find("script", src=lambda src: src and "import-progress" in src) is None
    assert Article.objects.filter(source_system="wordpress:harbour.example").count() == 5
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == 1

    listing = text_of(parse(editor.get(LIST)).find("table", id="result_list"))
    assert "harbour.xml" in listing and "5 of 5" in listing and "Done" in listing


def test_a_detailed_report_lists_each_skipped_item(editor, django_capture_on_commit_callbacks):
    submit(editor, upload=SimpleUploadedFile("harbour.xml", wxr(3), "text/xml"),
           detailed="on", run=django_capture_on_commit_callbacks)
    report = report_of(job_page(editor, ImportJob.objects.get()))
    assert "harbour.xml, item 3 (post 3): comment skipped: comments are not imported" in report


@pytest.mark.skipif(not SHARED_FIXTURES.is_dir(), reason="the shared fixtures are absent")
def test_a_real_wordpress_export_imports_as_the_command_would(
    editor, django_capture_on_commit_callbacks
):
    export = (SHARED_FIXTURES / "wxr" / "small-export.xml").read_bytes()
    submit(
        editor,
        upload=SimpleUploadedFile("small-export.xml", export, "application/xml"),
        run=django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE
    imported = set(Article.objects.values_list("source_id", flat=True))

    # The command, over the same file, finds every article the job wrote and writes nothing.
    from django.core.management import call_command

    folder = job_run.import_storage().path(job.file_name)
    out = io.StringIO()
    call_command("import_wordpress", folder, stdout=out)
    assert set(Article.objects.values_list("source_id", flat=True)) == imported
    assert " 0 created, 0 updated" in out.getvalue()
    assert "created" in report_of(job_page(editor, job))


def test_a_json_lines_file_is_imported(editor, django_capture_on_commit_callbacks):
    submit(
        editor,
        upload=SimpleUploadedFile("desk.jsonl", jsonl(3), "application/octet-stream"),
        run=django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    assert (job.kind, job.status) == (ImportJob.Kind.INTERCHANGE, ImportJob.Status.DONE)
    assert "article: 3 created, 0 updated, 0 unchanged, 0 skipped, 0 failed" in report_of(
        job_page(editor, job)
    )
    assert Article.objects.filter(source_system="desk").count() == 3


def test_a_dry_run_reports_and_writes_nothing(editor, django_capture_on_commit_callbacks):
    submit(
        editor,
        upload=SimpleUploadedFile("harbour.xml", wxr(4), "text/xml"),
        dry_run="on",
        run=django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    report = report_of(job_page(editor, job))
    assert job.status == ImportJob.Status.DONE
    assert "Dry run of harbour.xml:" in report and "Dry run: nothing was written." in report
    assert "post: 4 created" in report
    assert not Article.objects.exists()


def test_a_failing_item_is_reported_with_where_and_why(editor, django_capture_on_commit_callbacks):
    submit(
        editor,
        upload=SimpleUploadedFile("harbour.xml", wxr(4, long_title_at=2), "text/xml"),
        run=django_capture_on_commit_callbacks,
    )
    report = report_of(job_page(editor, ImportJob.objects.get()))
    assert "harbour.xml, item 2 (post 2): its title is longer than 255 characters. " \
        "(post not imported)" in report
    assert "post: 3 created, 0 updated, 0 unchanged, 0 skipped, 1 failed" in report


# What the form refuses: a clear message, no job, no file kept --------------------------------

ENTITIES = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
<rss version="2.0"><channel><title>&lol2;</title></channel></rss>"""
RSS_FILE = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>A story</title></item></channel></rss>"""
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.xml", PNG, "neither a WordPress export (XML) nor a JSON Lines file"),
        ("export.xml", wxr(3)[:-300], "If the export was cut short, export the site again."),
        ("export.xml", ENTITIES, "declares XML entities; entity declarations are refused"),
        ("feed.xml", RSS_FILE, "does not appear to be a WordPress export (WXR) file"),
        ("lines.jsonl", b"{not json\n", "This is not a JSON Lines file: line 1 is invalid JSON"),
        ("lines.jsonl", b"[1, 2]\n", "neither a WordPress export"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_with_the_reason(
    editor, import_files, name, content, message
):
    response = submit(editor, upload=SimpleUploadedFile(name, content))
    assert response.status_code == 200
    errors = text_of(parse(response).find("div", class_="field-upload").find(class_="errorlist"))
    assert message in errors
    assert not ImportJob.objects.exists()
    assert stored_files(import_files) == []


def test_a_file_over_the_limit_is_refused(editor, settings, import_files):
    settings.IMPORT_UPLOAD_MAX_BYTES = 100
    response = submit(editor, upload=SimpleUploadedFile("harbour.xml", wxr(3)))
    errors = text_of(parse(response).find("div", class_="field-upload").find(class_="errorlist"))
    assert "the largest accepted is 100 bytes" in errors
    assert not ImportJob.objects.exists() and stored_files(import_files) == []


@pytest.mark.parametrize(
    "address", ["http://127.0.0.1/feed.xml", "http://10.0.0.7/feed.xml", "http://[::1]/feed"]
)
def test_a_feed_on_a_private_address_is_refused(editor, address):
    response = submit(editor, feed_url=address)
    errors = text_of(parse(response).find("div", class_="field-feed_url").find(class_="errorlist"))
    assert "a private or internal address, and importers only fetch from public addresses" in errors
    assert not ImportJob.objects.exists()


def test_a_feed_address_is_fetched_once_checked_and_imported(
    editor, server, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_FETCH_ALLOW_PRIVATE = ("127.0.0.0/8",)  # the test server, and only it
    base, served, requests = server
    served["/wire/feed.xml"] = ("application/rss+xml", RSS.format(image=f"{base}/a.jpg").encode())
    submit(editor, feed_url=f"{base}/wire/feed.xml", section="Wire",
           run=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert (job.kind, job.status, job.source_system) == (
        ImportJob.Kind.FEED, ImportJob.Status.DONE, "feed:wire.example"
    )
    assert requests == ["/wire/feed.xml"]  # the worker reads the feed as the form fetched it
    report = report_of(job_page(editor, job))
    assert "Imported feed.xml:" in report
    assert "entry: 2 created, 0 updated, 0 unchanged, 0 skipped, 0 failed" in report
    assert set(Article.objects.values_list("section__name", flat=True)) == {"Wire"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (ENTITIES, "The file declares XML entities (<!ENTITY lol …>), refused for safety."),
        (b"<html><body>Hello</body></html>", "Not a feed: the root element is <html>"),
    ],
)
def test_a_feed_that_is_hostile_or_not_a_feed_is_refused(editor, server, settings, body, message):
    settings.IMPORT_FETCH_ALLOW_PRIVATE = ("127.0.0.0/8",)
    base, served, _ = server
    served["/feed.xml"] = ("application/rss+xml", body)
    response = submit(editor, feed_url=f"{base}/feed.xml")
    errors = text_of(parse(response).find("div", class_="field-feed_url").find(class_="errorlist"))
    assert message in errors
    assert not ImportJob.objects.exists()


def test_the_form_wants_a_file_or_an_address_but_not_both(editor):
    neither = parse(submit(editor))
    assert "Upload a file or give a feed address." in text_of(neither.find(class_="errornote")
                                                              .find_next(class_="errorlist"))
    both = parse(submit(editor, upload=SimpleUploadedFile("h.xml", wxr(1)),
                        feed_url="https://wire.example/feed.xml"))
    assert "not both" in text_of(both.find("ul", class_="errorlist nonfield"))
    assert not ImportJob.objects.exists()


# A job on its way: progress, the report so far, download, cancel ------------------------------


@pytest.fixture
def halfway(editor, settings, django_capture_on_commit_callbacks, monkeypatch):
    """A 9-post import in parts of 4 items with batches of 2, its first part written and the
    other two waiting for a worker."""
    settings.IMPORT_PART_ITEMS = 4
    monkeypatch.setattr(job_run, "BATCH_ITEMS", 2)
    submit(editor, upload=SimpleUploadedFile("harbour.xml", wxr(9, long_title_at=3),
                                             "text/xml"))
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=False):
        job_run.plan(job.pk)  # parts queued, not run
    first = job.parts.get(number=1)
    job_run.import_part(first.pk)
    job.refresh_from_db()
    return job


def test_the_page_of_a_running_import_shows_its_progress_and_the_report_so_far(editor, halfway):
    assert halfway.status == ImportJob.Status.RUNNING
    assert list(halfway.parts.values_list("number", "first_item", "last_item", "status")) == [
        (0, 1, 0, "done"), (1, 1, 4, "done"), (2, 5, 8, "queued"), (3, 9, 9, "queued"),
    ]
    page = job_page(editor, halfway)
    html = parse(page)
    assert text_of(html.find(id="import-status")) == "Running"
    bar = html.find("progress", id="import-progress")
    assert (bar["value"], bar["max"]) == ("4", "9")
    assert text_of(html.find(id="import-counts")) == "4 of 9 items"
    report = report_of(page)
    assert "harbour.xml, item 3 (post 3): its title is longer" in report
    assert "So far:" in report and "post: 3 created, 0 updated, 0 unchanged, 0 skipped, 1 failed" \
        in report
    script = html.find("script", src=lambda src: src and "import-progress.js" in src)
    assert script is not None
    assert html.find("div", id="import-job")["data-progress-url"] == reverse(
        "admin:importers_importjob_progress", args=[halfway.pk]
    )
    progress = editor.get(reverse("admin:importers_importjob_progress", args=[halfway.pk]))
    assert progress.json() == {"status": "running", "status_display": "Running",
                               "processed": 4, "total": 9, "finished": False}


def test_the_report_downloads_as_text(editor, halfway):
    page = parse(job_page(editor, halfway))
    link = page.find("a", string="Download report")
    response = editor.get(link["href"])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="import-{halfway.pk}-report.txt"'
    )
    text = response.content.decode()
    assert text.splitlines()[0] == (
        "harbour.xml, item 3 (post 3): its title is longer than 255 characters. "
        "(post not imported)"
    )
    assert "  post: 3 created, 0 updated, 0 unchanged, 0 skipped, 1 failed" in text


def test_cancel_stops_a_running_import_after_its_batch_and_keeps_what_was_imported(
    editor, halfway, django_capture_on_commit_callbacks
):
    form = parse(job_page(editor, halfway)).find("form", class_="import-cancel")
    assert form["method"] == "post"
    response = editor.post(form["action"], {})
    assert response.status_code == 302
    halfway.refresh_from_db()
    assert halfway.status == ImportJob.Status.RUNNING and halfway.cancel_requested_at
    for part in halfway.parts.filter(status="queued"):  # the workers take the other parts
        job_run.import_part(part.pk)
    halfway.refresh_from_db()
    assert halfway.status == ImportJob.Status.CANCELLED
    assert Article.objects.count() == 3  # part 1's posts stay; nothing after
    page = job_page(editor, halfway)
    assert "Cancelled by eddie after 4 of 9 items; what was imported stays." in report_of(page)
    assert parse(page).find("form", class_="import-cancel") is None


def test_a_queued_import_cancelled_never_starts(editor, django_capture_on_commit_callbacks):
    submit(editor, upload=SimpleUploadedFile("harbour.xml", wxr(3), "text/xml"))
    job = ImportJob.objects.get()
    editor.post(reverse("admin:importers_importjob_cancel", args=[job.pk]))
    job_run.plan(job.pk)  # the worker takes the queued task
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED
    assert not Article.objects.exists()
    assert editor.get(reverse("admin:importers_importjob_cancel", args=[job.pk])).status_code \
        == 405


def test_a_batch_that_dies_leaves_nothing_and_its_retry_doubles_nothing(
    editor, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """A worker killed mid-batch, as the task sees it: the batch's transaction never commits,
    and the task runs again (here: the retry of the in-process run)."""
    settings.IMPORT_PART_ITEMS = 6
    monkeypatch.setattr(job_run, "BATCH_ITEMS", 2)
    real_checkpoint, calls = job_run.checkpoint, []

    def dying_checkpoint(part, *args, **kwargs):
        calls.append(part.number)
        if len(calls) == 3:  # the second batch of part 1, its items written
            raise RuntimeError("worker killed")
        real_checkpoint(part, *args, **kwargs)

    monkeypatch.setattr(job_run, "checkpoint", dying_checkpoint)
    submit(editor, upload=SimpleUploadedFile("harbour.xml", wxr(10), "text/xml"),
           run=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE
    assert Article.objects.count() == 10
    report = report_of(job_page(editor, job))
    assert "post: 10 created, 0 updated, 0 unchanged, 0 skipped, 0 failed" in report
    assert "author: 1 created, 0 updated, 0 unchanged" in report
    assert list(job.parts.values_list("number", "items_done")) == [(0, 0), (1, 6), (2, 4)]


# Who may reach it -----------------------------------------------------------------------------


def test_editors_and_superusers_see_imports_in_the_admin(editor, superuser, administrator):
    for client in (editor, superuser, administrator):
        home = parse(client.get(reverse("admin:index")))
        assert home.find("a", href=LIST) is not None
        assert client.get(ADD).status_code == 200


def test_contributors_and_readers_reach_none_of_it(contributor, reader, editor, halfway):
    urls = [
        LIST,
        ADD,
        reverse("admin:importers_importjob_change", args=[halfway.pk]),
        reverse("admin:importers_importjob_progress", args=[halfway.pk]),
        reverse("admin:importers_importjob_report", args=[halfway.pk]),
    ]
    assert parse(contributor.get(reverse("admin:index"))).find("a", href=LIST) is None
    for url in urls:
        assert contributor.get(url).status_code == 403, url
        answer = reader.get(url)
        assert answer.status_code == 302 and "/login/" in answer["Location"], url
    cancel = reverse("admin:importers_importjob_cancel", args=[halfway.pk])
    assert contributor.post(cancel).status_code == 403
    assert reader.post(cancel).status_code == 302
    contributor.post(ADD, {"upload": SimpleUploadedFile("h.xml", wxr(1))})
    halfway.refresh_from_db()
    assert halfway.cancel_requested_at is None and ImportJob.objects.count() == 1


@pytest.mark.skipif(not SHARED_FIXTURES.is_dir(), reason="the shared fixtures are absent")
def test_an_export_split_into_parts_reports_what_the_command_would(
    editor, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    export = SHARED_FIXTURES / "wxr" / "small-export.xml"
    out = io.StringIO()
    call_command("import_wordpress", str(export), "--dry-run", stdout=out, stderr=out)
    expected = [line for line in out.getvalue().splitlines() if line.startswith("  ")]

    settings.IMPORT_PART_ITEMS = 3
    monkeypatch.setattr(job_run, "BATCH_ITEMS", 2)
    submit(editor, upload=SimpleUploadedFile("small-export.xml", export.read_bytes()),
           run=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.parts.count() == 1 + 4  # the shared part, then 11 items in parts of 3
    report = report_of(job_page(editor, job)).splitlines()
    assert [line for line in report if line.startswith("  ")] == expected


def test_an_administrator_deletes_a_finished_import_and_its_files(
    administrator, editor, import_files, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_PART_ITEMS = 2
    submit(editor, upload=SimpleUploadedFile("harbour.xml", wxr(5), "text/xml"),
           run=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert len(stored_files(import_files)) == 1 + 3  # the upload and its three parts
    assert parse(job_page(editor, job)).find("a", class_="deletelink") is None
    page = parse(job_page(administrator, job))
    confirm = administrator.get(page.find("a", class_="deletelink")["href"])
    assert confirm.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        administrator.post(confirm.wsgi_request.path, {"post": "yes"})
    assert not ImportJob.objects.exists()
    assert stored_files(import_files) == []
    assert Article.objects.count() == 5  # what was imported stays


def test_a_deployment_keeping_uploads_where_media_are_served_is_refused(settings, tmp_path):
    from importers.system_checks import imports_root_is_private

    assert imports_root_is_private(None) == []
    settings.IMPORTS_ROOT = tmp_path / "media" / "imports"
    errors = imports_root_is_private(None)
    assert [error.id for error in errors] == ["importers.E001"]
    assert "inside MEDIA_ROOT" in errors[0].msg
