"""Reads that need more than a queryset method."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Case, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce

from claims.models import PUBLIC_VERDICT_STATES, Article, Claim, HistoryEvent, Verdict


@dataclass(frozen=True)
class TextPiece:
    text: str
    claim: Claim | None = None  # the innermost claim covering this run, which a click opens
    anchor: bool = False  # True on the first run of `claim`: the `#span-<id>` target
    layers: int = 0  # how many claims cover this run (atomic claims nest inside sentences)


def article_text_pieces(body: str, claims: Iterable[Claim]) -> list[TextPiece]:
    """Cut the article body into runs at every claim boundary, in order.

    Claims may nest (atomic claims inside a sentence): each run links to the shortest claim
    covering it, so every claim stays clickable. A sweep over the boundaries keeps this linear
    in the number of claims (times how deeply they nest), even on a 5 MB article.
    """
    spans = sorted(
        (
            (start, end, c)
            for c in claims
            for start, end in _runs(c)
            if 0 <= start < end <= len(body)
        ),
        key=lambda s: (s[0], -s[1]),
    )
    cuts = sorted({0, len(body), *(s[0] for s in spans), *(s[1] for s in spans)})
    anchored: set[int] = set()
    pieces: list[TextPiece] = []
    active: list[tuple[int, int, Claim]] = []
    following = 0
    for left, right in zip(cuts, cuts[1:], strict=False):
        while following < len(spans) and spans[following][0] <= left:
            active.append(spans[following])
            following += 1
        # Every span end is a cut, so a span still open at `left` covers all of [left, right).
        active = [s for s in active if s[1] > left]
        if not active:
            pieces.append(TextPiece(body[left:right]))
            continue
        innermost = min(active, key=lambda s: (s[1] - s[0], s[0]))[2]
        anchor = innermost.pk not in anchored
        anchored.add(innermost.pk)
        layers = len({s[2].pk for s in active})
        pieces.append(TextPiece(body[left:right], innermost, anchor, layers))
    return pieces


def _runs(claim: Claim) -> list[tuple[int, int]]:
    """The runs of text a claim is stated in: its parts ("S&P 500" … "0.99%"), else its span."""
    parts = claim.parts
    if parts:
        return [(int(start), int(end)) for start, end in parts]
    return [(claim.start, claim.end)]


def claim_queue() -> QuerySet[Claim]:
    """Return claims for triage, highest score first, with what a row shows loaded up front.

    The filters (claims.filters.ClaimFilter) narrow it; a search re-orders it by rank.
    """
    return (
        Claim.objects.select_related("article", "assignee")
        # A row shows the article's title: its body (up to 5 MB each) stays in the database.
        .defer("article__body", "article__retired_spans", "article__failure_reason")
        .prefetch_related("tags")
        .order_by("-score", "article_id", "start", "id")
    )


def claim_context(claim: Claim, *, radius: int = 320) -> tuple[str, str, str]:
    """Return the article text just before, at and after the claim's quote."""
    body = claim.article.body
    before_start = max(0, claim.start - radius)
    after_end = min(len(body), claim.end + radius)
    before = ("…" if before_start else "") + body[before_start : claim.start]
    after = body[claim.end : after_end] + ("…" if after_end < len(body) else "")
    return before, body[claim.start : claim.end], after


