"""Pages a reader meets when something is refused or missing, in the site's own look: a form
refused by the CSRF check, and the icon browsers ask for at /favicon.ico."""

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tests.conftest import parse, text_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("address", ["/submit/", "/admin/login/?next=/admin/"])
def test_a_form_refused_by_the_csrf_check_gets_the_sites_own_page(address):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(address, {"username": "ed", "password": "x"})
    assert response.status_code == 403
    page = parse(response)
    assert page.select_one("header.site-header .brand") is not None  # base.html's header
    assert page.select_one("footer") is not None
    assert text_of(page.h1) == "Please send the form again"
    assert "nothing was saved" in text_of(page.select_one("main"))
    back = page.find("a", string="Go back to the form")
    assert back["href"] == address
    assert browser.get(back["href"]).status_code == 200
    # Not Django's developer page, which names cookies, headers and settings.
    body = response.content.decode()
    assert "CSRF_FAILURE_VIEW" not in body and "Referer" not in body


def test_favicon_ico_leads_to_the_sites_icon_and_pages_link_it(reader):
    response = reader.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon-32.png"
    assert "max-age=86400" in response["Cache-Control"]
    assert finders.find("img/favicon-32.png")
    icons = parse(reader.get("/latest/")).select("link[rel~=icon]")
    assert [icon["href"] for icon in icons] == ["/static/img/favicon-32.png"]
