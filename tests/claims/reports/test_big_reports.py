"""Reports at newsroom scale: PDFs leave the request early, the worker writes files as it goes."""

from __future__ import annotations

import csv
import gc
import io
import json
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from markdown_it import MarkdownIt
from openpyxl import load_workbook
from pypdf import PdfReader

from claims.models import (
    Article,
    Citation,
    Claim,
    PublishedArticle,
    PublishedClaim,
    ReportExport,
    Verdict,
)
from claims.reports import build, render, sheets
from claims.reports.claimreview import validate
from claims.reports.data import ReportFilters
from claims.services.reports import report_export_build, report_export_request
from tests.claims.factories import rating
from tests.claims.reports.helpers import download, editor_client


def built(user: User, fmt: str, filters: ReportFilters | None = None) -> Path:
    """Ask for an export and run the worker's build; return the finished file."""
    export = report_export_request(user=user, filters=filters or ReportFilters(), fmt=fmt)
    assert report_export_build(export_id=export.pk) is True
    export.refresh_from_db()
    assert export.status == ReportExport.Status.DONE, export.error
    return Path(django_settings.EXPORT_ROOT) / export.file_name


# --- Where a report is built -------------------------------------------------------------------


def test_pdf_selection_over_its_limit_is_offered_to_the_worker_not_built_in_the_request(
    article: Article, eddie: User, settings, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    settings.REPORT_ASYNC_THRESHOLDS = {"pdf": 1}  # the selection has two verdicts
    laid_out: list[str] = []
    real = render.write_pdf
    monkeypatch.setattr(render, "write_pdf", lambda report, out: laid_out.append("pdf"))
    client = editor_client(eddie)

    offer = client.get("/reports/?format=pdf")
    assert offer.status_code == 200 and offer["Content-Type"].startswith("text/html")
    assert "Build it in the background" in offer.content.decode()
    assert not laid_out and not ReportExport.objects.exists()  # a GET lays nothing out
    # The same selection in a format that costs little is still answered at once.
    assert len(json.loads(download(client, "/reports/?format=json"))["approved"]) == 2

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post("/reports/exports/", {"format": "pdf"})
    export = ReportExport.objects.get()
    assert response["Location"] == f"/reports/exports/{export.pk}/" and len(queued) == 1
    assert (export.format, export.total) == ("pdf", 2)

    monkeypatch.setattr(render, "write_pdf", real)
    assert report_export_build(export_id=export.pk) is True
    reader = PdfReader(io.BytesIO(download(client, f"/reports/exports/{export.pk}/download/")))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for verdict in Verdict.objects.filter(status="approved"):
        assert verdict.claim.claim_text in text


def test_the_api_answers_409_for_a_pdf_over_its_limit_and_still_serves_json(
    article: Article, eddie: User, settings
) -> None:
    from rest_framework.test import APIClient

    from tests.claims.factories import token_for

    settings.REPORT_ASYNC_THRESHOLDS = {"pdf": 1}  # the selection has two verdicts
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(eddie)}")
    refused = api.get("/api/reports/?format=pdf")
    assert refused.status_code == 409
    assert "more than 1 can be built in a request as pdf" in refused.json()["detail"]
    assert not ReportExport.objects.exists()  # a GET queues nothing
    assert api.get("/api/reports/?format=json").status_code == 200


def test_a_pdf_may_have_few_verdicts_in_a_request_and_other_formats_keep_the_overall_limit(
    settings,
) -> None:
    if hasattr(settings, "REPORT_ASYNC_THRESHOLDS"):
        del settings.REPORT_ASYNC_THRESHOLDS
    settings.REPORT_ASYNC_THRESHOLD = 500
    assert build.request_limit("pdf") == 25
    assert build.request_limit("csv") == build.request_limit("html") == 500
    settings.REPORT_ASYNC_THRESHOLDS = {"json": 40}
    assert build.request_limit("json") == 40 and build.request_limit("pdf") == 25
    settings.REPORT_ASYNC_THRESHOLD = 10  # the overall limit caps every format
    assert build.request_limit("pdf") == 10 and build.request_limit("json") == 10


# --- What the worker writes --------------------------------------------------------------------


def test_every_export_the_worker_writes_is_complete_and_opens(
    article: Article, eddie: User
) -> None:
    claims = [v.claim.claim_text for v in Verdict.objects.filter(status="approved")]
    assert len(claims) == 2

    rows = list(csv.DictReader(io.StringIO(built(eddie, "csv").read_text("utf-8-sig"))))
    assert sorted(r["claim"] for r in rows) == sorted(claims)

    book = load_workbook(built(eddie, "xlsx"))
    assert book["Verdicts"].max_row == 3 and book["Citations"].max_row == 3

    data = json.loads(built(eddie, "json").read_text())
    asked = json.loads(download(editor_client(eddie), "/reports/?format=json"))
    assert data.pop("generated_at") and asked.pop("generated_at")
    assert data == asked  # the file is the report a request gives

    documents = json.loads(built(eddie, "claimreview").read_text())
    assert len(documents) == 2 and all(validate(d).ok for d in documents)

    markdown = built(eddie, "md").read_text()
    assert markdown.endswith("\n") and not markdown.endswith("\n\n")
    headings = [t.content for t in MarkdownIt("commonmark").parse(markdown) if t.type == "inline"]
    assert "Verdicts" in headings and all(c in markdown for c in claims)

    page = built(eddie, "html").read_text()
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert page.count('<article class="entry"') == 2 and "Verdicts (2)" in page

    reader = PdfReader(built(eddie, "pdf"))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert all(c in text for c in claims) and "/StructTreeRoot" in reader.root_object

    # Nothing half-written is left beside the files.
    assert not list(Path(django_settings.EXPORT_ROOT).glob("*.part"))


