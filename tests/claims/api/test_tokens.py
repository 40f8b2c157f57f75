"""API tokens: hashed at rest, expiring, listed without keys, revoked one by one or all at once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.claims.factories import make_user, token_for


@pytest.fixture
def rita(db: None) -> User:
    return make_user("rita", "Reviewer")


def with_key(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def logged_in(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_a_new_token_shows_its_key_once_and_works_until_its_expiry(rita: User) -> None:
    before = timezone.now()
    created = logged_in(rita).post("/api/me/tokens/")
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"id", "token", "created", "expiry"}
    expiry = AuthToken.objects.get(user=rita).expiry
    assert expiry is not None
    # 30 days unless API_TOKEN_TTL_HOURS says otherwise.
    assert timedelta(days=30) <= expiry - before < timedelta(days=30, minutes=1)
    api = with_key(body["token"])
    assert api.get("/api/me/").json()["username"] == "rita"
    listed = api.get("/api/me/tokens/").json()
    assert listed == [
        {"id": body["id"], "created": body["created"], "expiry": body["expiry"], "current": True}
    ]
    assert "token" not in listed[0]


def test_the_key_is_not_in_the_database_only_its_hash(rita: User) -> None:
    key = logged_in(rita).post("/api/me/tokens/").json()["token"]
    assert len(key) == 64
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest, token_key FROM knox_authtoken")
        rows = cursor.fetchall()
    assert len(rows) == 1
    digest, prefix = rows[0]
    # Knox keeps the first 15 characters to find the row, and a SHA-512 digest of the whole key.
    assert key not in digest and key != prefix and len(digest) == 128
    assert key.startswith(prefix) and len(prefix) == 15


def test_an_expired_token_gets_401_that_says_it_expired(rita: User) -> None:
    key = token_for(rita)
    AuthToken.objects.filter(user=rita).update(expiry=timezone.now() - timedelta(minutes=1))
    response = with_key(key).get("/api/claims/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    detail = response.json()["detail"]
    assert detail.startswith("This API token expired at ")
    assert "POST /api/me/tokens/" in detail
    # Asked again, it still says so: the expired row is kept until its owner makes a new token.
    assert "expired" in with_key(key).get("/api/claims/").json()["detail"]
    logged_in(rita).post("/api/me/tokens/")
    assert with_key(key).get("/api/claims/").json()["detail"] == "Invalid token."


def test_an_expired_token_is_not_listed(rita: User) -> None:
    token_for(rita)
    AuthToken.objects.filter(user=rita).update(expiry=timezone.now() - timedelta(seconds=1))
    assert logged_in(rita).get("/api/me/tokens/").json() == []


def test_a_ttl_of_zero_makes_tokens_that_never_expire(rita: User, settings: Any) -> None:
    settings.REST_KNOX = {"TOKEN_TTL": None}
    body = logged_in(rita).post("/api/me/tokens/").json()
    assert body["expiry"] is None
    assert with_key(body["token"]).get("/api/me/tokens/").json()[0]["expiry"] is None


def test_a_wrong_or_malformed_key_gets_401(rita: User) -> None:
    token_for(rita)
    for header in ["Token nope", "Token " + "0" * 64, "Token", "Token a b", "Token caf\xe9"]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        response = client.get("/api/claims/")
        assert response.status_code == 401, header
        assert response.json()["detail"]


def test_revoking_one_token_leaves_the_others_working(rita: User) -> None:
    session = logged_in(rita)
    first = session.post("/api/me/tokens/").json()
    second = session.post("/api/me/tokens/").json()
    assert first["id"] != second["id"]
    api = with_key(first["token"])
    assert api.delete(f"/api/me/tokens/{second['id']}/").status_code == 204
    assert with_key(second["token"]).get("/api/me/").status_code == 401
    assert api.get("/api/me/").status_code == 200
    assert [t["id"] for t in api.get("/api/me/tokens/").json()] == [first["id"]]
    again = api.delete(f"/api/me/tokens/{second['id']}/")
    assert again.status_code == 404 and again.json()["detail"]


def test_nobody_revokes_someone_elses_token(rita: User) -> None:
    rob = make_user("rob", "Reviewer")
    robs = logged_in(rob).post("/api/me/tokens/").json()
    assert logged_in(rita).delete(f"/api/me/tokens/{robs['id']}/").status_code == 404
    assert with_key(robs["token"]).get("/api/me/").status_code == 200


def test_revoking_all_logs_every_script_out(rita: User) -> None:
    keys = [token_for(rita) for _ in range(3)]
    rob_key = token_for(make_user("rob", "Reviewer"))
    assert with_key(keys[0]).delete("/api/me/tokens/").status_code == 204
    for key in keys:
        assert with_key(key).get("/api/me/").status_code == 401
    assert with_key(rob_key).get("/api/me/").status_code == 200
    assert not AuthToken.objects.filter(user=rita).exists()


def test_issue_token_prints_a_new_key_each_time_and_rotate_revokes_the_old(rita: User) -> None:
    def issue(*args: str) -> str:
        out, err = StringIO(), StringIO()
        call_command("issue_token", "rita", *args, stdout=out, stderr=err)
        assert "Expires at " in err.getvalue()
        return out.getvalue().strip()

    first, second = issue(), issue()
    assert first != second
    assert with_key(first).get("/api/me/").status_code == 200
    third = issue("--rotate")
    assert with_key(first).get("/api/me/").status_code == 401
    assert with_key(second).get("/api/me/").status_code == 401
    assert with_key(third).get("/api/me/").status_code == 200


def test_the_old_single_token_address_is_gone(rita: User) -> None:
    assert logged_in(rita).get("/api/me/token/").status_code == 404


def _settings_with(ttl: str) -> subprocess.CompletedProcess[str]:
    code = "from factcheck import settings as s; print(s.REST_KNOX['TOKEN_TTL'])"
    env = {**os.environ, "API_TOKEN_TTL_HOURS": ttl}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("ttl", "printed"), [("", "30 days, 0:00:00"), ("0", "None"), ("2", "2:00:00")]
)
def test_the_token_lifetime_comes_from_the_environment(ttl: str, printed: str) -> None:
    result = _settings_with(ttl)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == printed


@pytest.mark.parametrize("ttl", ["-1", "a month"])
def test_a_bad_token_lifetime_stops_start_up_naming_it(ttl: str) -> None:
    result = _settings_with(ttl)
    assert result.returncode != 0
    assert "API_TOKEN_TTL_HOURS" in result.stderr
