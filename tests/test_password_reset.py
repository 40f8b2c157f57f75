"""Password reset by email: the link from SITE_URL works once, and the pages tell nobody
whether an address has an account."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.test import Client

from tests.claims.factories import make_user

OLD_PASSWORD = "pw-for-tests-only"
NEW_PASSWORD = "a-new-and-long-passphrase-7"
LINK = re.compile(r"https?://\S+/password-reset/[^/\s]+/[^/\s]+/")


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    # The per-address limit lives in the cache, which outlives a test's database.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rita(db: None) -> User:
    user = make_user("rita", "Reviewer")
    user.email = "rita@newsroom.example"
    user.save(update_fields=["email"])
    return user


def request_reset(email: str, client: Client | None = None) -> Any:
    return (client or Client()).post("/password-reset/", {"email": email})


def link_in_last_mail() -> str:
    body = str(mail.outbox[-1].body)
    match = LINK.search(body)
    assert match is not None, body
    return match.group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def set_new_password(client: Client, link: str, password: str = NEW_PASSWORD) -> Any:
    # Django swaps the token in the address for a session entry first, so it is not in Referer.
    opened = client.get(path_of(link))
    assert opened.status_code == 302
    return client.post(opened["Location"], {"new_password1": password, "new_password2": password})


def logs_in(username: str, password: str) -> bool:
    response = Client().post("/login/", {"username": username, "password": password})
    return response.status_code == 302


def test_the_login_page_links_to_password_reset(db: None) -> None:
    page = Client().get("/login/").content.decode()
    assert 'href="/password-reset/"' in page
    assert "Forgot your password?" in page


def test_a_reset_by_email_sets_a_new_password_that_logs_in(rita: User, settings: Any) -> None:
    settings.SITE_URL = "https://factcheck.example.org"
    response = request_reset("Rita@Newsroom.example")  # the address matches in any case
    assert response.status_code == 302 and response["Location"] == "/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rita@newsroom.example"]
    assert "Factcheck Workbench" in message.subject
    link = link_in_last_mail()
    # The public address, not the Host the request came with ("testserver").
    assert link.startswith("https://factcheck.example.org/password-reset/")

    client = Client()
    done = set_new_password(client, link)
    assert done.status_code == 302 and done["Location"] == "/password-reset/done/"
    assert "Password set" in client.get(done["Location"]).content.decode()
    assert logs_in("rita", NEW_PASSWORD)
    assert not logs_in("rita", OLD_PASSWORD)


def test_an_unknown_address_gets_the_same_page_and_no_email(rita: User) -> None:
    known = request_reset("rita@newsroom.example")
    unknown = request_reset("nobody@newsroom.example")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 1  # rita's only
    sent_page = Client().get(unknown["Location"])
    assert sent_page.status_code == 200
    assert "If an account has that address" in sent_page.content.decode()


def test_inactive_and_passwordless_accounts_get_no_email(db: None) -> None:
    inactive = make_user("ivan")
    User.objects.filter(pk=inactive.pk).update(email="ivan@newsroom.example", is_active=False)
    sso = make_user("sam")
    sso.email = "sam@newsroom.example"
    sso.set_unusable_password()
    sso.save()
    for address in ["ivan@newsroom.example", "sam@newsroom.example"]:
        assert request_reset(address).status_code == 302
    assert mail.outbox == []


def test_a_reset_link_works_only_once(rita: User) -> None:
    request_reset("rita@newsroom.example")
    link = link_in_last_mail()
    assert set_new_password(Client(), link).status_code == 302

    again = Client().get(path_of(link))
    assert again.status_code == 200
    page = again.content.decode()
    assert "This link does not work" in page
    assert 'name="new_password1"' not in page
    assert logs_in("rita", NEW_PASSWORD)


def test_a_second_request_for_the_same_address_sends_no_second_email(rita: User) -> None:
    for address in ["rita@newsroom.example", "RITA@newsroom.example "]:
        assert request_reset(address).status_code == 302
    assert len(mail.outbox) == 1
    # Once the interval has passed (the cache entry expired), a new link is sent.
    cache.clear()
    request_reset("rita@newsroom.example")
    assert len(mail.outbox) == 2


def test_a_weak_new_password_is_refused_with_the_validators_message(rita: User) -> None:
    request_reset("rita@newsroom.example")
    response = set_new_password(Client(), link_in_last_mail(), password="12345678")
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert logs_in("rita", OLD_PASSWORD)


def test_setting_a_new_password_lifts_a_login_lockout(rita: User, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        Client().post("/login/", {"username": "rita", "password": "wrong"})
    locked = Client().post("/login/", {"username": "rita", "password": OLD_PASSWORD})
    assert locked.status_code == 429

    request_reset("rita@newsroom.example")
    set_new_password(Client(), link_in_last_mail())
    assert not AccessAttempt.objects.filter(username="rita").exists()
    assert logs_in("rita", NEW_PASSWORD)


def test_the_reset_pages_open_without_a_login(db: None) -> None:
    for url in ["/password-reset/", "/password-reset/sent/", "/password-reset/done/"]:
        assert Client().get(url).status_code == 200, url
    bad_link = Client().get("/password-reset/MQ/not-a-token/")
    assert bad_link.status_code == 200
    assert "This link does not work" in bad_link.content.decode()
