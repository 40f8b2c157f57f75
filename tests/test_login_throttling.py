"""Login throttling (django-axes): failures per username and address lock that pair for a while."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.db.models import F
from django.test import Client

from tests.claims.factories import make_user, token_for

PASSWORD = "pw-for-tests-only"
HOME = "127.0.0.1"
ELSEWHERE = "203.0.113.7"


@pytest.fixture(autouse=True)
def _three_failures_lock(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


@pytest.fixture
def rita(db: None) -> User:
    return make_user("rita", "Reviewer")


def log_in(username: str, password: str, *, address: str = HOME, path: str = "/login/"):
    # A fresh client per attempt: the lock follows the username and address, not a cookie.
    return Client(REMOTE_ADDR=address).post(path, {"username": username, "password": password})


def fail(username: str, times: int, *, address: str = HOME, path: str = "/login/") -> None:
    for _ in range(times):
        assert log_in(username, "wrong", address=address, path=path).status_code == 200


def lock_out(username: str, *, address: str = HOME) -> None:
    fail(username, 2, address=address)
    assert_locked_out(log_in(username, "wrong", address=address))


def assert_locked_out(response) -> None:
    # 429 Too Many Requests is axes' default status (AXES_HTTP_RESPONSE_CODE), kept as it is.
    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many failed logins" in text
    assert "Try again in 15 minutes, after" in text
    assert "_auth_user_id" not in response.wsgi_request.session


def test_wrong_passwords_lock_the_user_from_that_address_even_with_the_right_one(
    rita: User,
) -> None:
    fail("rita", 2)
    assert_locked_out(log_in("rita", "wrong"))  # the third failure
    assert_locked_out(log_in("rita", PASSWORD))


def test_lockout_leaves_other_addresses_and_other_users_alone(rita: User) -> None:
    make_user("eddie", "Editor")
    lock_out("rita")
    assert log_in("rita", PASSWORD, address=ELSEWHERE).status_code == 302
    assert log_in("eddie", PASSWORD).status_code == 302


def test_a_success_before_the_limit_resets_the_count(rita: User) -> None:
    fail("rita", 2)
    assert log_in("rita", PASSWORD).status_code == 302
    fail("rita", 2)
    assert log_in("rita", PASSWORD).status_code == 302


def test_lockout_ends_after_the_cool_off(rita: User) -> None:
    lock_out("rita")
    assert_locked_out(log_in("rita", PASSWORD))
    # Travel past the cool-off: every recorded attempt happened 15 minutes and a second ago.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=15, seconds=1))
    assert log_in("rita", PASSWORD).status_code == 302


def test_admin_login_is_throttled_with_the_same_count(db: None) -> None:
    make_user("ada", "Admin", superuser=True)
    fail("ada", 2)
    response = log_in("ada", "wrong", address=HOME, path="/admin/login/")
    assert_locked_out(response)
    assert_locked_out(log_in("ada", PASSWORD, path="/admin/login/"))


def test_sessions_force_login_and_tokens_keep_working_for_a_locked_user(
    client: Client, rita: User
) -> None:
    client.force_login(rita)
    token = token_for(rita)
    lock_out("rita")
    assert_locked_out(log_in("rita", PASSWORD))
    # The session made before the lock (DRF's SessionAuthentication) and the API token never
    # present a password, so axes does not stand in their way.
    assert client.get("/api/articles/").status_code == 200
    assert client.get("/queue/").status_code == 200
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/articles/").status_code == 200
