"""Build a report in a format, for an article or for a selection of approved verdicts."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict

from claims.models import Article, SiteSettings, Verdict
from claims.reports import render, sheets, storage
from claims.reports.claimreview import claim_review, rating_bounds
from claims.reports.data import (
    ArticleReport,
    Entry,
    ReportFilters,
    article_report,
    entries_of,
    most_citations,
    selection_entries,
    selection_verdicts,
)

# Called with how many verdicts are done, so a long export can show its progress.
Progress = Callable[[int], None]


class UnknownFormat(ValueError):
    pass


def check_format(fmt: str) -> str:
    if fmt not in render.FORMATS:
        raise UnknownFormat(f"Unknown format {fmt!r}: use one of {', '.join(render.FORMATS)}.")
    return fmt


def claim_reviews(verdicts: Iterable[Verdict]) -> list[dict[str, object]]:
    site, bounds = SiteSettings.load(), rating_bounds()
    return [claim_review(v, site=site, bounds=bounds) for v in verdicts]


def article_file(article: Article, fmt: str, *, internal: bool = False) -> bytes | Iterator[str]:
    """Return the article's report: every claim with its approved verdict, then what is open.

    `internal` adds the draft verdicts of open claims; the report then says it is internal.
    The PDF is cached per version of the article's content (see storage.article_pdf).
    """
    check_format(fmt)
    if fmt == "claimreview":
        approved = (
            Verdict.objects.published()
            .filter(claim__article=article)
            .select_related("claim__article", "rating", "original")
            .order_by("claim__start", "id")
        )
        return _json_bytes(claim_reviews(approved))
    data = article_report(article, internal=internal)
    if fmt == "csv":
        entries = list(entries_of(data))
        most = max((len(e.citations) for e in entries), default=0)
        return sheets.csv_rows(entries, citations=most, internal=internal)
    report = _article_document(data, internal=internal)
    if fmt == "pdf":
        return storage.article_pdf(report, article_id=article.pk)
    return _render(report, fmt)


def _article_document(data: ArticleReport, *, internal: bool) -> render.Report:
    article = data.article
    notes = []
    if data.candidates or data.dismissed:
        notes.append(
            f"Not listed: {data.candidates} candidate claims not yet triaged and "
            f"{data.dismissed} dismissed."
        )
    kind = "Internal fact-check report" if internal else "Fact-check report"
    return render.Report(
        title=f"{kind}: {article.title}",
        subtitle=" · ".join(
            part for part in (article.publisher, str(article.published_at or "")) if part
        )
        or "Article report",
        approved=data.approved,
        open=data.open,
        notes=notes,
        internal=internal,
        scope={
            "article": {
                "id": article.pk,
                "title": article.title,
                "source_url": article.source_url,
                "publisher": article.publisher,
                "published_at": article.published_at.isoformat() if article.published_at else None,
            }
        },
    )


def selection_file(
    filters: ReportFilters, fmt: str, *, progress: Progress | None = None
) -> bytes | Iterator[str]:
    """Return the report of approved verdicts matching the filters; CSV streams."""
    check_format(fmt)
    verdicts = selection_verdicts(filters)
    if fmt == "claimreview":
        return _json_bytes(
            claim_reviews(
                verdicts.select_related("claim__article", "rating", "original").iterator()
            )
        )
    entries = _reporting(selection_entries(verdicts), progress)
    title = "Fact-check verdicts"
    if fmt == "csv":
        return sheets.csv_rows(entries, citations=most_citations(verdicts))
    if fmt == "xlsx":
        # Straight from the database cursor to the sheet: nothing holds every verdict.
        return _xlsx(entries, title=title, internal=False)
    report = render.Report(
        title=title,
        subtitle=filters.describe(),
        approved=list(entries),
        scope={"selection": filters_to_dict(filters)},
    )
    return _render(report, fmt)


def _reporting(entries: Iterable[Entry], progress: Progress | None) -> Iterator[Entry]:
    """Pass entries through, telling `progress` every 100 how many are done."""
    for index, item in enumerate(entries, start=1):
        if progress is not None and index % 100 == 0:
            progress(index)
        yield item


def _render(report: render.Report, fmt: str) -> bytes:
    if fmt == "pdf":
        return render.to_pdf(report)
    if fmt == "xlsx":
        return _xlsx([*report.approved, *report.open], title=report.title, internal=report.internal)
    if fmt == "json":
        return render.to_json(report).encode()
    if fmt == "md":
        return render.to_markdown(report).encode()
    return render.to_html(report).encode()


def _xlsx(entries: Iterable[Entry], *, title: str, internal: bool) -> bytes:
    info = sheets.SheetInfo(
        title=title, author=SiteSettings.load().publisher_name, internal=internal
    )
    return sheets.to_xlsx(entries, info)


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
