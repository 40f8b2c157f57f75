"""The newsroom's memory: match each split claim against the archive, flag conflicting figures,
and the reviewer's decisions on both (confirm, reject, reuse a verdict, "not a conflict").

The matching itself (embeddings, the vector index, the pairwise re-ranker, measures) is pure
Python in `claims.matching`; this module reads and writes the rows around it. Matching runs in
the worker after a split (`claims.tasks.match_article`) and is incremental: the new article's
claims are compared with the stored vectors; nothing else is rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from claims import matching
from claims.errors import InvalidTransition, WorkflowError
from claims.matching import measures as measure_rules
from claims.models import (
    Article,
    Claim,
    ClaimMatch,
    ClaimVector,
    ConflictGroup,
    ConflictMember,
    MatchTier,
    Verdict,
)
from claims.permissions import Action, require
from claims.selectors import claims_search
from claims.services.history import record
from claims.services.leases import sent_stamped

logger = logging.getLogger(__name__)

# Bump when what is stored per pair changes meaning, so every article is matched again.
MATCHER_REVISION = "m1"


def matcher_version() -> str:
    return f"{matching.EMBEDDER_VERSION}/{MATCHER_REVISION}"[:60]


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _tier(score: matching.PairScore) -> str | None:
    """Classify one scored pair: confirmed, suggested, or not a match (None).

    A pair whose figures disagree is a conflict, never a match, however close the words.
    """
    if score.numbers == "different":
        return None
    suggest, confirm = thresholds()
    if score.score >= confirm and score.numbers == "same":
        return MatchTier.CONFIRMED
    if score.score >= suggest:
        return MatchTier.SUGGESTED
    return None


def thresholds() -> tuple[float, float]:
    """(suggest, confirm): the settings, else the values the matcher was calibrated with."""
    suggest = settings.MATCH_SUGGEST_THRESHOLD
    confirm = settings.MATCH_CONFIRM_THRESHOLD
    return (
        matching.SUGGEST_THRESHOLD if suggest is None else suggest,
        matching.CONFIRM_THRESHOLD if confirm is None else confirm,
    )


# --- The vector index, one per process ----------------------------------------------------


class _ProcessIndex:
    """Every stored claim vector of the current model, kept in memory and brought up to date
    incrementally: each sync reads only the vectors written since the last one.

    Deleted claims are not removed here eagerly; candidates are read back from the database,
    and ids it no longer has are dropped from the index then.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.index = matching.ExactIndex()
        self.synced_at: datetime | None = None
        self.database: str | None = None

    def sync(self) -> matching.ExactIndex:
        # A test run (or a worker pointed at another database) must not see a previous one's.
        name = str(connection.settings_dict.get("NAME"))
        with self.lock:
            if self.database != name:
                self.index = matching.ExactIndex()
                self.synced_at = None
                self.database = name
            now = timezone.now()
            rows = ClaimVector.objects.filter(model_version=matching.EMBEDDER_VERSION)
            if self.synced_at is not None:
                # Overlap by a margin: a transaction that committed late with an older
                # timestamp is still read. Re-adding an id replaces it.
                rows = rows.filter(updated_at__gte=self.synced_at - timedelta(seconds=60))
            ids: list[int] = []
            vectors: list[Any] = []
            for claim_id, blob in rows.values_list("claim_id", "vector").iterator(chunk_size=5000):
                ids.append(claim_id)
                vectors.append(matching.vector_from_bytes(bytes(blob)))
                if len(ids) >= 5000:
                    self._add(ids, vectors)
                    ids, vectors = [], []
            self._add(ids, vectors)
            self.synced_at = now
            return self.index

    def _add(self, ids: list[int], vectors: list[Any]) -> None:
        if ids:
            import numpy as np

            self.index.add(ids, np.vstack(vectors))

    def forget(self, ids: Iterable[int]) -> None:
        with self.lock:
            self.index.remove(list(ids))


_INDEX = _ProcessIndex()


# --- Queueing and running ---------------------------------------------------------------


