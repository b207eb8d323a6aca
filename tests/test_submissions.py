"""Submit Your Content: the reader's form, its receipt, its defences against robots and floods,
private storage of what readers send, and the desk that turns a cleared submission into a draft.

What happens to hostile or oversized files is in test_submission_uploads.
"""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.models import Article
from library.models import Image as LibraryImage
from submissions import consent
from submissions.models import Submission, SubmissionFile
from tests.conftest import parse, text_of
from tests.test_library import after_commit

pytestmark = pytest.mark.django_db

SUBMIT = "/submit/"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """Each test keeps submitted files in a folder of its own, beside its media folder."""
    settings.SUBMISSIONS_ROOT = tmp_path / "submissions"
    return settings.SUBMISSIONS_ROOT


def picture(name="harbour.jpg", size=(320, 200), fmt="JPEG", color=(30, 120, 200)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def form_data(**changes):
    """What a reader who fills in everything sends; a value of None leaves the field out."""
    data = {
        "name": "Jane Doe",
        "email": "jane@example.com",
        "story": "A swan stopped the traffic on the bridge.\n\nIt waited for the lights.",
        "link": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "filmed_where": "Town bridge, Riverside",
        "filmed_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "rights": "on",
        "licence": "on",
        "website": "",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def stored_files(root):
    root = Path(root)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def field_errors(response, name):
    node = parse(response).select_one(f"#id_{name}_error")
    return text_of(node) if node else ""


# The form ---------------------------------------------------------------------------------


def test_the_form_asks_for_consent_with_unticked_boxes(reader):
    response = reader.get(SUBMIT)
    assert response.status_code == 200
    page = parse(response)
    assert text_of(page.h1) == "Submit your content"
    consents = page.select_one("fieldset.submission-form__consents")
    assert text_of(consents.legend) == "Your permission"
    boxes = consents.select("input[type=checkbox]")
    assert [box["name"] for box in boxes] == ["rights", "licence"]
    assert not any(box.has_attr("checked") for box in boxes)
    labels = [text_of(page.select_one(f"label[for={box['id']}]")) for box in boxes]
    assert labels == [consent.RIGHTS, consent.LICENCE]


def test_the_form_works_without_script_or_inline_styles(reader):
    page = parse(reader.get(SUBMIT))
    form = page.select_one("form.submission-form")
    assert form["method"] == "post"
    assert form["enctype"] == "multipart/form-data"
    assert form["action"] == SUBMIT
    assert form.select_one("input[name=csrfmiddlewaretoken]")
    assert [s for s in page.select("script") if not s.has_attr("src")] == []
    assert page.select("style") == []
    assert page.select("[style]") == []
    assert form.select_one("button[type=submit]")


def test_every_field_has_a_label_and_the_usual_autocomplete(reader):
    form = parse(reader.get(SUBMIT)).select_one("form.submission-form")
    for field in form.select("input:not([type=hidden]), textarea"):
        assert form.select_one(f"label[for={field['id']}]"), field["name"]
    assert form.select_one("[name=name]")["autocomplete"] == "name"
    assert form.select_one("[name=email]")["autocomplete"] == "email"
    assert form.select_one("[name=link]")["autocomplete"] == "url"
    files = form.select_one("[name=files]")
    assert files.has_attr("multiple")
    assert "video/mp4" in files["accept"] and "image/jpeg" in files["accept"]
    # Help text is read with its field.
    email = form.select_one("[name=email]")
    assert "receipt" in text_of(form.select_one(f"#{email['aria-describedby']}"))


def test_the_robot_trap_is_hidden_from_people_but_labelled(reader):
    form = parse(reader.get(SUBMIT)).select_one("form.submission-form")
    trap = form.select_one("input[name=website]")
    assert trap["tabindex"] == "-1"
    assert trap["autocomplete"] == "off"
    assert text_of(form.select_one(f"label[for={trap['id']}]")) == "Leave this empty"
    wrapper = trap.find_parent("div")
    assert "form-trap" in wrapper["class"]
    stylesheet = (Path(settings.BASE_DIR) / "static/css/site.css").read_text()
    assert ".form-trap {" in stylesheet


def test_the_form_page_is_never_kept_in_a_shared_cache(reader):
    cache_control = reader.get(SUBMIT)["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control
    assert "public" not in cache_control


def test_the_form_and_thank_you_pages_read_nothing_once_the_header_is_cached(reader):
    for url in (SUBMIT, reverse("submissions:thanks")):
        assert reader.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert reader.get(url).status_code == 200
        assert len(queries) == 0, url


def test_a_submission_costs_a_fixed_number_of_queries(reader):
    def queries_for(files):
        with CaptureQueriesContext(connection) as queries:
            response = reader.post(SUBMIT, {**form_data(), "files": files})
        assert response.status_code == 302
        return len(queries)

    reader.get(SUBMIT)  # the brand's host names are read once a process, not per submission
    one = queries_for([picture()])
    # Each more file is its one INSERT, nothing more.
    assert queries_for([picture(), picture(), picture()]) == one + 2


def test_the_site_header_links_to_the_form(reader):
    page = parse(reader.get(SUBMIT))
    assert page.select_one("a.submit-link")["href"] == SUBMIT


# Validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        pytest.param(
            {"rights": None},
            "rights",
            "Tick this box to confirm you may share what you send.",
            id="rights-unticked",
        ),
        pytest.param(
            {"licence": None},
            "licence",
            "Tick this box to let us publish what you send.",
            id="licence-unticked",
        ),
        pytest.param(
            {"link": "https://vimeo.example.com/123"},
            "link",
            "Give the address of a post or video on YouTube, TikTok, Instagram, X (Twitter) or Facebook",
            id="link-elsewhere",
        ),
        pytest.param(
            {"link": "javascript:alert(1)"},
            "link",
            "Enter a valid URL.",
            id="link-not-http",
        ),
        pytest.param(
            {"link": "https://youtube.com.evil.example/watch?v=x"},
            "link",
            "Give the address of a post or video on YouTube",
            id="link-lookalike-host",
        ),
        pytest.param(
            {"filmed_on": (timezone.localdate() + timedelta(days=7)).isoformat()},
            "filmed_on",
            "The date is in the future; give the day it was filmed.",
            id="future-date",
        ),
        pytest.param(
            {"email": "jane.example.com"},
            "email",
            "Enter a valid email address.",
            id="bad-email",
        ),
        pytest.param({"name": ""}, "name", "This field is required.", id="no-name"),
    ],
)
def test_a_form_with_a_mistake_is_shown_again_with_the_error_at_its_field(
    reader, mailoutbox, private_root, changes, field, message
):
    response = reader.post(SUBMIT, form_data(**changes))
    assert response.status_code == 200
    assert message in field_errors(response, field)
    page = parse(response)
    box = page.select_one(f"[name={field}]")
    assert box["aria-invalid"] == "true"
    assert f"id_{field}_error" in box["aria-describedby"].split()
    assert message in text_of(page.select_one(".form-problems"))
    assert parse(response).title.string.startswith("Error:")
    assert Submission.objects.count() == 0
    assert stored_files(private_root) == []
    assert mailoutbox == []


