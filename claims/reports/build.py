"""Build a report in a format, for an article or for a selection of approved verdicts."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from itertools import islice
from typing import BinaryIO, TypeVar

from django.conf import settings

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
T = TypeVar("T")

# Selections of up to this many verdicts are built in the request, per format; bigger ones go
# to the worker as an export. WeasyPrint needs about 45 ms of CPU a verdict for a PDF, more on
# a busy machine (bench/reports.py), so 25 keep the request near a second. The other formats
# stream or take a millisecond a verdict: REPORT_ASYNC_THRESHOLD, which caps these too.
# Settings may change them: REPORT_ASYNC_THRESHOLDS = {"pdf": 25}.
REQUEST_LIMITS = {"pdf": 25}


class UnknownFormat(ValueError):
    pass


def check_format(fmt: str) -> str:
    if fmt not in render.FORMATS:
        raise UnknownFormat(f"Unknown format {fmt!r}: use one of {', '.join(render.FORMATS)}.")
    return fmt


def request_limit(fmt: str) -> int:
    """The most verdicts a selection in this format may have and still be built in a request."""
    overall: int = settings.REPORT_ASYNC_THRESHOLD
    limits = {**REQUEST_LIMITS, **getattr(settings, "REPORT_ASYNC_THRESHOLDS", {})}
    return min(limits.get(fmt, overall), overall)


def claim_reviews(verdicts: Iterable[Verdict]) -> Iterator[dict[str, object]]:
    site, bounds = SiteSettings.load(), rating_bounds()
    for verdict in verdicts:
        yield claim_review(verdict, site=site, bounds=bounds)


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


def selection_file(filters: ReportFilters, fmt: str) -> bytes | Iterator[str]:
    """Return the report of approved verdicts matching the filters; CSV streams."""
    check_format(fmt)
    if fmt == "csv":
        verdicts = selection_verdicts(filters)
        return sheets.csv_rows(selection_entries(verdicts), citations=most_citations(verdicts))
    buffer = io.BytesIO()
    selection_write(filters, fmt, buffer)
    return buffer.getvalue()


def selection_write(
    filters: ReportFilters, fmt: str, out: BinaryIO, *, progress: Progress | None = None
) -> None:
    """Write the report of approved verdicts matching the filters to `out` as it is built.

    Verdicts come from the database in chunks and every format but the PDF is written entry by
    entry, so memory stays flat however big the selection is. WeasyPrint needs the whole PDF.
    """
    check_format(fmt)
    verdicts = selection_verdicts(filters)
    if fmt == "claimreview":
        rows = verdicts.select_related("claim__article", "rating", "original").iterator(
            chunk_size=500
        )
        _write_text(out, render.json_list_chunks(_reporting(claim_reviews(rows), progress)))
        return
    # The headings give the number of verdicts before the first one is written. One approved
    # meanwhile sorts last (the selection runs by approval time) and is cut, so they agree.
    count = verdicts.count()
    entries = islice(_reporting(selection_entries(verdicts), progress), count)
    title = "Fact-check verdicts"
    if fmt == "csv":
        _write_text(out, sheets.csv_rows(entries, citations=most_citations(verdicts)))
        return
    if fmt == "xlsx":
        sheets.write_xlsx(entries, _sheet_info(title, internal=False), out)
        return
    if fmt == "pdf":
        # WeasyPrint lays the whole document out at once: here every entry is held.
        render.write_pdf(_selection_report(filters, list(entries), title=title), out)
        return
    report = _selection_report(filters, render.Stream(entries, count), title=title)
    _write_text(out, TEXT_CHUNKS[fmt](report))


def _selection_report(
    filters: ReportFilters, approved: render.Entries, *, title: str
) -> render.Report:
    return render.Report(
        title=title,
        subtitle=filters.describe(),
        approved=approved,
        scope={"selection": filters_to_dict(filters)},
    )


TEXT_CHUNKS: dict[str, Callable[[render.Report], Iterator[str]]] = {
    "json": render.json_chunks,
    "md": render.markdown_chunks,
    "html": render.html_chunks,
}


def _write_text(out: BinaryIO, chunks: Iterable[str]) -> None:
    for chunk in chunks:
        out.write(chunk.encode())


def _reporting(entries: Iterable[T], progress: Progress | None) -> Iterator[T]:
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
    return sheets.to_xlsx(entries, _sheet_info(title, internal=internal))


def _sheet_info(title: str, *, internal: bool) -> sheets.SheetInfo:
    return sheets.SheetInfo(
        title=title, author=SiteSettings.load().publisher_name, internal=internal
    )


def _json_bytes(items: Iterable[object]) -> bytes:
    return "".join(render.json_list_chunks(items)).encode()


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