def article_queue_match(*, article_id: int) -> bool:
    """Send the matching task; if the broker is down the sweep sends it later."""
    from claims.tasks import match_article  # imported here: tasks import this module

    failure = sent_stamped(
        Article.objects.filter(pk=article_id),
        field="match_sent_at",
        send=lambda: match_article.delay(article_id=article_id),
    )
    if failure is not None:
        logger.warning("Broker unreachable, matching of article %s waits for the sweep", article_id)
    return failure is None


def article_queue_match_on_commit(*, article_id: int) -> None:
    transaction.on_commit(partial(article_queue_match, article_id=article_id))


def articles_requeue_unmatched(*, limit: int = 200) -> int:
    """Re-send matching for split articles the current matcher has not finished.

    Covers a lost message, a worker killed mid-match (its lease lapses) and a new model
    (every article is matched again, a few hundred per sweep).
    """
    now = timezone.now()
    lapsed = now - timedelta(seconds=settings.MATCH_LEASE_SECONDS)
    resend_before = now - timedelta(seconds=settings.TASK_RESEND_SECONDS)
    waiting = (
        Article.objects.filter(status=Article.Status.SPLIT)
        .exclude(matched_version=matcher_version())
        .filter(Q(match_started_at__isnull=True) | Q(match_started_at__lt=lapsed))
        .filter(Q(match_sent_at__isnull=True) | Q(match_sent_at__lt=resend_before))
    )
    sent = 0
    for article_id in waiting.order_by("id").values_list("id", flat=True)[:limit]:
        if not article_queue_match(article_id=article_id):
            break
        sent += 1
    return sent


def article_match(*, article_id: int) -> int:
    """Match an article's claims against the archive; return how many pairs were written.

    Safe to run twice or concurrently: the run that claims the article (a conditional UPDATE
    on its match lease) does the work; a run that finds it done or taken does nothing.
    """
    now = timezone.now()
    lapsed = now - timedelta(seconds=settings.MATCH_LEASE_SECONDS)
    claimed = (
        Article.objects.filter(pk=article_id, status=Article.Status.SPLIT)
        .exclude(matched_version=matcher_version())
        .filter(Q(match_started_at__isnull=True) | Q(match_started_at__lt=lapsed))
        .update(match_started_at=now)
    )
    if claimed != 1:
        return 0
    held = Article.objects.filter(pk=article_id, match_started_at=now)
    try:
        claim_ids = list(Claim.objects.filter(article_id=article_id).values_list("id", flat=True))
        written = claims_match(claim_ids=claim_ids)
    except BaseException:
        held.update(match_started_at=None)
        raise
    held.update(match_started_at=None, matched_version=matcher_version())
    return written


def claim_rematch_on_commit(*, claim: Claim) -> None:
    """Queue matching again for a claim whose text changed (or a claim a reviewer added)."""
    Article.objects.filter(pk=claim.article_id).update(matched_version="")
    article_queue_match_on_commit(article_id=claim.article_id)


# --- The work ---------------------------------------------------------------------------


@dataclass
class _Claim:
    id: int
    article_id: int
    text: str
    quantities: list[dict[str, Any]]
    start: int
    measures: list[measure_rules.Measure] = field(default_factory=list)


def measure_to_json(m: measure_rules.Measure) -> dict[str, Any]:
    data = asdict(m)
    data["scope"] = sorted(m.scope)
    data["implied"] = sorted(m.implied)
    return data


def measure_from_json(data: dict[str, Any]) -> measure_rules.Measure:
    return measure_rules.Measure(
        **{
            **data,
            "scope": frozenset(data.get("scope", ())),
            "implied": frozenset(data.get("implied", ())),
        }
    )


def _load(ids: Iterable[int], *, own: bool) -> dict[int, _Claim]:
    """Read claims to match. The article's own claims get their figures read now, each with
    the scope its article implies (all of the article's claims are loaded together); claims of
    other articles bring the figures stored when they were matched."""
    rows = Claim.objects.filter(pk__in=list(ids)).values_list(
        "id", "article_id", "claim_text", "quantities", "start"
    )
    found = {row[0]: _Claim(*row) for row in rows}
    if own:
        by_article: dict[int, list[_Claim]] = defaultdict(list)
        for claim in found.values():
            by_article[claim.article_id].append(claim)
        for claims in by_article.values():
            # The claim text may be edited away from the quote; the figures' offsets are then
            # looked up near where they were (measures allows for the drift).
            read = [measure_rules.measures(c.text, c.quantities, c.start) for c in claims]
            implied = measure_rules.imply_scopes(m for ms in read for m in ms)
            position = 0
            for claim, ms in zip(claims, read, strict=True):
                claim.measures = implied[position : position + len(ms)]
                position += len(ms)
    else:
        stored = ClaimVector.objects.filter(claim_id__in=list(found)).values_list(
            "claim_id", "measures"
        )
        for claim_id, data in stored:
            found[claim_id].measures = [measure_from_json(m) for m in data or []]
    return found