class Recorder(io.BytesIO):
    """A file that remembers each write."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.writes.append(bytes(data))
        return super().write(data)


@pytest.mark.parametrize("fmt", ["csv", "json", "md", "html", "claimreview"])
def test_the_worker_writes_each_verdict_as_it_comes_not_the_whole_file_at_once(
    article: Article, fmt: str
) -> None:
    out = Recorder()
    build.selection_write(ReportFilters(), fmt, out)
    # Each verdict's permalink: the one text of a verdict that every format has and no other.
    texts = [f"/reviews/{v.pk}/".encode() for v in Verdict.objects.filter(status="approved")]
    assert len(texts) == 2 and all(text in out.getvalue() for text in texts)
    # No one write holds two verdicts: each went to the file before the next was read.
    assert not any(all(text in chunk for text in texts) for chunk in out.writes), fmt


def test_a_failed_export_leaves_no_file_behind(
    article: Article, eddie: User, settings, monkeypatch
) -> None:
    def broken(entries, **kwargs):
        yield "claim_id\n"
        raise RuntimeError("the database went away")

    monkeypatch.setattr(sheets, "csv_rows", broken)
    export = report_export_request(user=eddie, filters=ReportFilters(), fmt="csv")
    assert report_export_build(export_id=export.pk) is False
    export.refresh_from_db()
    assert export.status == ReportExport.Status.FAILED and "went away" in export.error
    assert not list(Path(settings.EXPORT_ROOT).glob("*"))


def test_streamed_json_is_the_text_json_dumps_writes() -> None:
    items = [
        {"summary": "line\u2028separator and next\u0085line", "n": [1, {"a": []}], "e": {}},
        {"quote": "“quoted”\nand a break", "none": None},
    ]
    assert "".join(render.json_list_chunks(items)) == json.dumps(
        items, ensure_ascii=False, indent=2
    )
    assert "".join(render.json_list_chunks([])) == "[]"
    nested = {"x": 1, "items": items}
    streamed = '{\n  "x": 1,\n  "items": ' + "".join(render.json_list_chunks(items, depth=1))
    assert streamed + "\n}" == json.dumps(nested, ensure_ascii=False, indent=2)


# --- Memory ------------------------------------------------------------------------------------


def bulk_verdicts(count: int, *, publisher: str, author: User, editor: User) -> None:
    """Approved verdicts with a citation each, written in bulk (the services take too long)."""
    sentences = [f"Exports fell {n % 90 + 10}% in month {n}." for n in range(count)]
    article = Article.objects.create(
        title=f"{publisher} article",
        body=" ".join(sentences),
        publisher=publisher,
        status=Article.Status.SPLIT,
    )
    claims, start = [], 0
    for text in sentences:
        claims.append(
            Claim(
                article=article,
                start=start,
                end=start + len(text),
                text=text,
                claim_text=text,
                status=Claim.Status.ACCEPTED,
                claimant="Minister Jane Doe",
                claimant_type="Person",
            )
        )
        start += len(text) + 1
    Claim.objects.bulk_create(claims, batch_size=500)
    when = datetime(2025, 6, 1, tzinfo=UTC)
    published = PublishedArticle(article.title, "https://news.example/a", publisher, None)
    verdicts = [
        Verdict(
            claim=claim,
            rating=rating(),
            summary=claim.claim_text[:60],
            rationale="The customs table shows a smaller fall. " * 8,
            status=Verdict.Status.APPROVED,
            author=author,
            approver=editor,
            published_claim=PublishedClaim(
                claim.claim_text, claim.claimant, "Person", "", date(2025, 6, 1), published
            ).as_json(),
            submitted_at=when,
            approved_at=when + timedelta(seconds=n),
        )
        for n, claim in enumerate(claims)
    ]
    Verdict.objects.bulk_create(verdicts, batch_size=500)
    Citation.objects.bulk_create(
        [
            Citation(
                verdict=verdict,
                url=f"https://customs.example/table/{n}",
                title="Monthly trade table",
                quote="Exports fell by less than the minister said.",
                stance=Citation.Stance.REFUTES,
                is_primary=True,
            )
            for n, verdict in enumerate(verdicts)
        ],
        batch_size=500,
    )


def test_a_big_csv_export_takes_no_more_memory_than_a_small_one(
    rita: User, eddie: User, settings
) -> None:
    # Verdicts are read 500 at a time, and a chunk is still held while the next one is read:
    # both selections span several chunks. The peak is two chunks' worth (about 8 MB here)
    # and moves by a few hundred KB from run to run with what the collector has freed, so
    # the big selection is six times the small one: a file built whole would add 8 MB.
    bulk_verdicts(1000, publisher="Small", author=rita, editor=eddie)
    bulk_verdicts(6000, publisher="Big", author=rita, editor=eddie)

    def peak(publisher: str) -> tuple[int, int]:
        gc.collect()  # garbage of the run before is no part of this one
        tracemalloc.start()
        try:
            path = built(eddie, "csv", ReportFilters(publisher=publisher))
            return tracemalloc.get_traced_memory()[1], path.stat().st_size
        finally:
            tracemalloc.stop()

    peak("Small")  # once first, so imports and caches are not counted
    small, small_size = peak("Small")
    big, big_size = peak("Big")
    assert big_size > 5 * small_size
    # Six times the verdicts, the same memory: a file built whole would take at least the
    # extra megabytes of text, and as much again as bytes.
    assert big - small < (big_size - small_size) / 4, (small, big, small_size, big_size)
