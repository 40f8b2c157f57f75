"""Requests no client should send, each answered with a 400 (or 413) and a JSON body that says
why: never a server error, never a stack trace."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from rest_framework.test import APIClient

from claims.api.parsers import MAX_DEPTH, MAX_VALUES
from claims.models import Article, Claim, Verdict
from tests.claims.factories import make_claim, make_user, token_for


@pytest.fixture
def api(db: None) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(make_user('rita', 'Reviewer'))}")
    return client


def send_raw(api: APIClient, method: str, path: str, body: bytes) -> HttpResponse:
    # The stubs say str; Django's client sends bytes exactly as given, which is the point here.
    response: HttpResponse = api.generic(
        method,
        path,
        body,  # type: ignore[arg-type]
        content_type="application/json",
    )
    return response


def post_raw(api: APIClient, path: str, body: bytes) -> HttpResponse:
    return send_raw(api, "POST", path, body)


def refused(response: HttpResponse, status: int = 400) -> dict[str, object]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert isinstance(body, dict) and body
    return body


def nested(levels: int) -> bytes:
    return ("[" * levels + "]" * levels).encode()


@pytest.mark.parametrize("levels", [100_000, 10_000, 1_000, MAX_DEPTH + 1])
def test_json_nested_too_deep_is_a_400(api: APIClient, levels: int) -> None:
    claim = make_claim()
    body = b'{"summary": "x", "citations": ' + nested(levels) + b"}"
    detail = refused(post_raw(api, f"/api/claims/{claim.pk}/verdicts/", body))["detail"]
    assert detail == f"JSON parse error - the body is nested deeper than {MAX_DEPTH} levels."
    assert not Verdict.objects.exists()


def test_json_nested_to_the_limit_reaches_the_serializer(api: APIClient) -> None:
    body = b'{"article": ' + nested(MAX_DEPTH - 1) + b', "start": 0, "end": 1}'
    assert refused(post_raw(api, "/api/claims/", body)) == {
        "article": ["A valid integer is required."]
    }


def test_a_megabyte_array_of_numbers_is_a_400(api: APIClient) -> None:
    numbers = b"[" + b",".join([b"1"] * 500_000) + b"]"
    assert len(numbers) > 1_000_000
    detail = refused(post_raw(api, "/api/articles/", numbers))["detail"]
    assert detail == f"JSON parse error - the body has more than {MAX_VALUES} values."
    wide = json.dumps({"body": "Exports fell.", "title": {str(n): n for n in range(MAX_VALUES)}})
    assert "more than" in str(refused(post_raw(api, "/api/articles/", wide.encode()))["detail"])
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b'{"body": "caf\xe9 \xff\xfe"}',  # Latin-1 and stray bytes, not UTF-8
        b'{"body": "\xed\xa0\x80"}',  # a UTF-8-encoded surrogate
        b'{"body": "ok"',  # cut off
        b'{"body": NaN}',
        b"\x00\x00\x00",
    ],
)
def test_bytes_that_are_not_json_are_a_400(api: APIClient, body: bytes) -> None:
    assert str(refused(post_raw(api, "/api/articles/", body))["detail"]).startswith(
        "JSON parse error"
    )
    assert not Article.objects.exists()


def test_a_lone_surrogate_in_json_text_is_a_400(api: APIClient) -> None:
    # Valid JSON, but "\ud800" is no character: PostgreSQL could not store it.
    body = refused(post_raw(api, "/api/articles/", b'{"body": "Exports \\ud800 fell."}'))
    assert body == {"body": ["Surrogate characters are not allowed: U+D800."]}


@pytest.mark.parametrize(
    "path",
    [
        "/api/claims/?search=minerals%00",
        "/api/articles/?search=%00",
        "/api/reports/?publisher=Example%00News",
        "/api/claims/?assignee=%00",
        "/api/claims/?status=accepted%00",
    ],
)
def test_nul_in_a_query_is_a_400(api: APIClient, path: str) -> None:
    make_claim()
    assert refused(api.get(path))


def test_nul_in_a_json_string_is_a_400(api: APIClient) -> None:
    claim = make_claim()
    body = json.dumps({"version": claim.version, "claim": "Exports\x00 fell"}).encode()
    response = send_raw(api, "PATCH", f"/api/claims/{claim.pk}/", body)
    assert refused(response) == {"claim": ["Null characters are not allowed."]}
    claim.refresh_from_db()
    assert "\x00" not in claim.claim_text


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/claims/?article=99999999999999999999999", "article"),
        ("/api/reports/?reviewer=99999999999999999999999", "reviewer"),
        ("/api/claims/?page_size=99999999999999999999999", "page_size"),
        ("/api/claims/?page_size=0", "page_size"),
        ("/api/claims/?page_size=201", "page_size"),
        ("/api/claims/?cursor=", "cursor"),
        ("/api/claims/?cursor=bm90IGpzb24", "cursor"),
        ("/api/articles/?cursor=eyJrIjpbMV0sImYiOnRydWUsIm4iOjF9", "cursor"),
        ("/api/claims/?status=", "status"),
        ("/api/reports/?from=20250516", "from"),
        ("/api/articles/{article}/report/?internal=yes", "internal"),
    ],
)
def test_values_the_schema_does_not_allow_are_a_400_naming_the_parameter(
    api: APIClient, path: str, field: str
) -> None:
    article = make_claim().article
    assert field in refused(api.get(path.format(article=article.pk)))


def test_a_huge_assignee_id_finds_nobody(api: APIClient) -> None:
    make_claim()
    response = api.get("/api/claims/?assignee=99999999999999999999999")
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"version": "1", "status": "accepted"}, "version"),
        ({"version": 1, "claim": 7}, "claim"),
        ({"version": 1, "assignee": "2"}, "assignee"),
        ({"version": 1, "assignee": True}, "assignee"),
        ({"version": 1, "claim_date": "20250516"}, "claim_date"),
        ({"version": 1, "claim_date": "2025-W20-5"}, "claim_date"),
        ({"version": 1, "tags": ["economy", 3]}, "tags"),
        ({"version": 2**63, "status": "accepted"}, "version"),
    ],
)
def test_json_of_the_wrong_type_is_a_400_not_coerced(
    api: APIClient, payload: dict[str, object], field: str
) -> None:
    claim = make_claim()
    response = api.patch(f"/api/claims/{claim.pk}/", payload, format="json")
    assert field in refused(response)
    assert Claim.objects.get(pk=claim.pk).version == claim.version


def test_a_datetime_without_an_offset_is_a_400(api: APIClient) -> None:
    article = make_claim().article
    response = api.patch(
        f"/api/articles/{article.pk}/",
        {"updated_at": article.updated_at.strftime("%Y-%m-%dT%H:%M:%S.%f"), "publisher": "X"},
        format="json",
    )
    assert "updated_at" in refused(response)


def test_a_body_over_the_size_limit_is_a_413(api: APIClient, settings: object) -> None:
    limit = 1024 * 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = limit  # type: ignore[attr-defined]
    body = json.dumps({"body": "Exports fell 21% in May. " * (limit // 20)}).encode()
    assert "limit" in str(refused(post_raw(api, "/api/articles/", body), 413)["detail"])


def test_an_editor_is_no_different(db: None) -> None:
    # The same limits apply whoever asks: they are the parser's, before any permission.
    editor: User = make_user("eddie", "Editor")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(editor)}")
    assert refused(post_raw(client, "/api/articles/", nested(100_000)))