def _embed_missing(claims: dict[int, _Claim]) -> None:
    """Store a fresh vector for every claim whose text changed or was never embedded."""
    fresh = set(
        ClaimVector.objects.filter(
            claim_id__in=list(claims), model_version=matching.EMBEDDER_VERSION
        ).values_list("claim_id", "text_hash")
    )
    stale = [c for c in claims.values() if (c.id, _text_hash(c.text)) not in fresh]
    # An edit elsewhere in the article can change the scope it implies: figures are rewritten
    # for every claim, vectors only for the claims whose text changed.
    stale_ids = {c.id for c in stale}
    ClaimVector.objects.bulk_update(
        [
            ClaimVector(claim_id=c.id, measures=[measure_to_json(m) for m in c.measures])
            for c in claims.values()
            if c.id not in stale_ids
        ],
        ["measures"],
        batch_size=500,
    )
    if not stale:
        return
    vectors = matching.embed([c.text for c in stale])
    rows = [
        ClaimVector(
            claim_id=c.id,
            model_version=matching.EMBEDDER_VERSION,
            text_hash=_text_hash(c.text),
            vector=matching.vector_to_bytes(v),
            measures=[measure_to_json(m) for m in c.measures],
            updated_at=timezone.now(),
        )
        for c, v in zip(stale, vectors, strict=True)
    ]
    ClaimVector.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["claim"],
        update_fields=["model_version", "text_hash", "vector", "measures", "updated_at"],
    )


_DIGITS = re.compile(r"\d[\d.,]*\d|\d")


def _lexical_candidates(claim: _Claim, limit: int) -> list[int]:
    """Claims of other articles that give the same figure for the same measure ("145"
    and "tariff"): what an embedding may rank low when the rest of the wording differs.

    Full-text search ranks them: on PostgreSQL the stored search vector under its GIN index
    (migration 0011), on SQLite the word-count fallback.
    """
    # The claim's first figure with its measure: both must appear (an AND on PostgreSQL).
    terms = next(
        (
            " ".join([digits[0], *m.noun.split()[:2]])
            for m in claim.measures
            if (digits := _DIGITS.findall(m.value_text))
        ),
        "",
    )
    if not terms:
        return []
    found = claims_search(Claim.objects.exclude(article_id=claim.article_id), terms)
    return list(found.values_list("id", flat=True)[:limit])


