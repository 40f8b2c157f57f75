"""Turn report entries into files: HTML, PDF, CSV, JSON, Markdown and ClaimReview JSON-LD."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from claims.models import SiteSettings
from claims.reports.claimreview import site_url
from claims.reports.data import Entry

FORMATS = {
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "claimreview": ("application/ld+json", "jsonld"),
}

CSV_COLUMNS = [
    "claim_id",
    "claim",
    "quote",
    "quote_url",
    "article_title",
    "article_url",
    "publisher",
    "claim_status",
    "kind",
    "verdict_status",
    "rating",
    "summary",
    "rationale",
    "citations",
    "reviewer",
    "editor",
    "submitted_at",
    "approved_at",
    "review_url",
]
# A cell starting with one of these is a formula to Excel, LibreOffice and Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Report:
    title: str
    subtitle: str
    approved: list[Entry] = field(default_factory=list)
    open: list[Entry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def meta(self) -> dict[str, Any]:
        now = timezone.now()
        return {
            "title": self.title,
            "subtitle": self.subtitle,
            "generated_at": now.isoformat(),
            "generated": now.strftime("%-d %b %Y %H:%M UTC"),
            "publisher": SiteSettings.load().publisher_name,
            "rating_scale": site_url(reverse("rating_scale")),
        }


def safe_cell(value: Any) -> str:
    """Neutralise spreadsheet formulas: the cell shows the text, never runs it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _citations_cell(citations: list[dict[str, str]]) -> str:
    return " | ".join(
        f"{c['stance']}: {c['url']}" + (f" ({c['title']})" if c.get("title") else "")
        for c in citations
    )


def csv_rows(entries: Iterable[Entry]) -> Iterator[str]:
    """Yield CSV text line by line, header first, so a big export can stream."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return value

    writer.writerow(CSV_COLUMNS)
    yield flush()
    for item in entries:
        row = item.as_dict()
        row["citations"] = _citations_cell(item.citations)
        writer.writerow([safe_cell(row[column]) for column in CSV_COLUMNS])
        yield flush()


def to_json(report: Report) -> str:
    return json.dumps(
        {
            **report.meta(),
            "notes": report.notes,
            "approved": [e.as_dict() for e in report.approved],
            "open": [e.as_dict() for e in report.open],
        },
        ensure_ascii=False,
        indent=2,
    )


# Characters that change meaning anywhere in a line; the text is always placed after a prefix
# ("### ", "> ", "- "), so list and heading markers at a line start cannot occur.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def md_escape(text: str) -> str:
    """Escape text from articles and reviewers so it shows as written in any Markdown viewer."""
    flat = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", flat.replace("<", "&lt;").replace(">", "&gt;"))


def md_url(url: str) -> str:
    """Percent-encode what could close a Markdown link early and start another one."""
    return quote(url, safe=":/?#@!$&'*+,;=%~[]")


def to_markdown(report: Report) -> str:
    meta = report.meta()
    lines = [f"# {md_escape(report.title)}", "", md_escape(report.subtitle), ""]
    lines.append(
        f"Generated {meta['generated_at'][:16].replace('T', ' ')} UTC by "
        f"{md_escape(meta['publisher'])}. Rating scale: <{meta['rating_scale']}>"
    )
    lines.append("")
    for heading, items in (("Verdicts", report.approved), ("Still open", report.open)):
        if not items:
            continue
        lines += [f"## {heading}", ""]
        for item in items:
            lines.append(f"### {md_escape(item.claim)}")
            lines.append("")
            lines.append(f"> {md_escape(item.quote)} ([in the article]({md_url(item.quote_url)}))")
            lines.append("")
            if item.rating:
                lines.append(
                    f"- **Rating:** {md_escape(item.rating)} ({md_escape(item.verdict_status)})"
                )
            if item.summary:
                lines.append(f"- **Claim reviewed:** {md_escape(item.summary)}")
            lines.append(
                f"- **Article:** [{md_escape(item.article_title)}]({md_url(item.article_url)})"
            )
            if item.reviewer:
                editor = f", editor {md_escape(item.editor)}" if item.editor else ""
                lines.append(f"- **Reviewer:** {md_escape(item.reviewer)}{editor}")
            if item.approved_at:
                lines.append(f"- **Approved:** {item.approved_at.date().isoformat()}")
            if item.review_url:
                lines.append(f"- **Published review:** <{md_url(item.review_url)}>")
            if item.rationale:
                lines += ["", md_escape(item.rationale)]
            if item.citations:
                lines += ["", "Sources:", ""]
                for c in item.citations:
                    label = md_escape(c["title"] or c["url"])
                    lines.append(f"1. {md_escape(c['stance'])}: [{label}]({md_url(c['url'])})")
            lines.append("")
    for note in report.notes:
        lines.append(f"_{md_escape(note)}_")
    return "\n".join(lines).rstrip() + "\n"


def to_html(report: Report) -> str:
    return render_to_string("claims/reports/report.html", {"report": report, "meta": report.meta()})


def to_pdf(report: Report) -> bytes:
    # Imported here: WeasyPrint loads pango and fonts, which only PDF exports need.
    from weasyprint import HTML

    pdf = HTML(string=to_html(report), base_url=site_url("/")).write_pdf()
    assert pdf is not None
    return bytes(pdf)
