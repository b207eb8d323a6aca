"""Footer pages (django.contrib.flatpages), as an editor writes them in the admin and a reader
meets them: nothing in one can send the reader to another site or run script."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.flatpages.models import FlatPage
from django.urls import reverse

from newsroom.brands import current_site
from tests.conftest import parse, text_of

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<meta http-equiv="refresh" content="0; url=https://evil.example/">'
    "<p>Our terms, in plain words.</p>"
    '<script>location.href = "https://evil.example/"</script>'
    '<p><a href="javascript:location.assign(\'https://evil.example/\')">Read more</a></p>'
    '<p><img src="/static/img/logo.png" alt="Logo" onerror="location=\'https://evil.example/\'"></p>'
    '<p><a href="mailto:desk@example.com" onclick="go()">Write to us</a></p>'
)


def assert_nothing_leads_away(html):
    page = BeautifulSoup(html, "html.parser") if isinstance(html, (str, bytes)) else html
    assert not page.select("meta[http-equiv]")
    assert not page.select("script:not([src]):not([type='application/ld+json'])")
    for element in page.find_all(True):
        assert not [a for a in element.attrs if a.startswith("on")], element
    assert not [a for a in page.select("a[href]") if a["href"].strip().lower().startswith("javascript:")]
    assert "evil.example" not in str(page)


def test_a_page_written_in_the_admin_is_cleaned_when_saved(editor, reader):
    add = reverse("admin:flatpages_flatpage_add")
    form = parse(editor.get(add)).select_one("form#flatpage_form")
    help_text = text_of(form.select_one("#id_content_helptext"))
    assert "Scripts, styles, redirects" in help_text
    response = editor.post(
        add,
        {
            "url": "/terms/",
            "title": "Terms",
            "content": HOSTILE,
            "sites": [current_site().pk],
            "template_name": "",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, parse(response).select(".errorlist")
    stored = FlatPage.objects.get(url="/terms/").content
    assert_nothing_leads_away(stored)
    assert "<p>Our terms, in plain words.</p>" in stored
    assert '<a href="mailto:desk@example.com"' in stored

    page = parse(reader.get("/pages/terms/"))
    body = page.select_one(".flatpage__body")
    assert text_of(body).startswith("Our terms, in plain words.")
    assert_nothing_leads_away(page)


def test_a_page_stored_before_cleaning_is_cleaned_when_shown(reader):
    page = FlatPage.objects.create(url="/about/", title="About", content="<p>Hello.</p>")
    page.sites.add(current_site())
    # As a row written before pages were cleaned, or by SQL, holds it.
    FlatPage.objects.filter(pk=page.pk).update(content=HOSTILE)
    response = reader.get("/pages/about/")
    assert response.status_code == 200
    assert text_of(parse(response).select_one(".flatpage__body")).startswith(
        "Our terms, in plain words."
    )
    assert_nothing_leads_away(response.content)