def claims_match(*, claim_ids: Sequence[int]) -> int:
    """Embed the claims, find their best matches in other articles, write pairs and conflicts."""
    claims = _load(claim_ids, own=True)
    if not claims:
        return 0
    _embed_missing(claims)
    index = _INDEX.sync()
    own = set(claims)
    vectors = _vectors(own)
    found: dict[int, set[int]] = {}
    for claim in claims.values():
        if claim.id not in vectors:
            continue
        near = index.search(vectors[claim.id], settings.MATCH_CANDIDATES, exclude=own)
        lexical = _lexical_candidates(claim, limit=settings.MATCH_LEXICAL_CANDIDATES)
        found[claim.id] = {other for other, _ in near} | set(lexical)
    candidate_ids = set().union(*found.values()) if found else set()
    others = _load(candidate_ids, own=False)
    # The index is a cache: cosines come from the stored vectors, so a claim deleted or
    # re-embedded since the index last synced cannot produce a stale match.
    other_vectors = _vectors(set(others))
    gone = candidate_ids - set(other_vectors)
    if gone:
        _INDEX.forget(gone)
    pairs: dict[tuple[int, int], tuple[matching.PairScore, str]] = {}
    same: list[tuple[_Claim, measure_rules.Measure, _Claim, measure_rules.Measure]] = []
    for claim_id, candidates in found.items():
        claim = claims[claim_id]
        for other_id in candidates:
            other = others.get(other_id)
            vector = other_vectors.get(other_id)
            if other is None or vector is None or other.article_id == claim.article_id:
                continue
            cosine = float(vectors[claim_id] @ vector)
            score = matching.pair_score(claim.text, other.text, cosine)
            tier = _tier(score)
            if cosine >= settings.MATCH_CONFLICT_COSINE:
                shared = [
                    (mine, theirs)
                    for mine in claim.measures
                    for theirs in other.measures
                    if _same_measure(mine, theirs)
                ]
                same.extend((claim, mine, other, theirs) for mine, theirs in shared)
                agree = any(not measure_rules.conflicting(m, t) for m, t in shared)
                # Close claims giving one measure the same figure make the same factual claim
                # in other words ("145% tariffs on Chinese goods"): worth a person's look even
                # when the wording differs too much for the score alone.
                if tier is None and agree and score.numbers != "different":
                    tier = MatchTier.SUGGESTED
                elif shared and not agree:
                    tier = None  # the figures conflict: a conflict, never a match
            key = (min(claim_id, other_id), max(claim_id, other_id))
            if tier is not None and (key not in pairs or pairs[key][0].score < score.score):
                pairs[key] = (score, tier)
    written = _write_pairs(own, pairs)
    _write_conflicts(same)
    return written


def _vectors(ids: set[int]) -> dict[int, Any]:
    rows = ClaimVector.objects.filter(
        claim_id__in=list(ids), model_version=matching.EMBEDDER_VERSION
    ).values_list("claim_id", "vector")
    return {claim_id: matching.vector_from_bytes(bytes(blob)) for claim_id, blob in rows}


def _same_measure(a: measure_rules.Measure, b: measure_rules.Measure) -> bool:
    """The measures' own rule, and one more between close claims: a figure whose words name
    no scope ("a 145% tariff was excessive") is the measure another claim gives the same
    figure with a scope ("145% tariffs on Chinese goods"). A different figure without a
    scope proves nothing and stays apart."""
    if measure_rules.same_measure(a, b):
        return True
    return (
        a.noun == b.noun
        and a.unit == b.unit
        and (not a.scope or not b.scope)
        # Exact figures only: "up to 130%" agrees with any lower figure, which says nothing.
        and not a.qualifier
        and not b.qualifier
        and not measure_rules.conflicting(replace(a, scope=b.scope), b)
    )


def _write_pairs(
    own: set[int], pairs: dict[tuple[int, int], tuple[matching.PairScore, str]]
) -> int:
    """Upsert the matcher's pairs; never touch a pair a reviewer decided on."""
    now = timezone.now()
    with transaction.atomic():
        existing = {
            (m.claim_low_id, m.claim_high_id): m
            for m in ClaimMatch.objects.select_for_update().filter(
                Q(claim_low_id__in=own) | Q(claim_high_id__in=own)
            )
        }
        # The matcher's own earlier pairs that no longer reach a tier go (an edited claim).
        dropped = [
            m.pk for key, m in existing.items() if m.decided_by_id is None and key not in pairs
        ]
        ClaimMatch.objects.filter(pk__in=dropped).delete()
        changed: list[ClaimMatch] = []
        new: list[ClaimMatch] = []
        for (low, high), (score, tier) in pairs.items():
            row = existing.get((low, high))
            if row is None:
                new.append(
                    ClaimMatch(
                        claim_low_id=low,
                        claim_high_id=high,
                        score=score.score,
                        cosine=score.cosine,
                        tier=tier,
                    )
                )
            elif row.decided_by_id is None:
                row.score, row.cosine, row.tier, row.updated_at = (
                    score.score,
                    score.cosine,
                    tier,
                    now,
                )
                changed.append(row)
        ClaimMatch.objects.bulk_update(changed, ["score", "cosine", "tier", "updated_at"])
        # Another worker matching the other side of a pair at the same moment wrote the same.
        ClaimMatch.objects.bulk_create(new, ignore_conflicts=True)
    return len(new) + len(changed)


