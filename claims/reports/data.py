"""What a report contains: entries built from claims and verdicts, whatever the format."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.urls import reverse

from claims.models import OPEN_VERDICT_STATES, Article, Citation, Claim, Rating, Verdict
from claims.reports.claimreview import rating_bounds, review_url, site_url
from claims.services.verdicts import CITATION_FIELDS


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


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class Source:
    """One citation of a verdict, with every field the reviewer recorded."""

    url: str
    title: str
    publisher: str
    quote: str
    archived_url: str
    accessed_at: date | None
    stance: str
    stance_label: str
    is_primary: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "publisher": self.publisher,
            "quote": self.quote,
            "archived_url": self.archived_url,
            "accessed_at": _iso(self.accessed_at),
            "stance": self.stance,
            "stance_label": self.stance_label,
            "is_primary": self.is_primary,
        }


@dataclass(frozen=True)
class Entry:
    """One claim in a report, with its verdict when there is one.

    Statuses, kinds and stances are kept as codes (what the API speaks) with their labels beside
    (what people read), so every format can choose.
    """

    claim_id: int
    claim: str
    quote: str
    quote_url: str
    article_id: int
    article_title: str
    article_url: str
    publisher: str
    claim_status: str
    claim_status_label: str
    kind: str
    kind_label: str
    # Who made the claim and when (ClaimReview's itemReviewed); as published, once it is.
    claimant: str = ""
    claimant_type: str = ""
    said_on: date | None = None
    verdict_id: int | None = None
    verdict_status: str = ""
    verdict_status_label: str = ""
    rating_id: int | None = None
    rating: str = ""
    # None for a rating off the numeric scale (ClaimReview's ratingValue is then left out).
    rating_value: int | None = None
    rating_colour: str = ""
    summary: str = ""
    rationale: str = ""
    citations: tuple[Source, ...] = field(default_factory=tuple)
    reviewer_id: int | None = None
    reviewer: str = ""
    editor_id: int | None = None
    editor: str = ""
    submitted_at: datetime | None = None
    approved_at: datetime | None = None
    review_url: str = ""
    # Set when the published verdict is a correction of an earlier one: when, and what changed.
    corrected_at: datetime | None = None
    correction_note: str = ""

    @property
    def corrected(self) -> bool:
        return self.corrected_at is not None

    @property
    def published(self) -> bool:
        return self.verdict_status == Verdict.Status.APPROVED

    def as_dict(self) -> dict[str, Any]:
        """The entry as JSON: codes with labels beside, ids, ISO 8601 dates."""

        def person(user_id: int | None, username: str) -> dict[str, Any] | None:
            return {"id": user_id, "username": username} if user_id else None

        rating = (
            {"id": self.rating_id, "label": self.rating, "value": self.rating_value}
            if self.rating_id
            else None
        )
        return {
            "claim_id": self.claim_id,
            "claim": self.claim,
            "quote": self.quote,
            "quote_url": self.quote_url,
            "article_id": self.article_id,
            "article_title": self.article_title,
            "article_url": self.article_url,
            "publisher": self.publisher,
            "claim_status": self.claim_status,
            "claim_status_label": self.claim_status_label,
            "kind": self.kind,
            "kind_label": self.kind_label,
            "claimant": self.claimant or None,
            "claimant_type": self.claimant_type or None,
            "said_on": self.said_on.isoformat() if self.said_on else None,
            "verdict_id": self.verdict_id,
            "verdict_status": self.verdict_status or None,
            "verdict_status_label": self.verdict_status_label or None,
            "rating": rating,
            "summary": self.summary,
            "rationale": self.rationale,
            "citations": [c.as_dict() for c in self.citations],
            "reviewer": person(self.reviewer_id, self.reviewer),
            "editor": person(self.editor_id, self.editor),
            "submitted_at": _iso(self.submitted_at),
            "approved_at": _iso(self.approved_at),
            "corrected": self.corrected,
            "corrected_at": _iso(self.corrected_at),
            "correction_note": self.correction_note,
            "review_url": self.review_url,
        }


# Every field of a citation, in the order the spreadsheets number them: the one list the
# verdict input, the API and the reports share (a Source adds only the stance's label).
assert [f.name for f in fields(Source) if f.name != "stance_label"] == list(CITATION_FIELDS)


def _verdicts() -> Prefetch[Any]:
    return Prefetch(
        "verdicts",
        queryset=Verdict.objects.select_related("rating", "author", "approver").prefetch_related(
            Prefetch("citations", queryset=Citation.objects.order_by("id"))
        ),
    )


def _source(citation: Citation) -> Source:
    return Source(
        **{name: getattr(citation, name) for name in CITATION_FIELDS},
        stance_label=citation.get_stance_display(),
    )


def entry(claim: Claim, verdict: Verdict | None) -> Entry:
    article = claim.article
    # A published verdict reports the claim as it was approved; anything else, as it is now.
    record = verdict.record if verdict is not None else claim.public_record()
    base: dict[str, Any] = {
        "claim_id": claim.pk,
        "claim": record.claim_text,
        "quote": claim.text,
        "quote_url": site_url(reverse("article_detail", args=[article.pk]) + f"#span-{claim.pk}"),
        "article_id": article.pk,
        "article_title": record.article.title,
        "article_url": record.article.source_url
        or site_url(reverse("article_detail", args=[article.pk])),
        "publisher": record.article.publisher,
        "claimant": record.claimant,
        "claimant_type": record.claimant_type,
        "said_on": record.said_on,
        "claim_status": claim.status,
        "claim_status_label": claim.get_status_display(),
        "kind": claim.kind,
        "kind_label": claim.get_kind_display(),
    }
    if verdict is None:
        return Entry(**base)
    published = verdict.status == Verdict.Status.APPROVED
    corrected = published and verdict.is_correction
    rating = verdict.rating
    return Entry(
        **base,
        verdict_id=verdict.pk,
        verdict_status=verdict.status,
        verdict_status_label=verdict.get_status_display(),
        rating_id=rating.pk if rating else None,
        rating=rating.label if rating else "",
        rating_value=(rating.value or None) if rating else None,
        rating_colour=rating.colour if rating else "",
        summary=verdict.summary,
        rationale=verdict.rationale,
        citations=tuple(_source(c) for c in verdict.citations.all()),
        reviewer_id=verdict.author_id,
        reviewer=verdict.author.get_username(),
        editor_id=verdict.approver_id,
        editor=verdict.approver.get_username() if verdict.approver else "",
        submitted_at=verdict.submitted_at,
        approved_at=verdict.approved_at,
        review_url=review_url(verdict) if published else "",
        corrected_at=verdict.approved_at if corrected else None,
        correction_note=verdict.correction_note if corrected else "",
    )


@dataclass(frozen=True)
class ArticleReport:
    article: Article
    approved: list[Entry]
    open: list[Entry]
    candidates: int
    dismissed: int


def article_report(article: Article, *, internal: bool = False) -> ArticleReport:
    """Every claim with its approved verdict, then what is still open, in article order.

    An open claim carries its draft verdict only in an internal report: a report that may be
    shared must not show a rating or rationale no editor has approved.
    """
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
        # A version a correction replaced is neither published nor open: it is not reported.
        working = next((v for v in verdicts if v.status in OPEN_VERDICT_STATES), None)
        if done is not None:
            approved.append(entry(claim, done))
        elif working is not None or claim.status == Claim.Status.ACCEPTED:
            still_open.append(entry(claim, working if internal else None))
        elif claim.status == Claim.Status.DISMISSED:
            dismissed += 1
        else:
            candidates += 1
    return ArticleReport(article, approved, still_open, candidates, dismissed)


def selection_verdicts(filters: ReportFilters) -> QuerySet[Verdict]:
    """Published verdicts matching the filters, oldest approval first.

    Only the current version of a corrected review counts: what it replaced is superseded.
    """
    verdicts = Verdict.objects.published()
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


def most_citations(verdicts: QuerySet[Verdict]) -> int:
    """The most citations any of these verdicts has: how many citation columns a CSV needs."""
    counted = verdicts.order_by().annotate(cited=Count("citations"))
    return counted.aggregate(most=Max("cited"))["most"] or 0


def selection_entries(verdicts: QuerySet[Verdict], chunk_size: int = 500) -> Iterator[Entry]:
    """Yield entries without holding every verdict in memory: exports can be large."""
    rows = (
        verdicts.select_related("claim__article", "rating", "author", "approver")
        # An article's text runs to hundreds of KB and no report shows it: 500 of them a chunk.
        .defer("claim__article__body", "claim__article__retired_spans")
        .prefetch_related(Prefetch("citations", queryset=Citation.objects.order_by("id")))
    )
    for verdict in rows.iterator(chunk_size=chunk_size):
        yield entry(verdict.claim, verdict)
        # Each prefetched citation refers back to its verdict. Dropping the verdict's list of
        # them leaves no cycle, so a chunk is freed as soon as the next one is read rather than
        # at the next full garbage collection: a CSV of 20,000 verdicts peaked 4 times higher.
        verdict._prefetched_objects_cache.clear()  # type: ignore[attr-defined]


def entries_of(report: ArticleReport) -> Iterable[Entry]:
    yield from report.approved
    yield from report.open


@dataclass(frozen=True)
class RatingScale:
    """The ratings in use, with the numeric bounds ClaimReview publishes."""

    worst: int
    best: int
    ratings: list[Rating]

    def as_dict(self, url: str) -> dict[str, Any]:
        return {
            "url": url,
            "worst": self.worst,
            "best": self.best,
            "ratings": [
                {
                    "id": r.pk,
                    "label": r.label,
                    "value": r.value or None,
                    "description": r.description,
                    "colour": r.colour,
                }
                for r in self.ratings
            ],
        }


def rating_scale() -> RatingScale:
    worst, best = rating_bounds()
    return RatingScale(worst=worst, best=best, ratings=list(Rating.objects.all()))
