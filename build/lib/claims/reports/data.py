"""What a report contains: entries built from claims and verdicts, whatever the format."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse

from claims.models import Article, Citation, Claim, Verdict
from claims.reports.claimreview import review_url, site_url


@dataclass(frozen=True)
class ReportFilters:
    date_from: date | None = None
    date_to: date | None = None
    rating: int | None = None
    reviewer: int | None = None
    publisher: str = ""

    def describe(self) -> str:
        parts = []
        if self.date_from or self.date_to:
            parts.append(f"approved {self.date_from or '…'} to {self.date_to or '…'}")
        if self.publisher:
            parts.append(f"publisher {self.publisher}")
        return ", ".join(parts) or "all approved verdicts"


@dataclass(frozen=True)
class Entry:
    """One claim in a report, with its verdict when there is one."""

    claim_id: int
    claim: str
    quote: str
    quote_url: str
    article_title: str
    article_url: str
    publisher: str
    status: str
    kind: str
    verdict_status: str = ""
    rating: str = ""
    rating_colour: str = ""
    summary: str = ""
    rationale: str = ""
    citations: list[dict[str, str]] = field(default_factory=list)
    reviewer: str = ""
    editor: str = ""
    submitted_at: datetime | None = None
    approved_at: datetime | None = None
    review_url: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "claim_id": self.claim_id,
            "claim": self.claim,
            "quote": self.quote,
            "quote_url": self.quote_url,
            "article_title": self.article_title,
            "article_url": self.article_url,
            "publisher": self.publisher,
            "claim_status": self.status,
            "kind": self.kind,
            "verdict_status": self.verdict_status,
            "rating": self.rating,
            "summary": self.summary,
            "rationale": self.rationale,
            "citations": self.citations,
            "reviewer": self.reviewer,
            "editor": self.editor,
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "approved_at": self.approved_at.isoformat() if self.approved_at else None,
            "review_url": self.review_url,
        }


def _verdicts() -> Prefetch[Any]:
    return Prefetch(
        "verdicts",
        queryset=Verdict.objects.select_related("rating", "author", "approver").prefetch_related(
            Prefetch("citations", queryset=Citation.objects.order_by("id"))
        ),
    )


def entry(claim: Claim, verdict: Verdict | None) -> Entry:
    article = claim.article
    base: dict[str, Any] = {
        "claim_id": claim.pk,
        "claim": claim.claim_text,
        "quote": claim.text,
        "quote_url": site_url(reverse("article_detail", args=[article.pk]) + f"#span-{claim.pk}"),
        "article_title": article.title,
        "article_url": article.source_url or site_url(reverse("article_detail", args=[article.pk])),
        "publisher": article.publisher,
        "status": claim.get_status_display(),
        "kind": claim.get_kind_display(),
    }
    if verdict is None:
        return Entry(**base)
    return Entry(
        **base,
        verdict_status=verdict.get_status_display(),
        rating=verdict.rating.label if verdict.rating else "",
        rating_colour=verdict.rating.colour if verdict.rating else "",
        summary=verdict.summary,
        rationale=verdict.rationale,
        citations=[
            {
                "url": c.url,
                "title": c.title,
                "publisher": c.publisher,
                "quote": c.quote,
                "archived_url": c.archived_url,
                "accessed_at": c.accessed_at.isoformat() if c.accessed_at else "",
                "stance": c.stance,
            }
            for c in verdict.citations.all()
        ],
        reviewer=verdict.author.get_username(),
        editor=verdict.approver.get_username() if verdict.approver else "",
        submitted_at=verdict.submitted_at,
        approved_at=verdict.approved_at,
        review_url=review_url(verdict) if verdict.status == Verdict.Status.APPROVED else "",
    )


@dataclass(frozen=True)
class ArticleReport:
    article: Article
    approved: list[Entry]
    open: list[Entry]
    candidates: int
    dismissed: int


def article_report(article: Article) -> ArticleReport:
    """Every claim with its approved verdict, then what is still open, in article order."""
    claims = (
        Claim.objects.filter(article=article)
        .select_related("article")
        .prefetch_related(_verdicts())
        .order_by("start", "end", "id")
    )
    approved: list[Entry] = []
    still_open: list[Entry] = []
    candidates = dismissed = 0
    for claim in claims:
        verdicts = list(claim.verdicts.all())
        done = next((v for v in verdicts if v.status == Verdict.Status.APPROVED), None)
        working = next((v for v in verdicts if v.status != Verdict.Status.APPROVED), None)
        if done is not None:
            approved.append(entry(claim, done))
        elif working is not None or claim.status == Claim.Status.ACCEPTED:
            still_open.append(entry(claim, working))
        elif claim.status == Claim.Status.DISMISSED:
            dismissed += 1
        else:
            candidates += 1
    return ArticleReport(article, approved, still_open, candidates, dismissed)


def selection_verdicts(filters: ReportFilters) -> QuerySet[Verdict]:
    """Approved verdicts matching the filters, oldest approval first."""
    verdicts = Verdict.objects.filter(status=Verdict.Status.APPROVED)
    if filters.date_from:
        verdicts = verdicts.filter(approved_at__date__gte=filters.date_from)
    if filters.date_to:
        verdicts = verdicts.filter(approved_at__date__lte=filters.date_to)
    if filters.rating:
        verdicts = verdicts.filter(rating_id=filters.rating)
    if filters.reviewer:
        verdicts = verdicts.filter(author_id=filters.reviewer)
    if filters.publisher:
        verdicts = verdicts.filter(Q(claim__article__publisher__iexact=filters.publisher.strip()))
    return verdicts.order_by("approved_at", "id")


def selection_entries(verdicts: QuerySet[Verdict], chunk_size: int = 500) -> Iterator[Entry]:
    """Yield entries without holding every verdict in memory: exports can be large."""
    rows = verdicts.select_related(
        "claim__article", "rating", "author", "approver"
    ).prefetch_related(Prefetch("citations", queryset=Citation.objects.order_by("id")))
    for verdict in rows.iterator(chunk_size=chunk_size):
        yield entry(verdict.claim, verdict)


def entries_of(report: ArticleReport) -> Iterable[Entry]:
    yield from report.approved
    yield from report.open