def _measure_key(measure: measure_rules.Measure) -> str:
    noun, unit, scope = measure.key
    return f"{noun}|{unit}|{','.join(sorted(scope))}"[:300]


def _write_conflicts(
    same: list[tuple[_Claim, measure_rules.Measure, _Claim, measure_rules.Measure]],
) -> None:
    """Put claims that give one measure into one group per measure; count its values.

    The group is named by the member whose scope is known: "60% tariff" in an article about
    China joins "tariff rate on goods from China" rather than starting a group of its own.
    """
    if not same:
        return
    members: dict[str, dict[tuple[int, str], measure_rules.Measure]] = defaultdict(dict)
    labels: dict[str, str] = {}
    for claim, mine, other, theirs in same:
        named = mine if (mine.scope or mine.implied) else theirs
        if not named.scope and named.implied:
            named = replace(named, scope=named.implied)
        key = _measure_key(named)
        labels.setdefault(key, named.label)
        members[key][(claim.id, mine.value_text)] = mine
        members[key][(other.id, theirs.value_text)] = theirs
    with transaction.atomic():
        for key, found in members.items():
            group, _ = ConflictGroup.objects.get_or_create(key=key, defaults={"label": labels[key]})
            ConflictMember.objects.bulk_create(
                [
                    ConflictMember(
                        group=group,
                        claim_id=claim_id,
                        value=m.value,
                        value_text=m.value_text[:100],
                        unit=m.unit[:40],
                        qualifier=m.qualifier[:40],
                        measure=measure_to_json(m),
                    )
                    for (claim_id, _text), m in found.items()
                ],
                ignore_conflicts=True,
            )
            _recount(group)


def _recount(group: ConflictGroup) -> None:
    """Count the distinct values of a group's members: figures that agree within tolerance
    (145 % and 145%) are one value."""
    rows = list(group.members.all())
    distinct: list[ConflictMember] = []
    for row in rows:
        measure = _as_measure(row)
        if not any(not measure_rules.conflicting(measure, _as_measure(d)) for d in distinct):
            distinct.append(row)
    ConflictGroup.objects.filter(pk=group.pk).update(
        distinct_values=min(len(distinct), 32767), updated_at=timezone.now()
    )


def _as_measure(row: ConflictMember) -> measure_rules.Measure:
    return measure_from_json(row.measure)


# --- What a reviewer sees ---------------------------------------------------------------


@dataclass(frozen=True)
class MatchView:
    match: ClaimMatch
    other: Claim
    verdict: Verdict | None  # the other claim's published verdict, else its latest one


def claim_matches(*, claim: Claim, limit: int = 20, other_id: int | None = None) -> list[MatchView]:
    """The claim's matches best first, each with the other claim, its article and verdict;
    with `other_id`, only the pair with that claim (if it is still shown).

    Three queries whatever the number of matches.
    """
    shown = ClaimMatch.objects.involving(claim.pk).shown()
    if other_id is not None:
        low, high = sorted((claim.pk, other_id))
        shown = shown.filter(claim_low_id=low, claim_high_id=high)
    matches = list(shown.order_by("-score")[:limit])
    other_ids = [m.other_id(claim.pk) for m in matches]
    others = Claim.objects.select_related("article").defer("article__body").in_bulk(other_ids)
    verdicts = _best_verdicts(other_ids)
    return [
        MatchView(match=m, other=others[o], verdict=verdicts.get(o))
        for m, o in zip(matches, other_ids, strict=True)
        if o in others
    ]


def _best_verdicts(claim_ids: Sequence[int]) -> dict[int, Verdict]:
    """Each claim's published verdict, or else its most recent one."""
    best: dict[int, Verdict] = {}
    rows = (
        Verdict.objects.filter(claim_id__in=list(claim_ids))
        .exclude(status=Verdict.Status.SUPERSEDED)
        .select_related("rating")
        .prefetch_related("citations")
        .order_by("claim_id", "-approved_at", "-id")
    )
    for verdict in rows:
        current = best.get(verdict.claim_id)
        if current is None or (
            verdict.status == Verdict.Status.APPROVED and current.status != Verdict.Status.APPROVED
        ):
            best[verdict.claim_id] = verdict
    return best


