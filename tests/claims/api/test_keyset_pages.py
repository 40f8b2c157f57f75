"""API lists page by keyset: every row once, in order, at the same cost on every page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from claims.models import Article, Claim
from tests.claims.factories import token_for


@pytest.fixture
def api(reviewer) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(reviewer)}")
    return client


def _article(n_claims: int, title: str = "Many", score: float | None = None) -> Article:
    article = Article.objects.create(title=title, body=f"{title}: " + "tax word " * (n_claims + 1))
    Claim.objects.bulk_create(
        Claim(
            article=article,
            start=len(title) + 2 + i * 9,
            end=len(title) + 2 + i * 9 + 8,
            text="tax word",
            claim_text=f"Tax claim {i}",
            # Many ties: the pages must still hold every row once.
            score=score if score is not None else (i % 7) / 10,
        )
        for i in range(n_claims)
    )
    return article


def _walk(api: APIClient, url: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    pages = 0
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        data = response.json()
        rows.extend(data["results"])
        url = data["next"]
        pages += 1
        assert pages < 100
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "&status=candidate", "&search=tax"])
def test_following_next_gives_every_claim_once_in_the_lists_order(
    api: APIClient, query: str
) -> None:
    first, second = _article(23), _article(12, title="Second")
    everything = api.get(f"/api/claims/?page_size=1000{query}")
    assert everything.status_code == 400  # at most 200 a page
    walked = _walk(api, f"/api/claims/?page_size=5{query}")
    whole = api.get(f"/api/claims/?page_size=200{query}").json()
    assert [r["id"] for r in walked] == [r["id"] for r in whole["results"]]
    assert len({r["id"] for r in walked}) == 35 == whole["count"]
    assert {r["article"] for r in walked} == {first.pk, second.pk}


@pytest.mark.django_db
def test_page_size_is_honoured_and_the_count_is_the_whole_list(api: APIClient) -> None:
    _article(30)
    data = api.get("/api/claims/?page_size=7").json()
    assert len(data["results"]) == 7 and data["count"] == 30
    assert data["previous"] is None and "cursor=" in data["next"]
    assert len(api.get("/api/claims/").json()["results"]) == 30  # the default is 50


@pytest.mark.django_db
def test_previous_goes_back_to_the_same_rows(api: APIClient) -> None:
    _article(20)
    page1 = api.get("/api/claims/?page_size=6").json()
    page2 = api.get(page1["next"]).json()
    page3 = api.get(page2["next"]).json()
    back = api.get(page3["previous"]).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in page2["results"]]
    assert [r["id"] for r in api.get(back["previous"]).json()["results"]] == [
        r["id"] for r in page1["results"]
    ]
    assert api.get(back["previous"]).json()["previous"] is None


@pytest.mark.django_db
def test_a_page_stays_put_when_claims_are_added_before_it(api: APIClient) -> None:
    article = _article(20)
    page1 = api.get("/api/claims/?page_size=8").json()
    # A reviewer adds claims at the start of the list while a script pages through it: with
    # OFFSET the script would see page 1's last rows again; a keyset page starts after them.
    Claim.objects.bulk_create(
        Claim(
            article=article,
            start=6 + i * 9 + 4,
            end=6 + i * 9 + 7,
            text="wor",
            claim_text=f"New {i}",
        )
        for i in range(3)
    )
    page2 = api.get(page1["next"]).json()
    seen = {r["id"] for r in page1["results"]}
    assert not seen & {r["id"] for r in page2["results"]}
    assert page2["results"][0]["start"] > page1["results"][-1]["start"] or (
        page2["results"][0]["article"] > page1["results"][-1]["article"]
    )


@pytest.mark.django_db
def test_later_pages_neither_count_again_nor_offset(api: APIClient) -> None:
    _article(40)
    page1 = api.get("/api/claims/?page_size=10").json()
    with CaptureQueriesContext(connection) as queries:
        page2 = api.get(page1["next"])
    assert page2.status_code == 200 and page2.json()["count"] == 40
    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "COUNT(" not in sql
    assert "OFFSET" not in sql


@pytest.mark.django_db
def test_article_list_pages_newest_first(api: APIClient) -> None:
    made = [_article(i % 3, title=f"Article {i}") for i in range(12)]
    walked = _walk(api, "/api/articles/?page_size=5")
    assert [r["id"] for r in walked] == [a.pk for a in reversed(made)]
    counts = {r["id"]: r["claim_count"] for r in walked}
    assert counts == {a.pk: a.claims.count() for a in made}
