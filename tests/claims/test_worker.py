"""A real Celery worker process on real Redis splits what the API ingests."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import WorkerProcess, wait_for


@pytest.mark.worker
# serialized_rollback: restore the roles and rating scale the migrations made after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_splits_an_article_posted_to_the_api(
    celery_worker: WorkerProcess, reviewer, seed_text: str
) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=reviewer).key}")

    response = client.post(
        "/api/articles/", {"title": "Trade war", "body": seed_text}, format="json"
    )
    assert response.status_code == 201, response.content
    article_id = response.json()["id"]

    def split() -> bool:
        return client.get(f"/api/articles/{article_id}/").json()["status"] == "split"

    assert wait_for(split, timeout=60), celery_worker.output()[-3000:]
    claims = client.get(f"/api/claims/?article={article_id}").json()
    detail = client.get(f"/api/articles/{article_id}/").json()
    assert claims["count"] == detail["claim_count"] > 5
    for claim in claims["results"]:
        assert seed_text[claim["start"] : claim["end"]] == claim["text"]
