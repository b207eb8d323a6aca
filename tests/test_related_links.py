"""Related links point only at http(s) addresses and paths on this site, however they arrive
(the admin, the importer, code calling full_clean), and the public page never links anything
else, even a row stored before the rule."""

import importlib
import io
import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from articles.models import RelatedLink
from tests.admin_forms import form_fields
from tests.conftest import parse, text_of
from tests.factories import ArticleFactory, add_related
from tests.test_import_articles import record, run_import, write_jsonl
from tests.test_roles import change_url, draft_by, errors_of

pytestmark = pytest.mark.django_db

UNSAFE = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "javascript&colon;alert(1)",
    "&#106;avascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "//evil.example/",
    "/\\evil.example/",
    "https:\\\\evil.example/",
    "http:evil.example",
    "https://",
    "ftp://files.example/x",
    "mailto:someone@example.org",
    "relative/path",
]
SAFE = ["https://example.org/explainer", "http://example.org/a?b=c#d", "/news/boats-return/"]


def test_the_model_refuses_every_unsafe_address_and_takes_safe_ones():
    article = ArticleFactory()
    for url in UNSAFE:
        link = RelatedLink(article=article, title="A title", url=url)
        with pytest.raises(ValidationError) as refused:
            link.full_clean()
        assert "http(s) address" in " ".join(refused.value.message_dict["url"]), url
    for url in SAFE:
        RelatedLink(article=article, title="A title", url=url).full_clean()


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:,hi"])
def test_the_admin_refuses_an_unsafe_related_link_with_a_clear_message(editor, url):
    article = draft_by(editor)
    data = form_fields(editor.get(change_url(article)), "article_form")
    data.update({"related_links-0-title": "Click me", "related_links-0-url": url})
    response = editor.post(change_url(article), data)
    assert response.status_code == 200
    assert "http(s) address" in errors_of(response)
    assert not RelatedLink.objects.exists()

    data["related_links-0-url"] = "https://example.org/explainer"
    assert editor.post(change_url(article), data).status_code == 302
    assert RelatedLink.objects.get().url == "https://example.org/explainer"


def test_the_importer_refuses_an_unsafe_address_with_the_models_message(tmp_path):
    path = write_jsonl(
        tmp_path / "a.jsonl",
        json.dumps(record(1, related_links=[{"title": "x", "url": " JaVaScRiPt:alert(1)"}])),
        json.dumps(record(2, related_links=[{"title": "x", "url": "//evil.example/"}])),
    )
    ok, out, err = run_import(path)
    assert not ok
    assert err.count("`url`: Give an http(s) address") == 2
    assert not RelatedLink.objects.exists()


def test_the_page_does_not_link_an_unsafe_address_stored_before_the_rule(client):
    article = ArticleFactory()
    add_related(
        article,
        ("Bad", "javascript:alert(1)"),
        ("Worse", "data:text/html,<script>alert(1)</script>"),
        ("Fine", "https://example.org/fine"),
    )
    page = parse(client.get(article.get_absolute_url()))
    links = page.select(".related a")
    assert [(text_of(a), a["href"]) for a in links] == [("Fine", "https://example.org/fine")]
    assert "Bad" not in text_of(page.select_one(".related"))


def test_the_data_migration_empties_unsafe_addresses_and_deletes_links_left_empty():
    migration = importlib.import_module("articles.migrations.0009_neutralise_unsafe_related_links")
    article, other = ArticleFactory(), ArticleFactory()
    add_related(article, ("Bad", "javascript:alert(1)"), ("Good", "https://example.org/"))
    RelatedLink.objects.create(article=article, target=other, url=" data:,x", position=5)

    out = io.StringIO()
    assert migration.neutralise_unsafe_links(apps, None, out=out) == (1, 1)
    assert "2 found; 1 kept their article and lost the address, 1 pointed at nothing" in (
        out.getvalue()
    )
    assert sorted(RelatedLink.objects.values_list("title", "url", "target")) == [
        ("", "", other.pk),
        ("Good", "https://example.org/", None),
    ]
    assert migration.neutralise_unsafe_links(apps, None, out=io.StringIO()) == (0, 0)


@pytest.mark.django_db
def test_restoring_a_revision_recorded_before_the_rule_brings_back_no_unsafe_address(editor):
    from articles import restoring, revisions

    article = ArticleFactory(status="draft", published_at=None)
    add_related(article, ("Bad", "javascript:alert(1)"), ("Fine", "https://example.org/fine"))
    revisions.record_revision(article, comment="Before the rule.")
    RelatedLink.objects.filter(article=article).delete()
    (version,) = revisions.article_versions(article)

    result = restoring.restore_revision(version=version, by=editor.user)

    assert list(RelatedLink.objects.filter(article=article).values_list("url", flat=True)) == [
        "https://example.org/fine"
    ]
    assert any("was left out" in sentence for sentence in result.left_out)
