"""Signing in to the admin: throttling that neither password spraying (one address, many
accounts) nor credential stuffing (one account, many addresses) gets round, and a `next`
address that only ever leads into the admin. See docs/security.md."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, parse

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def sign_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_password_spraying_from_one_address_is_paused(client, editor, settings):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 20
    for number in range(19):
        assert sign_in(client, f"reporter{number}", "Summer2026!").status_code == 200
    # The twentieth wrong password pauses the address, for every account, the editor's too.
    assert sign_in(client, "reporter19", "Summer2026!").status_code == 429
    refused = sign_in(client, editor.user.username, PASSWORD)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 15 * 60
    # The editor, at another address, still signs in.
    assert sign_in(Client(REMOTE_ADDR="203.0.113.9"), editor.user.username, PASSWORD).status_code == 302


def test_credential_stuffing_from_many_addresses_is_paused(editor, other_editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1  # the addresses come through our proxy
    behind_proxy = Client(REMOTE_ADDR="10.0.0.2")

    def from_address(number, username, password):
        return sign_in(
            behind_proxy, username, password, HTTP_X_FORWARDED_FOR=f"198.51.100.{number}"
        )

    for number in range(settings.AXES_FAILURE_LIMIT - 1):
        assert from_address(number, editor.user.username, "leaked-password").status_code == 200
    assert from_address(50, editor.user.username, "leaked-password").status_code == 429
    # The pause holds at a new address, even with the right password.
    refused = from_address(99, editor.user.username, PASSWORD)
    assert refused.status_code == 429
    assert "Retry-After" in refused
    # Another editor, behind the same proxy, is not held up by the attack on the first.
    assert from_address(7, other_editor.user.username, PASSWORD).status_code == 302


def sign_in_through_the_form(client, next_address, username):
    """Open the sign-in page at ?next=..., then send its form as the page presents it."""
    page = parse(client.get(LOGIN, {"next": next_address}))
    form = page.select_one("form#login-form")
    fields = {i["name"]: i.get("value", "") for i in form.select("input[name]")}
    fields.update(username=username, password=PASSWORD)
    return client.post(form["action"], fields)


@pytest.mark.parametrize(
    "next_address",
    [
        "https://evil.example/",
        "//evil.example",
        "/nonexistent-admin-path",
        "/admin/no-such-admin-page/",
        "javascript:alert(1)",
    ],
)
def test_an_unsafe_or_unknown_next_lands_on_the_admin_home(client, editor, next_address):
    response = sign_in_through_the_form(client, next_address, editor.user.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200


def test_a_next_inside_the_admin_is_followed(client, editor):
    changelist = reverse("admin:articles_article_changelist")
    response = sign_in_through_the_form(client, f"{changelist}?status=draft", editor.user.username)
    assert response.status_code == 302
    assert response["Location"] == f"{changelist}?status=draft"


def test_a_sign_in_without_next_lands_on_the_admin_home(client, editor):
    response = sign_in(client, editor.user.username, PASSWORD)
    assert response["Location"] == reverse("admin:index")
