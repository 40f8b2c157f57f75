from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from claims.models import Article
from claims.services import article_ingest, article_split
from tests.claims.factories import token_for
from tests.conftest import SEEDS


@pytest.fixture
def api(reviewer) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(reviewer)}")
    return client


@pytest.mark.django_db
def test_anonymous_gets_no_data() -> None:
    article_ingest(body="Secret draft text about 145% tariffs.")
    client = APIClient()
    for url in ["/api/articles/", "/api/claims/", f"/api/articles/{Article.objects.get().pk}/"]:
        response = client.get(url)
        assert response.status_code in (401, 403)
        assert "145%" not in response.content.decode()
    assert client.post("/api/articles/", {"body": "x"}, format="json").status_code in (401, 403)


@pytest.mark.django_db
def test_post_article_returns_201_queued_and_the_same_text_returns_the_existing_one(
    api: APIClient, seed_text: str
) -> None:
    payload = {
        "title": "Trade war",
        "body": seed_text,
        "url": "https://example.com/trade-war",
        "publisher": "Example News",
        "published_at": "2025-05-16",
    }
    first = api.post("/api/articles/", payload, format="json")
    assert first.status_code == 201
    data = first.json()
    assert data["status"] == "queued"
    assert data["claim_count"] == 0
    assert data["url"] == "https://example.com/trade-war"
    again = api.post("/api/articles/", {"body": seed_text}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == data["id"]
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"body": ""},
        {"body": "   \n "},
        {"body": "binary \x00 inside"},
        b'{"body": "a lone surrogate \\ud800 escaped in JSON"}',
        {"body": "fine", "url": "not a url"},
        {"body": "fine", "published_at": "yesterday"},
        {"body": ["a", "list"]},
    ],
)
@pytest.mark.django_db
def test_bad_input_gets_400_with_field_messages_and_writes_nothing(
    api: APIClient, payload: dict[str, object] | bytes
) -> None:
    if isinstance(payload, bytes):
        response = api.post("/api/articles/", payload, content_type="application/json")
    else:
        response = api.post("/api/articles/", payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()  # field -> messages
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_article_over_the_limit_gets_413(api: APIClient, settings) -> None:
    settings.ARTICLE_MAX_BYTES = 2000
    response = api.post("/api/articles/", {"body": "word " * 1000}, format="json")
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_request_body_over_the_upload_limit_gets_413(api: APIClient, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post("/api/articles/", {"body": "word " * 1000}, format="json")
    assert response.status_code == 413
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_malformed_json_gets_400(api: APIClient) -> None:
    response = api.post("/api/articles/", b"{not json", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.django_db
def test_article_detail_shows_status_body_and_claim_count(api: APIClient, seed_text: str) -> None:
    article = article_ingest(body=seed_text).article
    count = article_split(article_id=article.pk)
    data = api.get(f"/api/articles/{article.pk}/").json()
    assert data["status"] == "split"
    assert data["claim_count"] == count
    assert data["body"] == seed_text
    assert api.get("/api/articles/999999/").status_code == 404


@pytest.mark.django_db
def test_claims_are_paginated_and_filtered_by_article(api: APIClient, seed_text: str) -> None:
    first = article_ingest(body=seed_text).article
    other = article_ingest(body="Exports fell 21% in May. Imports rose 3%.").article
    total = article_split(article_id=first.pk)
    article_split(article_id=other.pk)
    page = api.get(f"/api/claims/?article={first.pk}").json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == total
    assert {c["article"] for c in page["results"]} == {first.pk}
    claim = page["results"][0]
    for key in [
        "id",
        "start",
        "end",
        "text",
        "claim",
        "score",
        "reasons",
        "kind",
        "quantities",
        "status",
        "assignee",
        "version",
    ]:
        assert key in claim
    assert seed_text[claim["start"] : claim["end"]] == claim["text"]


@pytest.mark.django_db
def test_claims_page_runs_a_constant_number_of_queries(
    api: APIClient, seed_text: str, django_assert_max_num_queries
) -> None:
    article_split(article_id=article_ingest(body="Exports fell 21% in May.").article.pk)
    # The pages grow (two different articles: a near-copy would become a version); the query
    # count must not. Claims: token, count, rows, tags, and the page's match badges (pairs,
    # conflicting figures).
    other = (SEEDS / "003_d667ad485b7a7bfc.txt").read_text(encoding="utf-8")
    for body in (seed_text, other):
        article_split(article_id=article_ingest(body=body).article.pk)
        with django_assert_max_num_queries(8):
            assert api.get("/api/claims/").status_code == 200
        with django_assert_max_num_queries(6):
            assert api.get("/api/articles/").status_code == 200


@pytest.mark.django_db
def test_openapi_schema_describes_the_endpoints(api: APIClient) -> None:
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/articles/", "/api/articles/{id}/", "/api/claims/"} <= set(paths)
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
