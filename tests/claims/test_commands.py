from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from tests.conftest import SEEDS


def test_extract_claims_prints_exact_spans_for_every_seed() -> None:
    out = StringIO()
    files = sorted(SEEDS.glob("*.txt"))
    call_command("extract_claims", *map(str, files), "--format", "jsonl", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    texts = {str(f): f.read_bytes().decode("utf-8") for f in files}
    assert {row["file"] for row in rows} == set(texts)
    for row in rows:
        assert set(row) >= {
            "file",
            "start",
            "end",
            "text",
            "claim",
            "score",
            "checkworthy",
            "kind",
            "reasons",
            "quantities",
        }
        assert texts[row["file"]][row["start"] : row["end"]] == row["text"]
        assert 0.0 <= row["score"] <= 1.0
        assert isinstance(row["checkworthy"], bool)


def test_extract_claims_needs_no_database(tmp_path: Path) -> None:
    # No django_db mark: touching the database here would raise.
    f = tmp_path / "a.txt"
    f.write_text("The tariff rose to 145% in April, officials said.", encoding="utf-8")
    out = StringIO()
    call_command("extract_claims", str(f), stdout=out)
    assert json.loads(out.getvalue().splitlines()[0])["end"] > 0


def test_extract_claims_refuses_undecodable_files(tmp_path: Path) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(b"caf\xe9")
    with pytest.raises(CommandError):
        call_command("extract_claims", str(f))


@pytest.mark.django_db
def test_demo_users_get_the_password_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "a-demo-password-42")
    out = StringIO()
    call_command("create_demo_users", stdout=out)
    assert "a-demo-password-42" in out.getvalue()
    login = RequestFactory().post("/login/")
    for username, group in [("reviewer", "Reviewer"), ("editor", "Editor"), ("admin", "Admin")]:
        # As the login page does: axes refuses an authenticate() that names no request.
        user = authenticate(login, username=username, password="a-demo-password-42")
        assert user is not None
        assert user.groups.filter(name=group).exists()
    admin = authenticate(login, username="admin", password="a-demo-password-42")
    assert admin is not None and admin.is_superuser
    call_command("create_demo_users", stdout=StringIO())  # running it again is fine