@dataclass(frozen=True)
class MatchSummary:
    matches: int = 0
    articles: int = 0
    conflicts: int = 0
    checked: Verdict | None = None  # a published verdict on a matched claim


def match_summaries(
    claim_ids: Sequence[int], *, article_id: int | None = None
) -> dict[int, MatchSummary]:
    """Badges for a page of claims: two queries, three when any claim has a match.

    `article_id` says the claims are (most of) one article's: the pairs are then found by
    the article, not by a list of a thousand ids.
    """
    ids = list(claim_ids)
    if not ids:
        return {}
    pairs = ClaimMatch.objects.shown()
    if article_id is not None:
        pairs = pairs.filter(
            Q(claim_low__article_id=article_id) | Q(claim_high__article_id=article_id)
        )
    else:
        pairs = pairs.filter(Q(claim_low_id__in=ids) | Q(claim_high_id__in=ids))
    wanted = set(ids)
    others: dict[int, set[int]] = defaultdict(set)
    article_of: dict[int, int] = {}
    for low, high, low_article, high_article in pairs.values_list(
        "claim_low_id", "claim_high_id", "claim_low__article_id", "claim_high__article_id"
    ):
        article_of[low], article_of[high] = low_article, high_article
        if low in wanted:
            others[low].add(high)
        if high in wanted:
            others[high].add(low)
    every_other = {o for found in others.values() for o in found}
    published = (
        {
            v.claim_id: v
            for v in Verdict.objects.filter(
                claim_id__in=list(every_other), status=Verdict.Status.APPROVED
            )
            .select_related("rating")
            .order_by("approved_at")
        }
        if every_other
        else {}
    )
    # Counted here from the page's own rows: bounded by the page, never a COUNT over a table.
    groups: dict[int, set[int]] = defaultdict(set)
    members = ConflictMember.objects.filter(
        group__distinct_values__gte=2, group__dismissed_at__isnull=True
    )
    members = (
        members.filter(claim__article_id=article_id)
        if article_id is not None
        else members.filter(claim_id__in=ids)
    )
    for claim_id, group_id in members.values_list("claim_id", "group_id"):
        groups[claim_id].add(group_id)
    conflicts = {claim_id: len(found) for claim_id, found in groups.items()}
    result: dict[int, MatchSummary] = {}
    for claim_id in ids:
        found = others.get(claim_id, set())
        checked = [published[o] for o in found if o in published]
        result[claim_id] = MatchSummary(
            matches=len(found),
            articles=len({article_of[o] for o in found if o in article_of}),
            conflicts=conflicts.get(claim_id, 0),
            checked=max(checked, key=lambda v: v.approved_at or v.created_at) if checked else None,
        )
    return result


def attach_summaries(claims: Sequence[Claim]) -> None:
    """Give each claim of a page its `match_summary`, in the queries of one call."""
    articles = {c.article_id for c in claims}
    summaries = match_summaries(
        [c.pk for c in claims],
        # An article page's claims: found by their article, not by a list of their ids.
        article_id=next(iter(articles)) if len(articles) == 1 and len(claims) > 100 else None,
    )
    for claim in claims:
        claim.match_summary = summaries[claim.pk]  # type: ignore[attr-defined]


def summary_of(claim: Claim) -> MatchSummary:
    """The claim's badge counts: attached for a page, else read for this one claim."""
    summary = getattr(claim, "match_summary", None)
    if summary is None:
        summary = match_summaries([claim.pk])[claim.pk]
        claim.match_summary = summary  # type: ignore[attr-defined]
    return summary


def conflict_groups(*, include_dismissed: bool = False) -> QuerySet[ConflictGroup]:
    groups = ConflictGroup.objects.filter(distinct_values__gte=2)
    if not include_dismissed:
        groups = groups.filter(dismissed_at__isnull=True)
    return groups.prefetch_related("members__claim__article").order_by("label", "id")


# --- Decisions --------------------------------------------------------------------------


class MatchNotFound(WorkflowError):
    """The two claims were never matched: there is nothing to confirm or reject."""


