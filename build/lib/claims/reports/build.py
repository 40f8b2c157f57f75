"""Build a report in a format, for an article or for a selection of approved verdicts."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict

from claims.models import Article, SiteSettings, Verdict
from claims.reports import render
from claims.reports.claimreview import claim_review, rating_bounds
from claims.reports.data import (
    ReportFilters,
    article_report,
    entries_of,
    selection_entries,
    selection_verdicts,
)


class UnknownFormat(ValueError):
    pass


def check_format(fmt: str) -> str:
    if fmt not in render.FORMATS:
        raise UnknownFormat(f"Unknown format {fmt!r}: use one of {', '.join(render.FORMATS)}.")
    return fmt


def claim_reviews(verdicts: Iterable[Verdict]) -> list[dict[str, object]]:
    site, bounds = SiteSettings.load(), rating_bounds()
    return [claim_review(v, site=site, bounds=bounds) for v in verdicts]


def article_file(article: Article, fmt: str) -> bytes | Iterator[str]:
    """Return the article's report: every claim with its approved verdict, then what is open."""
    check_format(fmt)
    if fmt == "claimreview":
        approved = (
            Verdict.objects.filter(claim__article=article, status=Verdict.Status.APPROVED)
            .select_related("claim__article", "rating")
            .order_by("claim__start", "id")
        )
        return _json_bytes(claim_reviews(approved))
    data = article_report(article)
    notes = []
    if data.candidates or data.dismissed:
        notes.append(
            f"Not listed: {data.candidates} candidate claims not yet triaged and "
            f"{data.dismissed} dismissed."
        )
    report = render.Report(
        title=f"Fact-check report: {article.title}",
        subtitle=" · ".join(
            part for part in (article.publisher, str(article.published_at or "")) if part
        )
        or "Article report",
        approved=data.approved,
        open=data.open,
        notes=notes,
    )
    if fmt == "csv":
        return render.csv_rows(entries_of(data))
    return _render(report, fmt)


def selection_file(filters: ReportFilters, fmt: str) -> bytes | Iterator[str]:
    """Return the report of approved verdicts matching the filters; CSV streams."""
    check_format(fmt)
    verdicts = selection_verdicts(filters)
    if fmt == "csv":
        return render.csv_rows(selection_entries(verdicts))
    if fmt == "claimreview":
        return _json_bytes(
            claim_reviews(verdicts.select_related("claim__article", "rating").iterator())
        )
    report = render.Report(
        title="Fact-check verdicts",
        subtitle=filters.describe(),
        approved=list(selection_entries(verdicts)),
    )
    return _render(report, fmt)


def _render(report: render.Report, fmt: str) -> bytes:
    if fmt == "pdf":
        return render.to_pdf(report)
    if fmt == "json":
        return render.to_json(report).encode()
    if fmt == "md":
        return render.to_markdown(report).encode()
    return render.to_html(report).encode()


def _json_bytes(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def filters_from_dict(data: dict[str, object]) -> ReportFilters:
    from datetime import date

    def day(value: object) -> date | None:
        return date.fromisoformat(str(value)) if value else None

    return ReportFilters(
        date_from=day(data.get("date_from")),
        date_to=day(data.get("date_to")),
        rating=int(str(data["rating"])) if data.get("rating") else None,
        reviewer=int(str(data["reviewer"])) if data.get("reviewer") else None,
        publisher=str(data.get("publisher") or ""),
    )


def filters_to_dict(filters: ReportFilters) -> dict[str, object]:
    data = asdict(filters)
    for key in ("date_from", "date_to"):
        data[key] = data[key].isoformat() if data[key] else None
    return data
