"""The whole workflow over HTTP with tokens, and every error a client can meet."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from claims import services
from claims.models import Claim, HistoryEvent, Rating, Verdict
from tests.claims.factories import (
    RATIONALE,
    make_article,
    make_claim,
    make_user,
    submitted_verdict,
)


def api_for(user: User) -> APIClient:
    out = StringIO()
    call_command("issue_token", user.username, stdout=out)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    return client


@pytest.fixture
def rita(db: None) -> User:
    return make_user("rita", "Reviewer")


@pytest.fixture
def eddie(db: None) -> User:
    return make_user("eddie", "Editor")


CITATIONS = [
    {
        "url": "https://pubs.usgs.gov/mcs2025.pdf",
        "title": "USGS MCS 2025",
        "stance": "refutes",
        "accessed_at": "2025-05-20",
        "quote": "12 minerals with 100% import reliance",
    },
    {"url": "https://www.reuters.com/x", "publisher": "Reuters", "stance": "context"},
]


@pytest.mark.django_db
def test_verdict_lifecycle_over_the_api(rita: User, eddie: User) -> None:
    claim = make_claim()
    api, editor_api = api_for(rita), api_for(eddie)
    ratings = api.get("/api/ratings/").json()
    false = next(r for r in ratings if r["label"] == "False")

    accepted = api.patch(
        f"/api/claims/{claim.pk}/", {"status": "accepted", "version": 1}, format="json"
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"

    created = api.post(
        f"/api/claims/{claim.pk}/verdicts/",
        {
            "rating": false["id"],
            "summary": "US relies on China for 15 critical minerals",
            "rationale": "USGS lists 12.",
            "citations": CITATIONS,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    verdict = created.json()
    assert verdict["status"] == "draft" and len(verdict["citations"]) == 2

    patched = api.patch(
        f"/api/verdicts/{verdict['id']}/",
        {"rationale": "USGS 2025 lists 12.", "version": verdict["version"]},
        format="json",
    )
    assert patched.status_code == 200
    assert patched.json()["citations"] == created.json()["citations"]  # kept when not sent
    version = patched.json()["version"]

    stale = api.patch(
        f"/api/verdicts/{verdict['id']}/", {"summary": "x", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["rationale"] == "USGS 2025 lists 12."

    # The checklist names every field still missing, each under its own key.
    incomplete = api.post(
        f"/api/verdicts/{verdict['id']}/submit/", {"version": version}, format="json"
    )
    assert incomplete.status_code == 400
    problems = incomplete.json()
    assert "rationale" in problems and "citations.0.publisher" in problems
    assert "citations.1.title" in problems and "citations.1.archived_url" in problems
    complete = [
        {
            **CITATIONS[0],
            "publisher": "USGS",
            "is_primary": True,
            "archived_url": "https://web.archive.org/web/2025/https://pubs.usgs.gov/mcs2025.pdf",
        },
        {**CITATIONS[1], "title": "Minerals story", "archived_url": "https://archive.ph/x1"},
    ]
    version = api.patch(
        f"/api/verdicts/{verdict['id']}/",
        {"rationale": RATIONALE, "citations": complete, "version": version},
        format="json",
    ).json()["version"]
    submitted = api.post(
        f"/api/verdicts/{verdict['id']}/submit/", {"version": version}, format="json"
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert Verdict.objects.get(pk=verdict["id"]).citations.filter(is_primary=True).count() == 1
    version = submitted.json()["version"]

    forbidden = api.post(
        f"/api/verdicts/{verdict['id']}/approve/", {"version": version}, format="json"
    )
    assert forbidden.status_code == 403

    back = editor_api.post(
        f"/api/verdicts/{verdict['id']}/request-changes/",
        {"version": version, "note": "Name the year"},
        format="json",
    )
    assert back.status_code == 200 and back.json()["review_note"] == "Name the year"
    version = back.json()["version"]
    version = api.post(
        f"/api/verdicts/{verdict['id']}/submit/", {"version": version}, format="json"
    ).json()["version"]
    approved = editor_api.post(
        f"/api/verdicts/{verdict['id']}/approve/", {"version": version}, format="json"
    )
    assert approved.status_code == 200 and approved.json()["approver"] == eddie.pk

    history = api.get(f"/api/claims/{claim.pk}/history/").json()["results"]
    assert [h["action"] for h in history][-2:] == ["verdict_submitted", "verdict_approved"]


def test_claim_patch_edits_assigns_and_tags_in_one_request(rita: User, eddie: User) -> None:
    claim = make_claim()
    response = api_for(eddie).patch(
        f"/api/claims/{claim.pk}/",
        {
            "version": 1,
            "claim": "The US depends on China for 15 minerals",
            "kind": "quantity",
            "tags": ["minerals"],
            "assignee": rita.pk,
        },
        format="json",
    )
    data = response.json()
    assert response.status_code == 200
    assert (data["claim"], data["assignee"], data["tags"]) == (
        "The US depends on China for 15 minerals",
        rita.pk,
        ["minerals"],
    )
    assert data["text"] == claim.text  # the quote stays as published
    # A reviewer may take a claim but not hand it to someone else.
    response = api_for(rita).patch(
        f"/api/claims/{claim.pk}/",
        {"version": data["version"], "assignee": eddie.pk},
        format="json",
    )
    assert response.status_code == 403
    assert Claim.objects.get(pk=claim.pk).assignee == rita


def test_split_merge_add_and_comment_over_the_api(rita: User) -> None:
    article = make_article("Exports fell 21% in May and imports rose 3% in June, officials said.")
    claim = article.claims.get()
    api = api_for(rita)
    cut = article.body.index("and imports")
    parts = api.post(f"/api/claims/{claim.pk}/split/", {"version": 1, "at": cut}, format="json")
    assert parts.status_code == 200
    first, second = parts.json()
    assert first["text"] == "Exports fell 21% in May"
    merged = api.post(
        f"/api/claims/{first['id']}/merge/", {"version": first["version"]}, format="json"
    )
    assert merged.status_code == 200 and merged.json()["end"] == second["end"]
    added = api.post("/api/claims/", {"article": article.pk, "start": 0, "end": 12}, format="json")
    assert added.status_code == 201 and added.json()["text"] == "Exports fell"
    comment = api.post(
        f"/api/claims/{claim.pk}/comments/", {"body": "Check customs data"}, format="json"
    )
    assert comment.status_code == 201
    assert api.get(f"/api/claims/{claim.pk}/comments/").json()["count"] == 1


@pytest.mark.parametrize(
    ("method", "path", "payload", "expected"),
    [
        ("patch", "/api/claims/{claim}/", {"status": "accepted"}, 400),  # no version
        ("patch", "/api/claims/{claim}/", {"status": "maybe", "version": 1}, 400),
        ("patch", "/api/claims/{claim}/", {"claim": "", "version": 1}, 400),
        ("patch", "/api/claims/{claim}/", {"assignee": 999999, "version": 1}, 404),
        ("patch", "/api/claims/{claim}/", {"status": "accepted", "version": 7}, 409),
        ("patch", "/api/claims/999999/", {"status": "accepted", "version": 1}, 404),
        ("post", "/api/claims/{claim}/split/", {"version": 1, "at": 0}, 400),
        ("post", "/api/claims/{claim}/verdicts/", {"summary": "x" * 80}, 400),
        ("post", "/api/claims/{claim}/verdicts/", {"citations": [{"url": "ftp://x"}]}, 400),
        ("post", "/api/claims/{claim}/verdicts/", {"rating": 999999}, 400),
        ("post", "/api/claims/", {"article": 999999, "start": 0, "end": 3}, 404),
        ("post", "/api/claims/", {"article": "{article}", "start": 5, "end": 99999}, 400),
        ("get", "/api/claims/?min_score=high", None, 400),
        ("get", "/api/verdicts/999999/", None, 404),
    ],
)
def test_errors_are_precise(
    rita: User, method: str, path: str, payload: dict[str, object] | None, expected: int
) -> None:
    claim = make_claim()
    path = path.format(claim=claim.pk)
    if payload and payload.get("article") == "{article}":
        payload = {**payload, "article": claim.article_id}
    response = getattr(api_for(rita), method)(path, payload, format="json")
    assert response.status_code == expected, response.content
    assert response.json()


def test_stale_patch_returns_409_with_the_current_claim(rita: User, eddie: User) -> None:
    claim = make_claim()
    api_for(eddie).patch(
        f"/api/claims/{claim.pk}/", {"claim": "Eddie's", "version": 1}, format="json"
    )
    response = api_for(rita).patch(
        f"/api/claims/{claim.pk}/", {"claim": "Rita's", "version": 1}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current"]["claim"] == "Eddie's"
    assert response.json()["current"]["version"] == 2


def test_submitting_twice_is_a_409_conflict(rita: User) -> None:
    verdict = submitted_verdict(make_claim(), rita)
    response = api_for(rita).post(
        f"/api/verdicts/{verdict.pk}/submit/", {"version": verdict.version}, format="json"
    )
    assert response.status_code == 409


def test_upload_of_an_unsupported_file_is_415_and_text_file_works(rita: User) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    api = api_for(rita)
    bad = api.post(
        "/api/articles/upload/",
        {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7")},
        format="multipart",
    )
    assert bad.status_code == 415
    good = api.post(
        "/api/articles/upload/",
        {"file": SimpleUploadedFile("a.txt", b"Exports fell 21% in May, officials said.")},
        format="multipart",
    )
    assert good.status_code == 201 and good.json()["status"] == "queued"
    assert good["Location"] == f"http://testserver/api/articles/{good.json()['id']}/"
    xml = api.post("/api/articles/", b"<a/>", content_type="application/xml")
    assert xml.status_code == 415
    # JSON in: a form-encoded article is refused, not half-read.
    form = api.post("/api/articles/", {"body": "Exports fell."}, format="multipart")
    assert form.status_code == 415


def test_a_verdict_sent_as_a_form_is_refused_instead_of_losing_its_citations(
    rita: User,
) -> None:
    claim = make_claim()
    response = api_for(rita).post(
        f"/api/claims/{claim.pk}/verdicts/",
        {"summary": "A summary", "citations": "https://example.org"},
        format="multipart",
    )
    assert response.status_code == 415
    assert not Verdict.objects.exists()


def test_me_says_who_you_are(rita: User) -> None:
    me = api_for(rita).get("/api/me/").json()
    assert me == {"id": rita.pk, "username": "rita", "roles": ["Reviewer"]}


def test_user_without_a_role_gets_403_everywhere(db: None) -> None:
    claim = make_claim()
    api = api_for(make_user("olga"))
    for path in ["/api/articles/", "/api/claims/", f"/api/claims/{claim.pk}/", "/api/ratings/"]:
        assert api.get(path).status_code == 403


def test_search_ranks_claims_and_articles(rita: User) -> None:
    make_article("Copper exports fell 21% in May. Copper prices and copper tariffs rose 3%.")
    make_article("Soybean imports rose in June, the ministry said.")
    api = api_for(rita)
    claims = api.get("/api/claims/?search=copper tariffs").json()["results"]
    assert claims and "tariffs" in claims[0]["text"]
    assert all("oybean" not in c["text"] for c in claims)
    articles = api.get("/api/articles/?search=soybean").json()["results"]
    assert [a["title"][:7] for a in articles] == ["Soybean"]


@pytest.mark.postgres_only
def test_postgres_search_uses_the_gin_index(rita: User) -> None:
    from claims.selectors import claims_search

    assert connection.vendor == "postgresql"
    make_article()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = claims_search(Claim.objects.all(), "minerals").explain()
        cursor.execute("SET enable_seqscan = on")
    assert "claims_claim_search" in plan


@pytest.mark.parametrize("path", ["/api/claims/", "/api/articles/", "/api/claims/?search=word"])
def test_list_endpoints_run_a_constant_number_of_queries(
    rita: User, path: str, django_assert_max_num_queries
) -> None:
    for n in range(3):
        make_article(f"Word {n} exports fell {n}% in May. Imports rose {n + 2}% in June.")
    api = api_for(rita)
    with django_assert_max_num_queries(8):
        assert api.get(path).status_code == 200
    for n in range(3, 30):
        make_article(f"Word {n} exports fell {n}% in May. Imports rose {n + 2}% in June.")
    with django_assert_max_num_queries(8):
        assert api.get(path).status_code == 200


def test_create_demo_users_and_issue_token_work_for_scripts(
    monkeypatch: pytest.MonkeyPatch, db: None
) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-for-tests")
    call_command("create_demo_users", stdout=StringIO())
    client = api_for(User.objects.get(username="editor"))
    assert client.get("/api/ratings/").json()[0]["label"] == Rating.objects.first().label  # type: ignore[union-attr]
    assert HistoryEvent.objects.count() == 0 and Verdict.objects.count() == 0


def test_the_api_filters_by_someone_who_has_left_the_desk(rita: User, eddie: User) -> None:
    claim = make_claim()
    services.claim_assign(claim=claim, actor=eddie, assignee=rita, version=claim.version)
    rita.groups.clear()  # rita left: no longer in the queue's menu of people
    listed = api_for(eddie).get(f"/api/claims/?assignee={rita.pk}").json()["results"]
    assert [c["id"] for c in listed] == [claim.pk]
    assert api_for(eddie).get("/api/claims/?assignee=someone").status_code == 400
