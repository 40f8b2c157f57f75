"""Time report PDFs by layout and measure the memory of a big CSV export.

    .venv/bin/python bench/reports.py [--keep-db] [--reuse-db]

Creates a scratch PostgreSQL database (factcheck_benchreports: dropped, recreated and migrated)
holding 20,000 approved verdicts with one or two citations each, written with bulk_create.
Then prints:

- the CPU time WeasyPrint takes for the PDF of a selection of 62 and of 258 verdicts (the sizes
  in the "fast at newsroom scale" issue), with the report's layout and with the one it replaced
  (each entry's facts in a `dl` CSS grid, and each entry kept whole on one page), and the ratio;
- the peak Python memory (tracemalloc) of a CSV export of all 20,000 verdicts built by the
  worker's service, which writes the file as it goes, against building the same file in memory
  first as the worker did before (and reading the verdicts as it did).

About two and a half minutes on the 2-core development machine when idle (four when busy),
ten seconds of it making the data (`--keep-db`, then `--reuse-db`, skips that).

Figures of 2026-12-01 on an idle machine: PDF 4.14 s -> 2.71 s of CPU for 62 verdicts (1.53x),
19.35 s -> 12.00 s for 258 (1.61x), about 45 ms a verdict now; the CSV export's peak 144.3 MB
-> 8.3 MB for a 24.3 MB file.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import secrets
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

POSTGRES_URL = os.environ.get("BENCH_REPORTS_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "factcheck_benchreports"
WORK_DIR = Path(tempfile.mkdtemp(prefix="factcheck-benchreports-"))
os.environ.update(
    {
        "DATABASE_URL": f"{POSTGRES_URL}/{DB_NAME}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "SENTRY_DSN": "",
        "EXPORT_ROOT": str(WORK_DIR / "exports"),
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
    }
)

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections, transaction  # noqa: E402
from django.db.models import Prefetch, QuerySet  # noqa: E402
from psycopg import sql  # noqa: E402

from claims.models import (  # noqa: E402
    Article,
    Citation,
    Claim,
    PublishedArticle,
    PublishedClaim,
    Rating,
    ReportExport,
    Verdict,
    content_hash,
)
from claims.reports import build, render, sheets  # noqa: E402
from claims.reports.data import (  # noqa: E402
    Entry,
    ReportFilters,
    entry,
    most_citations,
    selection_entries,
    selection_verdicts,
)
from claims.services.reports import report_export_build  # noqa: E402

TOTAL_VERDICTS = 20_000
CLAIMS_PER_ARTICLE = 20
# The two PDFs: each is the selection of one publisher's verdicts.
PDF_SIZES = (62, 258)
RATIONALE = (
    "The claim rests on the ministry's quarterly table. The **published figures** show a "
    "smaller change than the one quoted, and the [statistics office](https://stats.example/q2) "
    "revised the series in June. We compared both versions and asked the press office, who "
    "confirmed the revision.\n\nThe speaker did not answer our questions by the time of "
    "publication."
)
SENTENCES = (
    "Unemployment rose to {n}.2% in March, the statistics office said.",
    "The city spent €{n} million on new buses in 2024, according to the council.",
    "Exports to Germany fell by {n}.8% last year, the minister told parliament.",
    "The government says {n}00 schools will close by 2026 under the new plan.",
    "Crime has risen {n} times since 2019, the mayor said in a radio interview.",
)


# --- The data ----------------------------------------------------------------------------------


def recreate_database() -> None:
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(DB_NAME)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
    call_command("migrate", verbosity=0)


def publisher_of(index: int) -> str:
    """The first articles make up the issue's two PDF selections; the rest fill the newsroom."""
    first, second = (size // CLAIMS_PER_ARTICLE + 1 for size in PDF_SIZES)
    if index < first:
        return f"Desk {PDF_SIZES[0]}"
    if index < first + second:
        return f"Desk {PDF_SIZES[1]}"
    return "Wire"


@transaction.atomic
def make_verdicts() -> None:
    """Approved verdicts as the workflow leaves them, written in bulk: 20,000 in a few seconds."""
    rng = random.Random(1)
    reviewer = User.objects.create_user("bench-reviewer")
    editor = User.objects.create_user("bench-editor")
    ratings = list(Rating.objects.exclude(value=0))
    sizes = {f"Desk {size}": size for size in PDF_SIZES}
    left = dict(sizes)
    articles, spans = [], []
    index = made = 0
    while made < TOTAL_VERDICTS:
        publisher = publisher_of(index)
        wanted = CLAIMS_PER_ARTICLE
        if publisher in left:
            wanted = min(wanted, left[publisher])
            left[publisher] -= wanted
        wanted = min(wanted, TOTAL_VERDICTS - made)
        texts = [
            rng.choice(SENTENCES).format(n=rng.randint(2, 9)) + f" (item {index}-{n})"
            for n in range(wanted)
        ]
        body = " ".join(texts)
        article = Article(
            title=f"Article {index}: what the figures say",
            body=body,
            source_url=f"https://news.example/{index}",
            publisher=publisher,
            published_at=date(2025, 1, 1) + timedelta(days=index % 300),
            content_hash=content_hash(body),
            body_length=len(body),
            status=Article.Status.SPLIT,
        )
        articles.append(article)
        offset = 0
        for text in texts:
            spans.append((article, offset, offset + len(text), text))
            offset += len(text) + 1
        made += wanted
        index += 1
    Article.objects.bulk_create(articles, batch_size=500)
    claims = [
        Claim(
            article=article,
            start=start,
            end=end,
            text=text,
            claim_text=text,
            status=Claim.Status.ACCEPTED,
            claimant="Minister Jane Doe",
            claimant_type="Person",
        )
        for article, start, end, text in spans
    ]
    Claim.objects.bulk_create(claims, batch_size=2000)
    approved_at = datetime(2025, 6, 1, tzinfo=UTC)
    verdicts = []
    for n, claim in enumerate(claims):
        article = claim.article
        record = PublishedClaim(
            claim_text=claim.claim_text,
            claimant=claim.claimant,
            claimant_type=claim.claimant_type,
            claimant_url="",
            said_on=article.published_at,
            article=PublishedArticle(
                title=article.title,
                source_url=article.source_url,
                publisher=article.publisher,
                published_at=article.published_at,
            ),
        )
        verdicts.append(
            Verdict(
                claim=claim,
                rating=ratings[n % len(ratings)],
                summary=claim.claim_text[:60],
                rationale=RATIONALE,
                status=Verdict.Status.APPROVED,
                author=reviewer,
                approver=editor,
                published_claim=record.as_json(),
                version=3,
                submitted_at=approved_at + timedelta(minutes=n),
                approved_at=approved_at + timedelta(minutes=n, seconds=30),
            )
        )
    Verdict.objects.bulk_create(verdicts, batch_size=2000)
    citations = []
    for n, verdict in enumerate(verdicts):
        citations.append(
            Citation(
                verdict=verdict,
                url=f"https://stats.example/tables/{n}",
                title="Quarterly labour market statistics, table 7",
                publisher="Statistics office",
                quote="The seasonally adjusted rate was revised down by 0.3 points.",
                archived_url=f"https://web.archive.org/web/2025/https://stats.example/tables/{n}",
                accessed_at=date(2025, 6, 2),
                stance=Citation.Stance.REFUTES,
                is_primary=True,
            )
        )
        if n % 2:
            citations.append(
                Citation(
                    verdict=verdict,
                    url=f"https://news.example/analysis/{n}",
                    title="Analysis: what the revision means",
                    publisher="Example News",
                    accessed_at=date(2025, 6, 3),
                    stance=Citation.Stance.CONTEXT,
                )
            )
    Citation.objects.bulk_create(citations, batch_size=2000)


# --- The layout the report had before ----------------------------------------------------------

# Until 2026-12-01 each entry's facts were a two-column `dl` grid and each entry was kept whole
# on one page. That version is made here from the report's own page, so both show the same.
GRID_CSS = """
  .entry { break-inside: avoid; }
  dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem;
             margin: .4rem 0; font-size: .92em; }
  dl.facts dt { color: #6b7280; }
  dl.facts dd { margin: 0; }
"""


def with_grid(page: str) -> str:
    """The page with each entry's facts in a `dl` grid and kept whole, as before 2026-12-01."""

    def grid(facts: re.Match[str]) -> str:
        items = re.sub(
            r'<li><span class="label">(.*?):</span> (.*?)</li>',
            r"<dt>\1</dt><dd>\2</dd>",
            facts.group(1),
            flags=re.S,
        )
        assert "<li>" not in items, items
        return f'<dl class="facts">{items}</dl>'

    page, lists = re.subn(r'<ul class="facts">(.*?)</ul>', grid, page, flags=re.S)
    assert lists, "the report's page has no facts lists"
    return page.replace("</style>", GRID_CSS + "</style>")


# --- Measuring ---------------------------------------------------------------------------------


def pdf_of(page: str) -> bytes:
    from weasyprint import HTML

    from claims.reports.claimreview import site_url

    # As render.to_pdf does, from a page given here.
    pdf = HTML(string=page, base_url=site_url("/")).write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None
    return bytes(pdf)


def selection_report(filters: ReportFilters) -> render.Report:
    return render.Report(
        title="Fact-check verdicts",
        subtitle=filters.describe(),
        approved=list(selection_entries(selection_verdicts(filters))),
        scope={"selection": build.filters_to_dict(filters)},
    )


def time_pdfs() -> list[dict[str, Any]]:
    from pypdf import PdfReader

    rows = []
    for size in PDF_SIZES:
        report = selection_report(ReportFilters(publisher=f"Desk {size}"))
        assert len(report.approved) == size, (size, len(report.approved))
        page = render.to_html(report)
        layouts = {"grid": with_grid(page), "now": page}
        best = dict.fromkeys(layouts, float("inf"))
        pdfs: dict[str, bytes] = {}
        # Taken in turn, so a change in the machine's load touches both layouts alike. CPU time,
        # not wall time: the machine is shared, and WeasyPrint runs on one core.
        for _ in range(2 if size < 100 else 1):
            for name, html in layouts.items():
                started = time.process_time()
                pdfs[name] = pdf_of(html)
                best[name] = min(best[name], time.process_time() - started)
        pages = len(PdfReader(io.BytesIO(pdfs["now"])).pages)
        rows.append({"verdicts": size, "pages": pages, **best})
    return rows


def peak_mb(work: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6


def entries_as_before(verdicts: QuerySet[Verdict]) -> Iterator[Entry]:
    """selection_entries as it was: article bodies read, each chunk freed only by the GC."""
    rows = verdicts.select_related(
        "claim__article", "rating", "author", "approver"
    ).prefetch_related(Prefetch("citations", queryset=Citation.objects.order_by("id")))
    for verdict in rows.iterator(chunk_size=500):
        yield entry(verdict.claim, verdict)


def csv_memory() -> dict[str, float]:
    user = User.objects.get(username="bench-editor")
    filters = ReportFilters()
    total = selection_verdicts(filters).count()
    assert total == TOTAL_VERDICTS, total
    before_path = WORK_DIR / "in-memory.csv"

    def in_memory(filters: ReportFilters = filters) -> None:
        # What the worker did before: the whole file as one string, then as bytes, then written.
        verdicts = selection_verdicts(filters)
        rows = sheets.csv_rows(entries_as_before(verdicts), citations=most_citations(verdicts))
        before_path.write_bytes("".join(rows).encode())

    def streamed(filters: ReportFilters = filters) -> str:
        export = ReportExport.objects.create(
            requested_by=user, format="csv", filters=build.filters_to_dict(filters), total=total
        )
        assert report_export_build(export_id=export.pk)
        export.refresh_from_db()
        return export.file_name

    # Once on a small selection first, so imports and caches are not counted.
    small = ReportFilters(publisher=f"Desk {PDF_SIZES[0]}")
    in_memory(small)
    streamed(small)
    before = peak_mb(in_memory)
    names: list[str] = []
    after = peak_mb(lambda: names.append(streamed()))
    path = Path(os.environ["EXPORT_ROOT"]) / names[0]
    assert path.read_bytes() == before_path.read_bytes(), "the two files differ"
    return {"before": before, "after": after, "file": path.stat().st_size / 1e6}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep-db", action="store_true", help="leave the database afterwards")
    parser.add_argument(
        "--reuse-db", action="store_true", help="use the database a --keep-db run left"
    )
    args = parser.parse_args()
    try:
        return run(keep_db=args.keep_db, reuse_db=args.reuse_db)
    finally:
        shutil.rmtree(WORK_DIR, ignore_errors=True)


def run(*, keep_db: bool, reuse_db: bool) -> int:
    started = time.perf_counter()
    if reuse_db:
        ReportExport.objects.all().delete()
    else:
        recreate_database()
        make_verdicts()
        print(f"{TOTAL_VERDICTS:,} approved verdicts made in {time.perf_counter() - started:.0f} s")
    print()
    print("PDF of a selection: CPU seconds in WeasyPrint by layout (best of 2; of 1 for 258)")
    print(
        f"{'verdicts':>8} {'pages':>5}  {'dl grid (old)':>13}  {'blocks (now)':>12}"
        f"  {'old / now':>9}  {'now, a verdict':>14}"
    )
    for row in time_pdfs():
        print(
            f"{row['verdicts']:>8} {row['pages']:>5}  {row['grid']:>12.2f}s  {row['now']:>11.2f}s"
            f"  {row['grid'] / row['now']:>8.2f}x  {1000 * row['now'] / row['verdicts']:>11.0f} ms"
        )
    print()
    memory = csv_memory()
    print(f"CSV export of {TOTAL_VERDICTS:,} verdicts ({memory['file']:.1f} MB on disk), peak")
    print("Python memory (tracemalloc) in the worker's build; the two files are identical")
    print(f"  before: built in memory, then written    {memory['before']:6.1f} MB")
    print(f"  now: written to disk as it is built      {memory['after']:6.1f} MB")
    connections.close_all()
    if not (keep_db or reuse_db):
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(DB_NAME)))
    print(f"\nTotal {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