def _match_for(claim: Claim, other_id: int) -> ClaimMatch:
    low, high = min(claim.pk, other_id), max(claim.pk, other_id)
    match = ClaimMatch.objects.filter(claim_low_id=low, claim_high_id=high).first()
    if match is None:
        raise MatchNotFound("These two claims are not matched.")
    return match


def _decide(*, claim: Claim, other_id: int, actor: User, tier: str, action: str) -> ClaimMatch:
    require(actor, Action.TRIAGE)
    with transaction.atomic():
        match = _match_for(claim, other_id)
        match = ClaimMatch.objects.select_for_update().get(pk=match.pk)
        if match.tier == tier and match.decided_by_id is not None:
            return match  # said twice (two tabs): nothing more to record
        before = match.tier
        match.tier, match.decided_by, match.decided_at = tier, actor, timezone.now()
        match.save(update_fields=["tier", "decided_by", "decided_at", "updated_at"])
        other = Claim.objects.select_related("article").get(pk=other_id)
        note_other = f"claim #{other.pk} in “{other.article.title}”"
        record(
            action=action,
            actor=actor,
            claim=claim,
            from_state=before,
            to_state=tier,
            note=f"Same claim as {note_other}"
            if tier == MatchTier.CONFIRMED
            else f"Not the same claim as {note_other}",
        )
        record(
            action=action,
            actor=actor,
            claim=other,
            from_state=before,
            to_state=tier,
            note=f"{'Same' if tier == MatchTier.CONFIRMED else 'Not the same'} claim as "
            f"claim #{claim.pk}",
        )
    return match


def claim_match_confirm(*, claim: Claim, other_id: int, actor: User) -> ClaimMatch:
    return _decide(
        claim=claim,
        other_id=other_id,
        actor=actor,
        tier=MatchTier.CONFIRMED,
        action="match_confirmed",
    )


def claim_match_reject(*, claim: Claim, other_id: int, actor: User) -> ClaimMatch:
    return _decide(
        claim=claim,
        other_id=other_id,
        actor=actor,
        tier=MatchTier.REJECTED,
        action="match_rejected",
    )


def verdict_reuse(*, claim: Claim, source: Verdict, author: User) -> Verdict:
    """Start the claim's draft from a confirmed match's published verdict.

    The draft carries the earlier rating, summary, rationale and citations and links back;
    it is written, submitted and approved like any other.
    """
    from claims.services.verdicts import (
        CITATION_FIELDS,
        CitationInput,
        VerdictInput,
        verdict_save_draft,
    )

    match = _match_for(claim, source.claim_id)
    if match.tier != MatchTier.CONFIRMED:
        raise InvalidTransition(
            "Confirm that the two claims are the same before reusing the earlier verdict."
        )
    if source.status != Verdict.Status.APPROVED:
        raise InvalidTransition("Only a published verdict can be reused.")
    data = VerdictInput(
        rating_id=source.rating_id,
        summary=source.summary,
        rationale=source.rationale,
        citations=[CitationInput.from_data(c) for c in source.citations.values(*CITATION_FIELDS)],
    )
    with transaction.atomic():
        verdict = verdict_save_draft(claim=claim, author=author, data=data)
        Verdict.objects.filter(pk=verdict.pk).update(reused_from=source)
        verdict.reused_from = source
        record(
            action="verdict_reused",
            actor=author,
            verdict=verdict,
            note=f"Started from the published verdict #{source.pk} on claim #{source.claim_id}",
        )
    return verdict


def conflict_group_dismiss(*, group: ConflictGroup, actor: User, note: str) -> ConflictGroup:
    """Mark a group "not a conflict" (different time or scope), with the reason, on record."""
    require(actor, Action.TRIAGE)
    note = note.strip()
    if not note:
        raise WorkflowError(
            "Say why these figures do not conflict (a different time, a different scope)."
        )
    with transaction.atomic():
        updated = ConflictGroup.objects.filter(pk=group.pk, dismissed_at__isnull=True).update(
            dismissed_by=actor, dismissed_at=timezone.now(), dismissed_note=note[:2000]
        )
        group.refresh_from_db()
        if updated:
            for member in group.members.select_related("claim"):
                record(
                    action="conflict_dismissed",
                    actor=actor,
                    claim=member.claim,
                    note=f"{group.label}: not a conflict. {note}"[:2000],
                )
    return group
