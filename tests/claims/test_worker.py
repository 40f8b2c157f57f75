"""A real Celery worker process on real Redis splits what the API ingests, then the newsroom
runs the whole workflow over HTTP with tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from tests.claims.factories import RATIONALE, make_user, token_for
from tests.conftest import WorkerProcess, wait_for


def token_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_newsroom_day_over_the_api_with_a_real_worker(
    celery_worker: WorkerProcess, seed_text: str, workbench_defaults: None
) -> None:
    reviewer = token_client(make_user("rita", "Reviewer"))
    editor = token_client(make_user("eddie", "Editor"))

    response = reviewer.post(
        "/api/articles/",
        {
            "title": "Trade war",
            "body": seed_text,
            "url": "https://news.example.org/trade-war",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    article_id = response.json()["id"]

    def split() -> bool:
        return reviewer.get(f"/api/articles/{article_id}/").json()["status"] == "split"

    assert wait_for(split, timeout=60), celery_worker.output()[-3000:]
    claims = reviewer.get(f"/api/claims/?article={article_id}&min_score=0.5").json()
    detail = reviewer.get(f"/api/articles/{article_id}/").json()
    assert detail["claim_count"] > 5 and claims["count"] > 2
    for claim in claims["results"]:
        assert seed_text[claim["start"] : claim["end"]] == claim["text"]

    first, second = claims["results"][:2]
    for claim in (first, second):
        accepted = reviewer.patch(
            f"/api/claims/{claim['id']}/",
            {"status": "accepted", "version": claim["version"]},
            format="json",
        )
        assert accepted.status_code == 200
    # Who made the claim: the checklist asks for it before the verdict can be submitted.
    first_version = reviewer.get(f"/api/claims/{first['id']}/").json()["version"]
    claimant = reviewer.patch(
        f"/api/claims/{first['id']}/",
        {
            "claimant": "China's Ministry of Commerce",
            "claimant_type": "Organization",
            "version": first_version,
        },
        format="json",
    )
    assert claimant.status_code == 200, claimant.content
    stale = reviewer.patch(
        f"/api/claims/{first['id']}/",
        {"status": "dismissed", "version": first["version"]},
        format="json",
    )
    assert stale.status_code == 409 and stale.json()["current"]["status"] == "accepted"

    rating = next(r for r in reviewer.get("/api/ratings/").json() if r["label"] == "Half true")
    verdict = reviewer.post(
        f"/api/claims/{first['id']}/verdicts/",
        {
            "rating": rating["id"],
            "summary": first["claim"][:75],
            "rationale": RATIONALE,
            "citations": [
                {
                    "url": "https://www.usgs.gov/centers/national-minerals-information-center",
                    "title": "USGS minerals",
                    "publisher": "USGS",
                    "archived_url": "https://web.archive.org/web/2025/https://www.usgs.gov/",
                    "is_primary": True,
                    "stance": "refutes",
                },
                {
                    "url": "https://www.bloomberg.com/",
                    "title": "Markets coverage",
                    "publisher": "Bloomberg",
                    "archived_url": "https://archive.ph/bloomberg-2025",
                    "stance": "supports",
                },
            ],
        },
        format="json",
    ).json()
    submitted = reviewer.post(
        f"/api/verdicts/{verdict['id']}/submit/", {"version": verdict["version"]}, format="json"
    )
    assert submitted.status_code == 200, submitted.content
    version = submitted.json()["version"]
    assert (
        reviewer.post(
            f"/api/verdicts/{verdict['id']}/approve/", {"version": version}, format="json"
        ).status_code
        == 403
    )
    approved = editor.post(
        f"/api/verdicts/{verdict['id']}/approve/", {"version": version}, format="json"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_big_export_is_built_by_the_real_worker_and_downloaded(
    celery_worker: WorkerProcess, workbench_defaults: None, settings: Any
) -> None:
    from claims import services
    from tests.claims.factories import make_claim, submitted_verdict

    reviewer, editor = make_user("rita", "Reviewer"), make_user("eddie", "Editor")
    claim = make_claim()
    services.verdict_approve(verdict=submitted_verdict(claim, reviewer), editor=editor)
    settings.REPORT_ASYNC_THRESHOLD = 0  # every selection goes to the worker
    api = token_client(editor)

    assert api.get("/api/reports/?format=csv").status_code == 409  # a GET queues nothing
    queued = api.post("/api/reports/exports/", {"format": "csv"}, format="json")
    assert queued.status_code == 202, queued.content
    status_url = queued.json()["status_url"]

    def done() -> bool:
        return api.get(status_url).json()["status"] in {"done", "failed"}

    assert wait_for(done, timeout=60), celery_worker.output()[-3000:]
    status = api.get(status_url).json()
    assert status["status"] == "done", status
    download = api.get(status["download_url"])
    content = b"".join(download.streaming_content).decode()  # type: ignore[attr-defined]
    # UTF-8 with a byte-order mark, so Excel does not read it as ANSI.
    assert content.startswith("\ufeffclaim_id,") and claim.claim_text in content
