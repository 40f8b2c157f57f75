"""Each export opened in the tool a desk would use, and checked for what that desk needs."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from markdown_it import MarkdownIt
from openpyxl import load_workbook
from pypdf import PdfReader
from pypdf.generic import BooleanObject, DictionaryObject
from rest_framework.test import APIClient

from claims import services
from claims.models import Article, Claim, ReportExport, Verdict
from claims.reports import render, storage
from claims.services import CitationInput
from claims.services.reports import report_export_build
from tests.claims.factories import RATIONALE, good_input, make_article, make_publishable
from tests.claims.reports.helpers import approve, content_of, download, editor_client

USGS = "https://pubs.usgs.gov/periodicals/mcs2025/mcs2025.pdf"
# Two paragraphs, bold, a link and raw HTML: the Markdown export must keep the first three.
RICH_RATIONALE = (
    "Imports fell by **17.8%** over the year, according to the [customs table]"
    "(https://customs.example/table-7). " + RATIONALE + "\n\n"
    "The ministry did not answer our questions. <script>alert(1)</script> "
    "We asked twice, by email and by phone, over two weeks in May."
)
DRAFT = "Draft verdict nobody has approved"
FIVE_CLAIMS = (
    "Unemployment rose to 5.2% in March, the statistics office said.\n"
    "The city spent €4 million on new buses in 2024.\n"
    "Exports to Germany fell by 17.8% last year.\n"
    "The minister said 300 schools will close by 2026.\n"
    "Crime has doubled since 2019, according to the mayor.\n"
)


def two_sources() -> list[CitationInput]:
    return [
        CitationInput(
            url=USGS,
            title="Mineral Commodity Summaries 2025",
            publisher="USGS",
            quote="Net import reliance of 100% for 12 mineral commodities",
            archived_url="https://web.archive.org/web/2025/" + USGS,
            accessed_at=date(2025, 5, 20),
            stance="refutes",
            is_primary=True,
        ),
        CitationInput(
            url="https://news.example/analysis",
            title="Analyse: la dépendance minérale",
            publisher="Le Monde économique",
            archived_url="https://web.archive.org/web/2025/https://news.example/analysis",
            accessed_at=date(2025, 5, 21),
            stance="context",
        ),
    ]


@pytest.fixture
def rich(article: Article, rita: User, eddie: User) -> Verdict:
    """A third verdict with two citations, accents and a rationale in Markdown."""
    claim = article.claims.get(status="accepted", verdicts__isnull=True)
    return approve(
        claim.pk,
        rita,
        eddie,
        summary="Les minéraux critiques: 15, pas 12",
        rationale=RICH_RATIONALE,
        citations=two_sources(),
    )


@pytest.fixture
def draft(article: Article, rita: User) -> Verdict:
    """A draft on the open claim: what a shareable report must never show."""
    claim = article.claims.get(status="accepted", verdicts__isnull=True)
    data = good_input(summary=DRAFT, rationale="Draft rationale: " + RATIONALE)
    return services.verdict_save_draft(claim=claim, author=rita, data=data)


def open_csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def pdf_text(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_has_a_bom_keeps_accents_and_every_citation_field(
    article: Article, rich: Verdict, eddie: User
) -> None:
    client = editor_client(eddie)
    for url in (f"/articles/{article.pk}/report/?format=csv", "/reports/?format=csv"):
        rows = open_csv(download(client, url))
        header = list(rows[0])
        # Numbered up to the most citations any verdict has: two here, and every field of each.
        for n in (1, 2):
            for name in (
                "url",
                "title",
                "publisher",
                "quote",
                "archived_url",
                "accessed_at",
                "stance",
                "is_primary",
            ):
                assert f"citation_{n}_{name}" in header, (url, n, name)
        assert "citation_3_url" not in header and "citations" not in header
        row = next(r for r in rows if r["verdict_id"] == str(rich.pk))
        assert row["summary"] == "Les minéraux critiques: 15, pas 12"  # é intact
        assert row["rationale"] == RICH_RATIONALE  # paragraphs and Markdown as written
        assert row["citation_1_url"] == USGS and row["citation_1_publisher"] == "USGS"
        assert row["citation_1_quote"].startswith("Net import reliance")
        assert row["citation_1_archived_url"].startswith("https://web.archive.org/")
        assert row["citation_1_accessed_at"] == "2025-05-20"
        assert row["citation_1_stance"] == "Refutes" and row["citation_1_is_primary"] == "True"
        assert row["citation_2_title"] == "Analyse: la dépendance minérale"
        assert row["citation_2_stance"] == "Context" and row["citation_2_is_primary"] == "False"
        single = next(r for r in rows if r["verdict_id"] and r["verdict_id"] != str(rich.pk))
        assert single["citation_1_url"] == USGS and single["citation_2_url"] == ""


def test_csv_still_streams_and_neutralises_formulas(article: Article, eddie: User) -> None:
    response = editor_client(eddie).get("/reports/?format=csv")
    assert response.streaming  # a big selection is never held in memory
    rows = open_csv(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert any(r["summary"].startswith("'=HYPERLINK") for r in rows)


# --- XLSX --------------------------------------------------------------------------------------


def test_xlsx_has_a_verdicts_and_a_citations_sheet_with_dates_and_links(
    article: Article, rich: Verdict, eddie: User
) -> None:
    content = download(editor_client(eddie), f"/articles/{article.pk}/report/?format=xlsx")
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Verdicts", "Citations"]
    assert book.properties.title == f"Fact-check report: {article.title}"
    assert book.properties.creator == "Demo Fact Desk"

    verdicts = book["Verdicts"]
    header = [cell.value for cell in verdicts[1]]
    assert verdicts.freeze_panes == "A2"  # the header row stays in view
    assert verdicts.column_dimensions["B"].width == 50  # the claim: wide enough to read
    rows = [dict(zip(header, row, strict=True)) for row in verdicts.iter_rows(min_row=2)]
    assert len(rows) == 3  # one row per verdict
    by_id = {r["verdict_id"].value: r for r in rows}
    row = by_id[rich.pk]
    assert row["summary"].value == "Les minéraux critiques: 15, pas 12"
    assert isinstance(row["approved_at"].value, datetime)  # a real date, not text
    assert row["approved_at"].number_format == "yyyy-mm-dd hh:mm"
    assert row["review_url"].hyperlink.target == row["review_url"].value
    assert row["article_url"].hyperlink.target == "https://news.example/minerals"
    assert row["rating_value"].value == 1 and row["corrected"].value is False
    hostile = next(r for r in rows if "HYPERLINK" in str(r["summary"].value))
    # Stored as text: shown exactly as written, never run as a formula.
    assert hostile["summary"].value.startswith("=HYPERLINK")
    assert hostile["summary"].data_type == "s"

    citations = book["Citations"]
    header = [cell.value for cell in citations[1]]
    assert header[:3] == ["verdict_id", "claim_id", "number"]
    sources = [dict(zip(header, row, strict=True)) for row in citations.iter_rows(min_row=2)]
    assert len(sources) == 4  # one row per citation: 1 + 1 + 2
    mine = [s for s in sources if s["verdict_id"].value == rich.pk]
    assert [s["number"].value for s in mine] == [1, 2]
    assert {s["claim_id"].value for s in mine} == {rich.claim_id}
    first = mine[0]
    assert first["url"].hyperlink.target == USGS
    assert first["accessed_at"].value.date() == date(2025, 5, 20)  # a date cell
    assert first["accessed_at"].number_format == "yyyy-mm-dd"
    assert first["quote"].value.startswith("Net import reliance")
    assert first["stance"].value == "Refutes" and first["is_primary"].value is True
    assert mine[1]["publisher"].value == "Le Monde économique"


def test_xlsx_is_offered_wherever_the_other_formats_are(
    article: Article, eddie: User, settings
) -> None:
    client = editor_client(eddie)
    assert 'value="xlsx"' in client.get("/reports/").content.decode()
    assert "?format=xlsx" in client.get(f"/articles/{article.pk}/").content.decode()
    selection = client.get("/reports/?format=xlsx")
    assert selection["Content-Type"] == render.FORMATS["xlsx"][0]
    assert selection["Content-Disposition"] == 'attachment; filename="verdicts.xlsx"'
    assert load_workbook(io.BytesIO(selection.content)).sheetnames == ["Verdicts", "Citations"]

    api = APIClient()
    api.force_authenticate(eddie)
    for url in (f"/api/articles/{article.pk}/report/?format=xlsx", "/api/reports/?format=xlsx"):
        response = api.get(url)
        assert response.status_code == 200, url
        assert load_workbook(io.BytesIO(response.content))["Verdicts"].max_row > 1
    schema = api.get("/api/schema/?format=json").json()
    for path in ("/api/articles/{id}/report/", "/api/reports/"):
        operation = schema["paths"][path]["get"]
        assert render.FORMATS["xlsx"][0] in operation["responses"]["200"]["content"], path
        formats = next(p for p in operation["parameters"] if p["name"] == "format")
        assert "xlsx" in formats["schema"]["enum"], path
    article_op = schema["paths"]["/api/articles/{id}/report/"]["get"]
    assert any(p["name"] == "internal" for p in article_op["parameters"])

    # The worker builds it too, with its progress recorded.
    settings.REPORT_ASYNC_THRESHOLD = 1
    queued = api.post("/api/reports/exports/", {"format": "xlsx"}, format="json")
    assert queued.status_code == 202
    assert report_export_build(export_id=queued.json()["id"]) is True
    export = ReportExport.objects.get(pk=queued.json()["id"])
    assert export.file_name.endswith(".xlsx") and export.percent == 100
    book = load_workbook(Path(settings.EXPORT_ROOT) / export.file_name)
    assert book["Verdicts"].max_row == 3  # the header and the two approved verdicts


# --- Markdown ----------------------------------------------------------------------------------


def test_markdown_keeps_the_rationale_as_written_and_names_reviewer_and_editor(
    article: Article, rich: Verdict, eddie: User
) -> None:
    markdown = download(editor_client(eddie), f"/articles/{article.pk}/report/?format=md")
    text = markdown.decode()
    assert "**17.8%**" in text and "\\*\\*" not in text  # not escaped
    parser = MarkdownIt("commonmark")
    tokens = parser.parse(text)
    strong = [
        tokens[i].children[j + 1].content  # type: ignore[index]
        for i in range(len(tokens))
        if tokens[i].type == "inline"
        for j, child in enumerate(tokens[i].children or [])
        if child.type == "strong_open"
    ]
    assert "17.8%" in strong  # bold kept as <strong>
    html = parser.render(text)
    assert '<a href="https://customs.example/table-7">customs table</a>' in html
    # The rationale's two paragraphs stay two paragraphs.
    assert "confirmed the count.</p>\n<p>The ministry did not answer" in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # Reviewer and editor each on their own line, named once.
    assert "<li><strong>Reviewer:</strong> rita</li>" in html
    assert "<li><strong>Editor:</strong> eddie</li>" in html
    assert "editor eddie" not in text
    # Every citation field, with working links.
    assert f'<a href="{USGS}">Mineral Commodity Summaries 2025</a> — USGS (primary source)' in html
    assert "accessed 2025-05-20: “Net import reliance" in html
    assert '<a href="https://web.archive.org/web/2025/' in html
    assert "<script>" not in text.split("### ")[0]  # the header is escaped text


# --- JSON --------------------------------------------------------------------------------------


def test_json_has_ids_codes_with_labels_rating_values_the_scale_and_a_version(
    article: Article, rich: Verdict, eddie: User
) -> None:
    data = json.loads(download(editor_client(eddie), f"/articles/{article.pk}/report/?format=json"))
    assert data["format_version"] == render.JSON_FORMAT_VERSION == 2
    assert data["internal"] is False
    assert data["article"]["id"] == article.pk and data["article"]["published_at"] == "2025-05-16"
    assert datetime.fromisoformat(data["generated_at"]).tzinfo is not None
    scale = data["rating_scale"]
    assert (scale["worst"], scale["best"]) == (1, 5)
    assert scale["url"].endswith("/ratings/")
    labels = {r["label"]: r for r in scale["ratings"]}
    assert labels["False"]["value"] == 1 and labels["Unproven"]["value"] is None
    item = next(e for e in data["approved"] if e["verdict_id"] == rich.pk)
    assert item["claim_id"] == rich.claim_id and item["article_id"] == article.pk
    assert (item["claim_status"], item["claim_status_label"]) == ("accepted", "Accepted")
    claim = Claim.objects.get(pk=rich.claim_id)
    assert (item["kind"], item["kind_label"]) == (claim.kind, claim.get_kind_display())
    assert (item["verdict_status"], item["verdict_status_label"]) == ("approved", "Approved")
    assert item["rating"] == {"id": rich.rating_id, "label": "False", "value": 1}
    assert item["reviewer"]["username"] == "rita" and item["editor"]["username"] == "eddie"
    assert datetime.fromisoformat(item["approved_at"]) == rich.approved_at
    assert item["rationale"] == RICH_RATIONALE
    first, second = item["citations"]
    assert (first["stance"], first["stance_label"], first["is_primary"]) == (
        "refutes",
        "Refutes",
        True,
    )
    assert first["accessed_at"] == "2025-05-20" and first["quote"].startswith("Net import")
    assert second["archived_url"].startswith("https://web.archive.org/")
    unrated = next(e for e in data["approved"] if e["rating"]["label"] == "Unproven")
    assert unrated["rating"]["value"] is None  # off the numeric scale
    selection = json.loads(download(editor_client(eddie), "/reports/?format=json"))
    assert selection["format_version"] == 2 and selection["selection"]["publisher"] == ""
    assert selection["rating_scale"] == scale and selection["open"] == []


# --- PDF ---------------------------------------------------------------------------------------


def test_pdf_is_tagged_has_metadata_and_the_text_of_every_verdict(
    article: Article, rich: Verdict, eddie: User
) -> None:
    before = datetime.now().astimezone()
    reader = PdfReader(
        io.BytesIO(download(editor_client(eddie), f"/articles/{article.pk}/report/?format=pdf"))
    )
    meta = reader.metadata
    assert meta is not None
    assert meta.title == f"Fact-check report: {article.title}"
    assert meta.author == "Demo Fact Desk"
    assert meta.creation_date is not None
    assert abs((meta.creation_date - before).total_seconds()) < 120
    root = reader.root_object
    assert "/StructTreeRoot" in root  # tagged: headings, lists and links for screen readers
    mark_info = root["/MarkInfo"].get_object()
    assert isinstance(mark_info, DictionaryObject) and mark_info["/Marked"] == BooleanObject(True)
    assert root["/Lang"] == "en"
    text = pdf_text(reader)
    for verdict in Verdict.objects.filter(status="approved"):
        assert verdict.claim.claim_text in text
        assert verdict.summary[:40] in text
    assert "17.8%" in text and "Analyse: la dépendance minérale" in text
    assert "rating scale" in text  # a link's words are never split ("ra / ting scale")
    assert "Reviewer: rita" in text and "Editor: eddie" in text


def test_five_short_verdicts_flow_onto_one_or_two_pages(rita: User, eddie: User) -> None:
    article = make_article(FIVE_CLAIMS)
    article.claims.update(claimant="Senator Jane Doe", claimant_type="Person")
    claims = list(article.claims.order_by("start"))
    assert len(claims) >= 5
    for claim in claims[:5]:
        services.claim_accept(claim=claim, actor=rita)
        approve(claim.pk, rita, eddie)
    pdf = download(editor_client(eddie), f"/articles/{article.pk}/report/?format=pdf")
    reader = PdfReader(io.BytesIO(pdf))
    # Not a page per verdict: fewer pages than verdicts, and verdicts sharing a page.
    assert len(reader.pages) < 5
    texts = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
    on_page = [sum(c.claim_text in t for c in claims[:5]) for t in texts]
    assert max(on_page) >= 2, on_page
    text = pdf_text(reader)
    assert all(claim.claim_text in text for claim in claims[:5])


# --- "Still open": shareable or internal -------------------------------------------------------


def test_still_open_shows_no_draft_unless_an_internal_report_is_asked_for(
    article: Article, draft: Verdict, eddie: User
) -> None:
    client = editor_client(eddie)
    base = f"/articles/{article.pk}/report/"
    open_claim = draft.claim.claim_text

    def fetch(query: str) -> tuple[str, str]:
        response = client.get(f"{base}?{query}")
        body = content_of(response)
        text = pdf_text(PdfReader(io.BytesIO(body))) if "pdf" in query else body.decode()
        return text, response["Content-Disposition"]

    for fmt in ("html", "md", "json", "csv", "pdf"):
        text, disposition = fetch(f"format={fmt}")
        assert open_claim in text, fmt  # the claim is listed as open ...
        assert DRAFT not in text and "Draft rationale" not in text, fmt  # ... its draft is not
        assert "Internal" not in text and "internal" not in disposition, fmt

        text, disposition = fetch(f"format={fmt}&internal=1")
        assert DRAFT in text, fmt
        assert 'filename="internal-report-' in disposition, fmt
        # A CSV has no title: every row's first cell says it instead.
        mark = "INTERNAL: includes draft verdicts" if fmt == "csv" else "Internal fact-check report"
        assert mark in text, fmt
        # Never kept by the browser, to be shown again after Back or to the next person.
        assert "no-store" in client.get(f"{base}?format={fmt}&internal=1")["Cache-Control"]
    data = json.loads(download(client, f"{base}?format=json&internal=1"))
    assert data["internal"] is True
    assert data["open"][0]["verdict_status"] == "draft"
    rows = open_csv(download(client, f"{base}?format=csv&internal=1"))
    assert [r["verdict_status"] for r in rows if r["summary"] == DRAFT] == ["Draft"]
    book = load_workbook(io.BytesIO(download(client, f"{base}?format=xlsx&internal=1")))
    assert book.properties.title.startswith("Internal") and book.properties.keywords == "internal"
    assert book.sheetnames[0] == "Internal"  # the first sheet a person sees says so
    shared_book = load_workbook(io.BytesIO(download(client, f"{base}?format=xlsx")))
    assert all(DRAFT not in str(c.value) for row in shared_book["Verdicts"] for c in row)

    api = APIClient()
    api.force_authenticate(eddie)
    assert DRAFT not in api.get(f"/api/articles/{article.pk}/report/?format=md").content.decode()
    assert (
        DRAFT
        in api.get(f"/api/articles/{article.pk}/report/?format=md&internal=1").content.decode()
    )


# --- The article PDF, cached per version -------------------------------------------------------


def test_article_pdf_is_built_once_per_version_and_rebuilt_when_a_verdict_or_claim_changes(
    article: Article, draft: Verdict, rita: User, eddie: User, monkeypatch
) -> None:
    builds: list[str] = []
    real = render.to_pdf

    def counting(report: render.Report) -> bytes:
        builds.append(report.title)
        return real(report)

    monkeypatch.setattr(render, "to_pdf", counting)
    client = editor_client(eddie)
    url = f"/articles/{article.pk}/report/?format=pdf"

    first = download(client, url)
    second = download(client, url)
    assert len(builds) == 1 and second == first  # the second open reads the cached file
    assert len(list(storage.article_pdf_folder().glob(f"article-{article.pk}-*.pdf"))) == 1

    # A verdict of the article changes: approving the open claim's draft.
    make_publishable(draft.claim)
    draft = services.verdict_submit(verdict=draft, actor=rita)
    download(client, url)  # submitted only: the shareable report shows nothing new
    assert len(builds) == 1
    services.verdict_approve(verdict=draft, editor=eddie)
    third = download(client, url)
    assert len(builds) == 2 and DRAFT in pdf_text(PdfReader(io.BytesIO(third)))
    download(client, url)
    assert len(builds) == 2

    # The article's claims change: a reviewer adds one the extractor missed and accepts it.
    # (A published claim keeps what was approved, whatever is edited later.)
    quote = "15 critical minerals"
    start = article.body.index(quote)
    claim = services.claim_create(
        article=article, actor=eddie, start=start, end=start + len(quote), quote=quote
    )
    claim = services.claim_accept(claim=claim, actor=eddie)
    services.claim_edit(claim=claim, actor=eddie, claim_text="The US imports 15 minerals.")
    assert "The US imports 15 minerals." in pdf_text(PdfReader(io.BytesIO(download(client, url))))
    assert len(builds) == 3
    # Only the current version is kept on disk.
    assert len(list(storage.article_pdf_folder().glob(f"article-{article.pk}-*.pdf"))) == 1

    # The internal report is cached apart, and is never served for the shareable one.
    download(client, url + "&internal=1")
    assert len(builds) == 4 and builds[-1].startswith("Internal")
    download(client, url)
    assert len(builds) == 4


def test_markdown_export_keeps_no_script_links_from_a_rationale() -> None:
    from markdown_it import MarkdownIt

    from claims.reports.render import md_markdown

    text = (
        "[x](javascript:alert(1)) <javascript:alert(2)> [src](https://usgs.gov) [m](mailto:a@b.org)"
    )
    tokens = MarkdownIt("commonmark").parseInline(md_markdown(text))
    hrefs = [
        child.attrs["href"]
        for token in tokens
        for child in token.children or []
        if child.type == "link_open"
    ]
    assert "https://usgs.gov" in hrefs and "mailto:a@b.org" in hrefs
    assert not any(str(h).lower().startswith("javascript") for h in hrefs)
