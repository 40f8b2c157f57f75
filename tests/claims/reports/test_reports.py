"""Every report format parsed back and checked for content; ClaimReview checked by the rules."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from claims import services
from claims.errors import WorkflowError
from claims.models import Article, ReportExport, Verdict
from claims.reports.claimreview import claim_review, validate
from claims.services.reports import report_export_build
from tests.claims.factories import good_input, make_user, rating, token_for
from tests.claims.reports.helpers import download, editor_client


def test_html_report_lists_verdicts_then_open_claims_and_escapes_everything(
    article: Article, eddie: User
) -> None:
    html = download(editor_client(eddie), f"/articles/{article.pk}/report/?format=html").decode()
    verdicts, still_open = html.split("Still open")
    claims = list(article.claims.order_by("start"))
    assert claims[0].claim_text in verdicts and claims[2].claim_text in still_open
    assert f"/articles/{article.pk}/#span-{claims[0].pk}" in html  # link back to the quote
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Mineral Commodity Summaries 2025" in html and "eddie" in html


def test_pdf_report_contains_the_claims_and_ratings(article: Article, eddie: User) -> None:
    pdf = download(editor_client(eddie), f"/articles/{article.pk}/report/?format=pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert "critical minerals" in text
    assert "Still open" in text and "Unproven" in text and "<script>" in text  # shown as text


def test_csv_round_trips_and_neutralises_formulas(article: Article, eddie: User) -> None:
    content = download(editor_client(eddie), f"/articles/{article.pk}/report/?format=csv")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 3
    hostile = next(r for r in rows if "HYPERLINK" in r["summary"])
    assert hostile["summary"].startswith("'=")  # shown as text by spreadsheets
    assert any(r["rating"] == "False" and r["editor"] == "eddie" for r in rows)
    assert all(
        r["citation_1_stance"] == "Refutes" and r["citation_1_url"].startswith("https://pubs.usgs")
        for r in rows
        if r["verdict_id"]
    )
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())


def test_json_and_markdown_carry_the_same_content(article: Article, eddie: User) -> None:
    client = editor_client(eddie)
    data = json.loads(download(client, f"/articles/{article.pk}/report/?format=json"))
    assert len(data["approved"]) == 2 and len(data["open"]) == 1
    first = data["approved"][0]
    assert first["rating"]["label"] == "False" and first["citations"][0]["stance"] == "refutes"
    assert first["review_url"].endswith(f"/reviews/{Verdict.objects.order_by('id')[0].pk}/")
    markdown = download(client, f"/articles/{article.pk}/report/?format=md").decode()
    assert "## Verdicts" in markdown and "## Still open" in markdown
    assert "<script>" not in markdown  # escaped for any Markdown renderer
    assert "Mineral Commodity Summaries 2025" in markdown


def test_claimreview_export_passes_the_validator(article: Article, eddie: User) -> None:
    documents = json.loads(
        download(editor_client(eddie), f"/articles/{article.pk}/report/?format=claimreview")
    )
    assert len(documents) == 2
    for document in documents:
        result = validate(document)
        assert result.ok, result.errors
        assert document["author"] == {
            "@type": "Organization",
            "name": "Demo Fact Desk",
            "url": "https://desk.example",
        }
        assert document["itemReviewed"]["appearance"] == [
            {"@type": "CreativeWork", "url": "https://news.example/minerals"}
        ]
        assert document["itemReviewed"]["author"] == {
            "@type": "Person",
            "name": "Senator Jane Doe",
        }
        assert document["itemReviewed"]["datePublished"] == "2025-05-16"
    rated, unrated = documents
    assert rated["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "False",
        "name": "False",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert "ratingValue" not in unrated["reviewRating"]  # "Unproven" is not on the scale
    assert validate(unrated).warnings


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda d: d.update(claimReviewed="x" * 76), "76 characters"),
        (lambda d: d.update(claimReviewed="False: the US imports minerals"), "not the rating"),
        (lambda d: d["reviewRating"].pop("alternateName"), "alternateName is required"),
        (lambda d: d.update(url="/reviews/1/"), "url is required"),
        (lambda d: d.update(datePublished="16 May 2025"), "ISO 8601"),
        (lambda d: d["reviewRating"].update(ratingValue=9), "between worstRating"),
        (lambda d: d["itemReviewed"].update({"@type": "Thing"}), "must be a Claim"),
        (lambda d: d.update({"@type": "Review"}), "@type must be ClaimReview"),
    ],
)
def test_validator_catches_what_google_rejects(
    article: Article, change: object, error: str
) -> None:
    document = claim_review(Verdict.objects.filter(status="approved").order_by("id")[0])
    assert validate(document).ok
    change(document)  # type: ignore[operator]
    assert any(error in message for message in validate(document).errors)


def test_public_page_embeds_the_exported_json_ld_and_needs_no_login(
    article: Article, eddie: User
) -> None:
    exported = json.loads(
        download(editor_client(eddie), f"/articles/{article.pk}/report/?format=claimreview")
    )
    for document in exported:
        page = Client().get(document["url"].replace("http://127.0.0.1:8000", ""))
        assert page.status_code == 200
        html = page.content.decode()
        embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert embedded is not None
        assert json.loads(embedded.group(1)) == document
        assert "<script>alert(1)" not in html


def test_nothing_unapproved_is_public(article: Article, rita: User) -> None:
    open_claim = article.claims.get(status="accepted", verdicts__isnull=True)
    draft = services.verdict_save_draft(claim=open_claim, author=rita, data=good_input())
    assert Client().get(f"/reviews/{draft.pk}/").status_code == 404
    services.verdict_submit(verdict=draft, actor=rita)
    assert Client().get(f"/reviews/{draft.pk}/").status_code == 404
    assert Client().get("/ratings/").status_code == 200  # the scale is documented publicly
    assert Client().get(f"/articles/{article.pk}/report/").status_code == 302  # to the login


def test_verdict_whose_claimreview_would_be_invalid_cannot_be_approved(
    article: Article, rita: User, eddie: User, settings
) -> None:
    claim = article.claims.get(status="accepted", verdicts__isnull=True)
    verdict = services.verdict_save_draft(claim=claim, author=rita, data=good_input())
    verdict = services.verdict_submit(verdict=verdict, actor=rita)
    settings.SITE_URL = "not-an-address"  # the review's `url` would not be absolute
    with pytest.raises(WorkflowError, match="ClaimReview"):
        services.verdict_approve(verdict=verdict, editor=eddie)


def test_selection_filters_by_rating_reviewer_publisher_and_date(
    article: Article, eddie: User, rita: User
) -> None:
    client = editor_client(eddie)

    def count(query: str) -> int:
        return len(json.loads(download(client, f"/reports/?format=json&{query}"))["approved"])

    today = timezone.now().date().isoformat()
    assert count("") == 2
    assert count(f"rating={rating('False').pk}") == 1
    assert count(f"reviewer={rita.pk}") == 2 and count(f"reviewer={eddie.pk}") == 0
    assert count("publisher=example news") == 2 and count("publisher=Other") == 0
    assert count(f"date_from={today}&date_to={today}") == 2
    assert count("date_from=2000-01-01&date_to=2000-12-31") == 0


def test_big_selection_is_built_by_the_worker_with_progress_and_a_download(
    article: Article, eddie: User, settings, tmp_path, django_capture_on_commit_callbacks
) -> None:
    settings.REPORT_ASYNC_THRESHOLD = 1
    settings.EXPORT_ROOT = tmp_path
    client = editor_client(eddie)
    # Asking with a GET (a link, a reload, a crawler) only offers to build it.
    offer = client.get("/reports/?format=csv")
    assert offer.status_code == 200 and "Build it in the background" in offer.content.decode()
    assert not ReportExport.objects.exists()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post("/reports/exports/", {"format": "csv"})
    export = ReportExport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/exports/{export.pk}/"
    assert len(queued) == 1  # the task is sent only after the row is committed
    # A second click while it is on its way gives the same export, not another job.
    with django_capture_on_commit_callbacks(execute=False) as again:
        second = client.post("/reports/exports/", {"format": "csv"})
    assert second["Location"] == response["Location"] and not again
    assert ReportExport.objects.count() == 1
    assert client.get("/reports/exports/").status_code == 405
    page = client.get(response["Location"]).content.decode()
    assert "Queued" in page and 'hx-trigger="every 1s"' in page
    assert report_export_build(export_id=export.pk) is True
    assert report_export_build(export_id=export.pk) is False  # a redelivery does nothing
    page = client.get(response["Location"]).content.decode()
    assert "Download" in page and "100%" in page
    content = download(client, f"/reports/exports/{export.pk}/download/")
    assert content.startswith(b"\xef\xbb\xbf")  # the worker's CSV has the BOM too
    assert len(list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))) == 2
    other = make_user("other", "Reviewer")
    stranger = Client()
    stranger.force_login(other)
    assert stranger.get(f"/reports/exports/{export.pk}/download/").status_code == 404


def test_report_api_serves_each_format_and_queues_big_selections(
    article: Article, eddie: User, settings, tmp_path
) -> None:
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(eddie)
    for fmt, marker in [
        ("html", b"<!doctype html>"),
        ("pdf", b"%PDF"),
        ("csv", b"claim_id"),
        ("xlsx", b"PK"),  # a zip, as every Office Open XML file is
        ("json", b'"approved"'),
        ("md", b"# Fact-check report"),
        ("claimreview", b'"ClaimReview"'),
    ]:
        response = api.get(f"/api/articles/{article.pk}/report/?format={fmt}")
        assert response.status_code == 200, (fmt, response.content[:200])
        body = (
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
            if response.streaming
            else response.content
        )
        assert marker in body[:5000], fmt
    assert api.get(f"/api/articles/{article.pk}/report/?format=docx").status_code == 400
    assert api.get("/api/reports/?format=json").status_code == 200
    settings.REPORT_ASYNC_THRESHOLD = 1
    settings.EXPORT_ROOT = tmp_path
    too_big = api.get("/api/reports/?format=json")
    assert too_big.status_code == 409 and "/api/reports/exports/" in too_big.json()["detail"]
    assert not ReportExport.objects.exists()  # a GET only reads
    queued = api.post("/api/reports/exports/", {"format": "json"}, format="json")
    assert queued.status_code == 202 and queued.json()["status"] == "queued"
    again = api.post("/api/reports/exports/", {"format": "json"}, format="json")
    assert again.status_code == 202 and again.json()["id"] == queued.json()["id"]
    report_export_build(export_id=queued.json()["id"])
    status = api.get(queued.json()["status_url"]).json()
    assert status["status"] == "done" and status["percent"] == 100
    token_client = APIClient()
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(eddie)}")
    downloaded = token_client.get(status["download_url"])
    assert downloaded.status_code == 200
    data = json.loads(b"".join(downloaded.streaming_content))  # type: ignore[attr-defined]
    assert len(data["approved"]) == 2
    assert (
        token_client.get(status["download_url"].replace(str(status["id"]), "999999")).status_code
        == 404
    )
