"""Reader submissions belong to the brand whose form they were sent on: each brand's desk sees
its own (editors per brand, docs/brands.md), and a draft made from one is that brand's."""

import pytest
from django.urls import reverse

from articles.models import Article
from submissions.models import Submission, SubmissionFile
from tests import test_brand_editors
from tests.conftest import parse, text_of
from tests.test_submissions import SUBMIT, form_data, picture, run_draft_action

pytestmark = pytest.mark.django_db

SPORT_HOST = "sport.example.org"
DESK = reverse("admin:submissions_submission_changelist")

# The brands and persona of the editors-per-brand tests: News and Sport, an editor of News.
news, sport = test_brand_editors.news, test_brand_editors.sport
news_editor = test_brand_editors.news_editor


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.SUBMISSIONS_ROOT = tmp_path / "submissions"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, SPORT_HOST]


def send(reader, name, host=None, **extra):
    hosts = {"HTTP_HOST": host} if host else {}
    response = reader.post(SUBMIT, {**form_data(name=name), **extra}, **hosts)
    assert response.status_code == 302
    return Submission.objects.get(name=name)


def test_a_submission_is_the_brand_it_was_sent_on_and_so_is_its_draft(
    reader, editor, news, sport
):
    on_news = send(reader, "Nora News")
    on_sport = send(reader, "Sam Sport", SPORT_HOST)
    assert (on_news.brand, on_sport.brand) == (news, sport)
    Submission.objects.update(status=Submission.Status.CLEARED)
    run_draft_action(editor, on_sport)  # a whole-network editor
    assert Article.objects.get(source_id=on_sport.reference).brand == sport


def test_a_brand_editors_desk_holds_their_brands_submissions_alone(
    reader, news_editor, news, sport
):
    send(reader, "Nora News")
    theirs = send(reader, "Sam Sport", SPORT_HOST, files=[picture("swan.jpg")])
    page = parse(news_editor.get(DESK))
    listed = text_of(page.find(id="result_list"))
    assert "Nora News" in listed and "Sam Sport" not in listed
    # Another brand's submission, its page and its file, at their addresses: not found.
    change = reverse("admin:submissions_submission_change", args=[theirs.pk])
    assert news_editor.get(change).status_code == 302  # the admin's "does not exist"
    stored = SubmissionFile.objects.get(submission=theirs)
    download = reverse("submissions:file-download", args=[stored.pk])
    assert news_editor.get(download).status_code == 404


def test_the_whole_networks_desk_holds_every_brands(reader, editor, news, sport):
    send(reader, "Nora News")
    theirs = send(reader, "Sam Sport", SPORT_HOST, files=[picture("swan.jpg")])
    listed = text_of(parse(editor.get(DESK)).find(id="result_list"))
    assert "Nora News" in listed and "Sam Sport" in listed
    stored = SubmissionFile.objects.get(submission=theirs)
    assert editor.get(reverse("submissions:file-download", args=[stored.pk])).status_code == 200