def reviewers() -> QuerySet[User]:
    """Return everyone a claim can be assigned to."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=["Reviewer", "Editor", "Admin"]) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )


def claim_latest_changes(claim: Claim, *, limit: int) -> list[HistoryEvent]:
    """Return the claim's latest edits and state changes (comments left out), newest first."""
    return list(
        HistoryEvent.objects.filter(claim=claim)
        .exclude(action="comment")
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class FieldDiff:
    field: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def pieces(self) -> list[tuple[str, str]]:
        """Return (op, text) word runs: op is "", "del" or "ins"."""
        old_words = self.old.split(" ")
        new_words = self.new.split(" ")
        out: list[tuple[str, str]] = []
        matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op == "equal":
                out.append(("", " ".join(old_words[a1:a2])))
                continue
            if a2 > a1:
                out.append(("del", " ".join(old_words[a1:a2])))
            if b2 > b1:
                out.append(("ins", " ".join(new_words[b1:b2])))
        return out


def _flatten(snapshot: dict[str, Any]) -> dict[str, str]:
    flat = {
        "Rating": str(snapshot.get("rating", "")),
        "Summary": str(snapshot.get("summary", "")),
        "Rationale": str(snapshot.get("rationale", "")),
    }
    for index, citation in enumerate(snapshot.get("citations", []), start=1):
        flat[f"Citation {index}"] = " · ".join(
            str(citation.get(k, ""))
            for k in ("stance", "url", "title", "publisher", "quote")
            if citation.get(k)
        )
    return flat


def snapshot_diff(old: dict[str, Any], new: dict[str, Any]) -> list[FieldDiff]:
    """Compare two verdict snapshots field by field."""
    a, b = _flatten(old), _flatten(new)
    return [
        FieldDiff(field, a.get(field, ""), b.get(field, "")) for field in dict.fromkeys([*a, *b])
    ]


SEARCH_CONFIG = "english"


def _clean(query: str) -> str:
    # PostgreSQL refuses NUL in text, and other control characters carry no meaning here.
    return "".join(ch for ch in query if ch.isprintable() or ch == " ")[:200].strip()


def _words(query: str) -> list[str]:
    return [w for w in query.split() if len(w) > 1][:12]


def claims_search(claims: QuerySet[Claim], query: str) -> QuerySet[Claim]:
    """Rank claims against a full-text query, best first."""
    return _full_text(claims, query, ["claim_text", "text"], stored="search_document")


def articles_search(articles: QuerySet[Article], query: str) -> QuerySet[Article]:
    """Rank articles against a full-text query, best first."""
    return _full_text(articles, query, ["title", "body"])


def _full_text(
    queryset: QuerySet[Any], query: str, fields: list[str], *, stored: str = ""
) -> QuerySet[Any]:
    """Rank rows by PostgreSQL full-text search; SQLite, the embedded default, ranks by how
    many of the words a row contains.

    On PostgreSQL a `stored` tsvector column (migration 0011) is matched under its GIN index
    and ranked without computing anything per row; without one, the GIN index on the same
    expression (migration 0004) finds the rows and the rank computes each one's tsvector.
    """
    query = _clean(query)
    if not query:
        return queryset.none()
    if connection.vendor != "postgresql":
        return _rank_by_words(queryset, query, fields)
    if stored:
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        column = connection.ops.quote_name(stored)
        vector: Any = RawSQL(f"{table}.{column}", [], output_field=SearchVectorField())
    else:
        vector = SearchVector(*fields, config=SEARCH_CONFIG)
    search = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    # As double precision: ts_rank's real reaches Python rounded to its shortest text, which
    # a page's cursor could then not find again in an equality.
    rank = Cast(SearchRank(vector, search), FloatField())
    return (
        queryset.annotate(document=vector, rank=rank)
        .filter(document=search)
        .order_by("-rank", "-id")
    )


def _rank_by_words(queryset: QuerySet[Any], query: str, fields: list[str]) -> QuerySet[Any]:
    words = _words(query) or [query.strip()]
    hits = [Q(**{f"{field}__icontains": word}) for word in words for field in fields]
    rank = sum(
        (
            Case(When(hit, then=Value(1)), default=Value(0), output_field=IntegerField())
            for hit in hits
        ),
        Value(0),
    )
    match = Q()
    for hit in hits:
        match |= hit
    return queryset.filter(match).annotate(rank=rank).order_by("-rank", "-id")


# What the public may read: the current verdict of a review and the versions it replaced.


def published_reviews(*, rating_id: int | None = None) -> QuerySet[Verdict]:
    """Return the reviews the public sees now, newest first, with what a listing shows."""
    verdicts = Verdict.objects.published().select_related("claim__article", "rating", "original")
    if rating_id is not None:
        verdicts = verdicts.filter(rating_id=rating_id)
    # Ordered by first publication: a correction does not lift an old review to the top of the
    # index (the feed is where updates are announced).
    return verdicts.order_by(Coalesce("original__approved_at", "approved_at").desc(), "-id")


@dataclass(frozen=True)
class ReviewLineage:
    """A published review: the verdict shown now and every published version before it."""

    public_id: int
    current: Verdict
    earlier: list[Verdict]  # superseded versions, oldest first

    @property
    def corrections(self) -> list[Verdict]:
        """Each correction published so far, oldest first, with its note."""
        return [v for v in [*self.earlier, self.current] if v.is_correction]


def review_lineage(verdict_id: int) -> ReviewLineage | None:
    """Return the published review that `verdict_id` is a version of; None if it is not public."""
    row = (
        Verdict.objects.filter(pk=verdict_id, status__in=PUBLIC_VERDICT_STATES)
        .values_list("id", "original_id")
        .first()
    )
    if row is None:
        return None
    public_id = row[1] or row[0]
    versions = list(
        Verdict.objects.filter(Q(pk=public_id) | Q(original_id=public_id))
        .filter(status__in=PUBLIC_VERDICT_STATES)
        .select_related("claim__article", "rating", "author", "approver", "original")
        .prefetch_related("citations")
        .order_by("approved_at", "id")
    )
    current = next((v for v in versions if v.status == Verdict.Status.APPROVED), None)
    if current is None:  # every version was replaced and none approved: nothing to show
        return None
    earlier = [v for v in versions if v.status == Verdict.Status.SUPERSEDED]
    return ReviewLineage(public_id=public_id, current=current, earlier=earlier)