def test_the_reader_must_send_a_story_a_link_or_a_file(reader, mailoutbox):
    response = reader.post(SUBMIT, form_data(story="", link=""))
    assert response.status_code == 200
    problems = text_of(parse(response).select_one(".form-problems"))
    assert "a submission needs at least one of them" in problems
    assert Submission.objects.count() == 0
    assert mailoutbox == []


def test_a_story_alone_is_enough(reader):
    response = reader.post(SUBMIT, form_data(link="", filmed_where="", filmed_on=""))
    assert response.status_code == 302
    assert Submission.objects.get().story.startswith("A swan")


def test_consent_boxes_ticked_before_a_mistake_stay_ticked(reader):
    page = parse(reader.post(SUBMIT, form_data(email="nope")))
    assert page.select_one("[name=rights]").has_attr("checked")
    assert page.select_one("[name=name]")["value"] == "Jane Doe"


# A valid submission -----------------------------------------------------------------------


def test_a_valid_submission_is_kept_with_its_consent_and_answered_with_a_receipt(
    reader, mailoutbox, private_root
):
    before = timezone.now()
    response = reader.post(
        SUBMIT,
        {**form_data(), "files": [picture("Swan on the bridge.jpg")]},
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 1000,
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("submissions:thanks")

    submission = Submission.objects.get()
    assert submission.status == Submission.Status.NEW
    assert submission.name == "Jane Doe"
    assert submission.link == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert submission.filmed_where == "Town bridge, Riverside"
    assert submission.consent_wording == f"{consent.RIGHTS}\n{consent.LICENCE}"
    assert submission.consent_version == consent.CONSENT_VERSION == "2026-11"
    assert before <= submission.consented_at <= timezone.now()
    assert submission.client_ip == "203.0.113.7"
    assert len(submission.user_agent) == 300
    assert submission.reference.startswith("NR-")

    stored = submission.files.get()
    assert stored.original_name == "Swan on the bridge.jpg"
    assert stored.kind == "image"
    assert stored.content_type == "image/jpeg"
    path = Path(stored.file.path)
    assert path.is_relative_to(private_root)
    assert not path.is_relative_to(settings.MEDIA_ROOT)
    assert "swan" not in path.name.lower()  # a random name; the reader's stays in the database
    assert stored_files(settings.MEDIA_ROOT) == []

    (mail,) = mailoutbox
    assert mail.to == ["jane@example.com"]
    assert mail.from_email == settings.DEFAULT_FROM_EMAIL
    assert submission.reference in mail.subject
    assert submission.reference in mail.body
    assert consent.RIGHTS in mail.body
    assert consent.LICENCE in mail.body
    assert "version 2026-11" in mail.body
    assert "Swan on the bridge.jpg" in mail.body
    assert "A swan stopped the traffic on the bridge." in mail.body
    assert "https://www.youtube.com/watch?v=dQw4w9WgXcQ" in mail.body
    assert mail.alternatives == []  # plain text


def test_the_thank_you_page_says_a_receipt_is_on_its_way(reader):
    response = reader.post(SUBMIT, form_data(), follow=True)
    page = parse(response)
    assert response.status_code == 200
    assert text_of(page.h1) == "Thank you"
    assert "emailed you a receipt" in text_of(page.select_one("main"))
    assert page.select_one("meta[name=robots]")["content"] == "noindex"
    # It names no submission, so it may be cached like any public page.
    assert "public" in response["Cache-Control"]


def test_a_failing_mail_server_does_not_lose_the_submission(reader, settings, caplog):
    settings.EMAIL_BACKEND = "tests.test_submissions.BrokenMail"
    response = reader.post(SUBMIT, form_data())
    assert response.status_code == 302
    assert Submission.objects.count() == 1
    assert "was not sent" in caplog.text


class BrokenMail:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


# Robots and floods ------------------------------------------------------------------------


def test_a_filled_in_trap_is_thanked_and_thrown_away(reader, mailoutbox, private_root):
    response = reader.post(
        SUBMIT, {**form_data(website="https://spam.example"), "files": [picture()]}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("submissions:thanks")
    assert Submission.objects.count() == 0
    assert stored_files(private_root) == []
    assert mailoutbox == []


def test_a_sixth_submission_within_the_hour_is_refused_with_retry_after(
    reader, settings, mailoutbox
):
    settings.SUBMISSIONS_RATE = "5/h"
    for _ in range(5):
        assert reader.post(SUBMIT, form_data(), REMOTE_ADDR="198.51.100.4").status_code == 302

    response = reader.post(SUBMIT, form_data(), REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "no-store" in response["Cache-Control"]
    message = text_of(parse(response).select_one(".form-problems"))
    assert "You have sent several submissions in a short time. Please wait" in message
    assert Submission.objects.count() == 5
    assert len(mailoutbox) == 5

    # Reading the form is never limited, and another address is counted on its own.
    assert reader.get(SUBMIT, REMOTE_ADDR="198.51.100.4").status_code == 200
    assert reader.post(SUBMIT, form_data(), REMOTE_ADDR="198.51.100.5").status_code == 302


def test_the_form_keeps_django_csrf_protection(private_root):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    response = browser.post(SUBMIT, form_data())
    assert response.status_code == 403
    assert Submission.objects.count() == 0

    token = parse(browser.get(SUBMIT)).select_one("[name=csrfmiddlewaretoken]")["value"]
    response = browser.post(SUBMIT, {**form_data(), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Submission.objects.count() == 1


# Private files ----------------------------------------------------------------------------


@pytest.fixture
def submitted_file(reader):
    reader.post(SUBMIT, {**form_data(), "files": [picture("Swan.jpg")]})
    return SubmissionFile.objects.get()


def test_anonymous_readers_cannot_download_a_submitted_file(client, submitted_file):
    url = reverse("submissions:file-download", args=[submitted_file.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_signed_in_readers_who_are_not_staff_cannot_download_it(
    client, django_user_model, submitted_file
):
    client.force_login(django_user_model.objects.create_user("reader", "r@example.com", "pw"))
    response = client.get(reverse("submissions:file-download", args=[submitted_file.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_the_desk_permission_are_refused(client, django_user_model, submitted_file):
    client.force_login(
        django_user_model.objects.create_user("intern", "i@example.com", "pw", is_staff=True)
    )
    response = client.get(reverse("submissions:file-download", args=[submitted_file.pk]))
    assert response.status_code == 403


def test_an_editor_downloads_the_file_as_an_attachment(editor, submitted_file):
    response = editor.get(reverse("submissions:file-download", args=[submitted_file.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'attachment; filename="swan.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body == Path(submitted_file.file.path).read_bytes()
    assert Image.open(io.BytesIO(body)).size == (320, 200)


def test_no_public_address_serves_a_submitted_file(reader, submitted_file):
    name = submitted_file.file.name
    assert reader.get(f"/media/{name}").status_code == 404
    assert reader.get(f"/{settings.MEDIA_URL}{Path(name).name}").status_code == 404
    with pytest.raises(ValueError, match="no public address"):
        submitted_file.file.url  # noqa: B018  (reading it is the test)


def test_deleting_a_submission_deletes_its_files(
    submitted_file, django_capture_on_commit_callbacks
):
    path = Path(submitted_file.file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        submitted_file.submission.delete()
    assert not path.exists()


def test_the_storage_check_refuses_a_root_inside_media(settings):
    from submissions.system_checks import submissions_root_is_private

    settings.SUBMISSIONS_ROOT = Path(settings.MEDIA_ROOT) / "submissions"
    assert [error.id for error in submissions_root_is_private(None)] == ["submissions.E001"]


# The moderation desk ----------------------------------------------------------------------


@pytest.fixture
def desk(editor):
    """The moderation desk: an editor, as the roles migrations make them."""
    return editor


def submission(status=Submission.Status.NEW, **fields):
    values = {
        "name": "Jane Doe",
        "email": "jane@example.com",
        "story": "A swan stopped the traffic.",
        "consent_wording": consent.wording(),
        "consent_version": consent.CONSENT_VERSION,
        "consented_at": timezone.now(),
        "status": status,
        **fields,
    }
    return Submission.objects.create(**values)


def changelist_references(response):
    return [text_of(cell) for cell in parse(response).select("#result_list th.field-reference")]


def test_the_desk_filters_submissions_by_status(desk):
    new = submission(name="Ann New")
    cleared = submission(Submission.Status.CLEARED, name="Carl Cleared")
    url = reverse("admin:submissions_submission_changelist")

    response = desk.get(url, {"status__exact": "cleared"})
    assert response.status_code == 200
    assert changelist_references(response) == [cleared.reference]

    everything = changelist_references(desk.get(url))
    assert sorted(everything) == sorted([new.reference, cleared.reference])


def test_the_desk_searches_by_name_and_filters_by_files(desk, reader):
    reader.post(SUBMIT, {**form_data(name="Priya Patel"), "files": [picture()]})
    other = submission(name="Tom Jones")
    with_file = Submission.objects.get(name="Priya Patel")
    url = reverse("admin:submissions_submission_changelist")

    assert changelist_references(desk.get(url, {"q": "patel"})) == [with_file.reference]
    assert changelist_references(desk.get(url, {"files": "yes"})) == [with_file.reference]
    assert changelist_references(desk.get(url, {"files": "no"})) == [other.reference]
    row = parse(desk.get(url, {"q": "patel"})).select_one("#result_list tbody tr")
    assert row.select_one("td.field-has_files img")["alt"] == "True"
    assert text_of(row.select_one("td.field-status")) == "New"


def test_the_desk_shows_consent_read_only_and_files_to_download(desk, reader):
    reader.post(SUBMIT, {**form_data(), "files": [picture("Swan.jpg")]}, REMOTE_ADDR="192.0.2.8")
    item = Submission.objects.get()
    page = parse(desk.get(reverse("admin:submissions_submission_change", args=[item.pk])))
    for field in ("consent_wording", "consent_version", "consented_at", "client_ip", "name"):
        assert page.select_one(f".field-{field} .readonly"), field
        assert page.select_one(f"[name={field}]") is None
    assert "192.0.2.8" in text_of(page.select_one(".field-client_ip"))
    assert page.select_one("[name=status]") and page.select_one("[name=notes]")
    link = page.select_one(".field-download a")
    assert text_of(link) == "Swan.jpg"
    assert link["href"] == reverse("submissions:file-download", args=[item.files.get().pk])


def test_the_editor_role_runs_the_desk_but_cannot_delete(editor):
    account = editor.user
    assert account.has_perms(["submissions.view_submission", "submissions.change_submission"])
    assert not account.has_perm("submissions.delete_submission")
    assert not account.has_perm("submissions.add_submission")
    contributor = Group.objects.get(name="Contributor")
    assert not contributor.permissions.filter(content_type__app_label="submissions").exists()
    assert editor.get(reverse("admin:submissions_submission_changelist")).status_code == 200


# From submission to draft -----------------------------------------------------------------


def run_draft_action(client, *submissions):
    return client.post(
        reverse("admin:submissions_submission_changelist"),
        {"action": "make_draft_article", "_selected_action": [s.pk for s in submissions]},
        follow=True,
    )


def test_a_cleared_submission_becomes_a_draft_with_the_submitters_credit(desk, reader):
    reader.post(
        SUBMIT,
        {
            **form_data(
                name="Jane Doe",
                story="Swan halts bridge traffic\n\nIt stood there for ten minutes & waited.",
            ),
            "files": [picture("first.jpg", color=(200, 0, 0)), picture("second.png", fmt="PNG")],
        },
    )
    item = Submission.objects.get()
    item.status = Submission.Status.CLEARED
    item.save()

    with after_commit():  # and the pictures' renditions, which drafting queued
        response = run_draft_action(desk, item)
    article = Article.objects.get(source_system="submission")
    assert article.status == Article.Status.DRAFT
    assert not article.is_public
    assert article.headline == "Swan halts bridge traffic"
    assert article.source_id == item.reference
    assert article.created_by == desk.user
    assert "<p>It stood there for ten minutes &amp; waited.</p>" in article.body
    assert "<p>https://www.youtube.com/watch?v=dQw4w9WgXcQ</p>" in article.body

    assert article.featured_image_credit == "Jane Doe / Newsroom submission"
    featured = article.featured_library_image
    assert featured.credit == "Jane Doe / Newsroom submission"
    assert article.featured_image.name == featured.file.name
    assert (article.featured_image_width, article.featured_image_height) == (320, 200)
    assert Image.open(featured.file.path).getpixel((5, 5))[0] > 150  # the first picture
    assert article.featured_image_renditions
    assert LibraryImage.objects.filter(credit="Jane Doe / Newsroom submission").count() == 2
    assert item.reference in featured.source_note

    item.refresh_from_db()
    assert item.status == Submission.Status.USED
    assert item.article == article

    message = parse(response).select_one(".messagelist .success")
    assert text_of(message).startswith("Draft article “")
    assert text_of(message).endswith(f"” created from {item.reference}.")
    assert text_of(message.a) == "Swan halts bridge traffic"
    assert message.a["href"] == reverse("admin:articles_article_change", args=[article.pk])

    # The editor sees the draft with its credit line, as readers will once it is published.
    preview = desk.get(reverse("admin:articles_article_change", args=[article.pk]))
    credit = parse(preview).select_one("[name=featured_image_credit]")
    assert credit["value"] == "Jane Doe / Newsroom submission"


def test_a_submission_without_a_story_gets_a_reference_headline(desk):
    item = submission(Submission.Status.CLEARED, story="", link="https://x.com/jane/status/123")
    run_draft_action(desk, item)
    article = Article.objects.get()
    assert article.headline == f"Reader submission {item.reference}"
    assert article.body == "<p>https://x.com/jane/status/123</p>"
    assert not article.featured_image


@pytest.mark.parametrize(
    "status",
    [Submission.Status.NEW, Submission.Status.REVIEWING, Submission.Status.REJECTED, "used"],
)
def test_only_a_cleared_submission_becomes_a_draft(desk, status):
    item = submission(status)
    response = run_draft_action(desk, item)
    assert Article.objects.count() == 0
    assert LibraryImage.objects.count() == 0
    item.refresh_from_db()
    assert item.status == status
    assert item.article is None
    message = text_of(parse(response).select_one(".messagelist .error"))
    assert f"{item.reference} is not cleared, so no article was made from it." in message


def test_drafting_twice_makes_one_article(desk):
    item = submission(Submission.Status.CLEARED)
    run_draft_action(desk, item)
    run_draft_action(desk, item)
    assert Article.objects.count() == 1


def test_a_videos_note_tells_the_editor_they_stay_private(desk, reader):
    clip = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(2000)
    reader.post(SUBMIT, {**form_data(), "files": [SimpleUploadedFile("clip.mp4", clip)]})
    item = Submission.objects.get()
    item.status = Submission.Status.CLEARED
    item.save()
    response = run_draft_action(desk, item)
    message = text_of(parse(response).select_one(".messagelist .success"))
    assert "Its video stays private on the submission" in message
    assert LibraryImage.objects.count() == 0
    assert "mp4" not in Article.objects.get().body


def test_the_draft_action_needs_permission_to_add_articles(client, django_user_model):
    user = django_user_model.objects.create_user("viewer", "v@example.com", "pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_submission", "change_submission"])
    )
    client.force_login(user)
    page = parse(client.get(reverse("admin:submissions_submission_changelist")))
    actions = [option["value"] for option in page.select("select[name=action] option")]
    assert "make_draft_article" not in actions
