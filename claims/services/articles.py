"""Writes that cross models or leave the process: ingesting and splitting articles."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

import claims.matching.neardup as neardup
from claims import extraction
from claims.errors import VersionConflict, WorkflowError
from claims.ingest import IngestError, check_body
from claims.models import (
    MAX_SPLIT_ATTEMPTS,
    Article,
    ArticleBand,
    ArticleVersion,
    Claim,
    HistoryEvent,
    Verdict,
    content_hash,
)
from claims.permissions import Action, require
from claims.services.history import refuse_while_under_review
from claims.services.leases import lease_renewed, sent_stamped
from claims.services.matching import article_queue_match_on_commit
from claims.validators import is_web_url

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestResult:
    """What ingesting a text did.

    `created` is true only when a new article was stored; otherwise `article` is the article the
    text already belongs to, also given as `duplicate_of`. `similarity` is 1.0 for the same
    text (exactly, or once normalised: spacing, quotes, dashes, case); below that, the text was
    kept as `version` (number `version_number`, the article itself being 1), a new version if
    `version_created`, or one sent before.
    """

    article: Article
    created: bool
    duplicate_of: Article | None = None
    similarity: float | None = None
    version: ArticleVersion | None = None
    version_number: int | None = None
    version_created: bool = False

    @classmethod
    def same_as(cls, article: Article) -> IngestResult:
        return cls(article=article, created=False, duplicate_of=article, similarity=1.0)

    @classmethod
    def kept_as(
        cls, version: ArticleVersion, *, number: int, created: bool = False
    ) -> IngestResult:
        return cls(
            article=version.article,
            created=False,
            duplicate_of=version.article,
            similarity=version.similarity,
            version=version,
            version_number=number,
            version_created=created,
        )


# Articles compared with a new text at most: those sharing the most bands with it. A near-copy
# shares about 32 x J**8 bands (5 or more at J = 0.8), an unrelated text almost none.
NEAR_DUPLICATE_CANDIDATES = 20
# The first half of the advisory locks that serialise near-copies ("ND" in ASCII), apart from
# any other advisory lock's.
NEAR_DUPLICATE_LOCKS = 0x4E44


def article_ingest(
    *,
    body: str,
    title: str = "",
    source_url: str = "",
    publisher: str = "",
    published_at: date | None = None,
    added_by: User | None = None,
) -> IngestResult:
    """Store a new article and queue its split.

    The same text again returns the existing article; a near-copy of one (edited, with other
    boilerplate or headline, at NEAR_DUPLICATE_THRESHOLD or more) is kept as a version of it.
    """
    # One line-ending convention for every door: browsers report offsets in LF text, and the
    # same article pasted or uploaded must be recognised as the same.
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    check_body(body, max_bytes=settings.ARTICLE_MAX_BYTES)
    source_url = source_url if is_web_url(source_url) else ""
    title = " ".join(title.split())[:300] or extraction.guess_title(body)[:300] or "Untitled"
    publisher = publisher[:200]
    digest = content_hash(body)
    existing = Article.objects.filter(content_hash=digest).first()
    if existing is not None:
        return IngestResult.same_as(existing)
    # CPU work (about 1 ms for a news article, 1.5 s at the 5 MB limit), done before the
    # transaction so that no lock is held while it runs.
    signature = neardup.signature(body)
    keys = neardup.band_keys(signature)
    try:
        with transaction.atomic():
            _near_copies_serialised(keys)
            known = _ingest_known_text(
                digest=digest,
                body=body,
                signature=signature,
                keys=keys,
                title=title,
                source_url=source_url,
                publisher=publisher,
                added_by=added_by,
            )
            if known is not None:
                return known
            article = Article.objects.create(
                title=title,
                body=body,
                source_url=source_url,
                publisher=publisher,
                published_at=published_at,
                minhash=neardup.to_bytes(signature),
                added_by=added_by,
            )
            # In the same transaction: an article is never visible without its bands.
            ArticleBand.objects.bulk_create(ArticleBand(article=article, key=k) for k in keys)
            HistoryEvent.objects.create(
                article=article,
                actor=added_by,
                action="ingested",
                to_state=Article.Status.QUEUED,
            )
            transaction.on_commit(partial(article_queue_split, article_id=article.pk))
    except IntegrityError:
        # Someone ingested the same text at the same moment: theirs won, point to it. (On
        # PostgreSQL the band locks make this rare; SQLite has no such locks.)
        existing = Article.objects.filter(content_hash=digest).first()
        if existing is not None:
            return IngestResult.same_as(existing)
        version = ArticleVersion.objects.filter(content_hash=digest).select_related("article")
        if (kept := version.first()) is None:
            raise
        return IngestResult.kept_as(kept, number=article_version_number(version=kept))
    return IngestResult(article=article, created=True)


def _near_copies_serialised(keys: list[int]) -> None:
    """Make concurrent ingests of near-copies wait for each other, until this transaction ends.

    Two near-copies share a band, so each ingest locks its bands: the second waits for the
    first to commit and then finds its article among the candidates, instead of both creating
    one. Unrelated texts share no band and do not wait. The keys are folded to the 31 bits an
    advisory lock's second half holds (a fold shared by chance only makes two ingests wait),
    under a first half of their own, and taken in ascending order, so that no two ingests can
    deadlock. SQLite takes no such locks: it has one writer at a time, and the unique
    content hashes still stop an exact copy from being stored twice.
    """
    if connection.vendor != "postgresql":
        return
    locks = sorted({key & 0x7FFFFFFF for key in keys})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, lock) FROM unnest(%s::integer[]) AS lock",
            [NEAR_DUPLICATE_LOCKS, locks],
        )


def _ingest_known_text(
    *,
    digest: str,
    body: str,
    signature: neardup.Signature,
    keys: list[int],
    title: str,
    source_url: str,
    publisher: str,
    added_by: User | None,
) -> IngestResult | None:
    """Return where a text already is, keeping it as a new version if need be; None if new."""
    sent_before = ArticleVersion.objects.filter(content_hash=digest).select_related("article")
    if (kept := sent_before.first()) is not None:
        return IngestResult.kept_as(kept, number=article_version_number(version=kept))
    # One query whatever the number of articles: the band index finds the few that share one.
    candidates = (
        Article.objects.filter(bands__key__in=keys)
        .values_list("id", "minhash")
        .annotate(shared=Count("bands"))
        .order_by("-shared", "id")[:NEAR_DUPLICATE_CANDIDATES]
    )
    best_id, best = None, 0.0
    for candidate_id, stored, _shared in candidates:
        theirs = None if stored is None else neardup.from_bytes(bytes(stored))
        if theirs is None:
            continue  # no signature: neither compared nor matched
        score = neardup.similarity(signature, theirs)
        if score > best:
            best_id, best = candidate_id, score
    if best_id is None or best < settings.NEAR_DUPLICATE_THRESHOLD:
        return None
    # Locked so that two versions of one article arriving together are numbered in turn.
    article = Article.objects.select_for_update().get(pk=best_id)
    if neardup.normalise(body) == neardup.normalise(article.body):
        return IngestResult.same_as(article)
    version = ArticleVersion.objects.create(
        article=article,
        title=title,
        body=body,
        source_url=source_url,
        publisher=publisher,
        similarity=best,
        added_by=added_by,
    )
    number = article_version_number(version=version)
    HistoryEvent.objects.create(
        article=article,
        actor=added_by,
        action="new_version",
        note=f"version {number}, {best:.0%} the same text (estimated similarity {best:.3f})",
    )
    return IngestResult.kept_as(version, number=number, created=True)


def article_version_number(*, version: ArticleVersion) -> int:
    """Return the version's place among its article's: the article as first ingested is 1."""
    return (
        1 + ArticleVersion.objects.filter(article_id=version.article_id, pk__lte=version.pk).count()
    )


def article_queue_split(*, article_id: int) -> bool:
    """Send the split task; if the broker is down, leave the article queued for the sweep."""
    from claims.tasks import split_article  # imported here: tasks import this module

    failure = sent_stamped(
        Article.objects.filter(pk=article_id),
        field="split_sent_at",
        send=lambda: split_article.delay(article_id=article_id),
    )
    if failure is not None:
        logger.warning(
            "Broker unreachable, article %s stays queued until the sweep re-sends it: %s",
            article_id,
            failure,
        )
    return failure is None


def articles_requeue_stalled(
    *, grace_seconds: int | None = None, resend_all: bool = False, limit: int = 500
) -> int:
    """Re-send the split of articles whose message never reached the broker or was lost, and of
    articles whose splitting worker died; fail those that keep dying.

    A message the broker took is not sent again while it may still be waiting behind other
    splits (TASK_RESEND_SECONDS), unless `resend_all` says the broker lost its messages.
    Sending twice is safe anyway: the task claims the article with a conditional UPDATE.
    """
    grace = settings.ARTICLE_SWEEP_SECONDS if grace_seconds is None else grace_seconds
    now = timezone.now()
    exhausted = Article.objects.exhausted(now=now).values_list("id", flat=True)[:limit]
    for article_id in exhausted:
        _article_give_up_if_exhausted(article_id=article_id, now=now)
    waiting = Q()
    if not resend_all:
        resend_before = now - timedelta(seconds=settings.TASK_RESEND_SECONDS)
        waiting = (
            Q(split_sent_at__isnull=True, updated_at__lte=now - timedelta(seconds=grace))
            | Q(split_sent_at__lt=resend_before)
            # Abandoned, and the message that started the dead split was the last one sent.
            | Q(status=Article.Status.SPLITTING, split_sent_at__lte=F("split_heartbeat_at"))
        )
    stalled = (
        Article.objects.claimable(now=now)
        .filter(split_attempts__lt=MAX_SPLIT_ATTEMPTS)
        .filter(waiting)
    )
    sent = 0
    for article_id in stalled.order_by("id").values_list("id", flat=True)[:limit]:
        if not article_queue_split(article_id=article_id):
            break  # the broker is still down; the next sweep tries again
        sent += 1
    return sent


def article_split(*, article_id: int) -> int:
    """Split an article into candidate claims; return how many were created.

    Safe to run twice or concurrently: only the run that claims the article writes claims.
    """
    now = timezone.now()
    _article_give_up_if_exhausted(article_id=article_id, now=now)
    claimed = (
        Article.objects.filter(pk=article_id, split_attempts__lt=MAX_SPLIT_ATTEMPTS)
        .claimable(now=now)
        .update(
            status=Article.Status.SPLITTING,
            split_started_at=now,
            split_heartbeat_at=now,
            split_attempts=F("split_attempts") + 1,
            updated_at=now,
        )
    )
    if claimed != 1:
        return 0  # another worker has it, or it is done
    return _article_extract_and_store(article_id=article_id, lease=now)


def _article_give_up_if_exhausted(*, article_id: int, now: datetime) -> None:
    """Fail an article whose splits keep dying (a worker killed, a database that keeps failing)
    instead of sending it again forever; a person can split it again from its page."""
    with transaction.atomic():
        article = (
            Article.objects.exhausted(now=now).select_for_update().filter(pk=article_id).first()
        )
        if article is None:
            return
        # A database error while storing leaves its text here while the article waits.
        last = f" The last error: {article.failure_reason}" if article.failure_reason else ""
        reason = (
            f"Splitting stopped {MAX_SPLIT_ATTEMPTS} times without finishing (a worker stopped "
            f"or the database failed).{last}"
        )
        Article.objects.filter(pk=article_id).update(
            status=Article.Status.FAILED, failure_reason=reason[:2000], updated_at=now
        )
        HistoryEvent.objects.create(
            article_id=article_id,
            action="split_failed",
            from_state=article.status,
            to_state=Article.Status.FAILED,
            note=f"gave up after {MAX_SPLIT_ATTEMPTS} attempts",
        )


def article_resplit(*, article_id: int) -> int:
    """Split an article again with the current extractor; return how many claims were added.

    Claims a reviewer touched (accepted, dismissed, edited, tagged, assigned, commented, with a
    verdict, or added by hand) are kept as they are; untouched candidates of an older extractor
    are replaced, and no span is stored twice.
    """
    now = timezone.now()
    claimed = (
        Article.objects.filter(
            pk=article_id, status__in=[Article.Status.SPLIT, Article.Status.FAILED]
        )
        .exclude(extractor_version=extraction.EXTRACTOR_VERSION)
        .update(
            status=Article.Status.SPLITTING,
            split_started_at=now,
            split_heartbeat_at=now,
            split_attempts=F("split_attempts") + 1,
            updated_at=now,
        )
    )
    if claimed != 1:
        return 0  # already current, or being split right now
    return _article_extract_and_store(article_id=article_id, lease=now)


def _article_extract_and_store(*, article_id: int, lease: datetime) -> int:
    now = lease
    body = Article.objects.values_list("body", flat=True).get(pk=article_id)
    held = Article.objects.filter(
        pk=article_id, status=Article.Status.SPLITTING, split_started_at=lease
    )
    try:
        # Extract outside any transaction: it is CPU work and must not hold row locks.
        with lease_renewed(held, field="split_heartbeat_at"):
            candidates = extraction.extract_claims(body)
            parts = extraction.article_starts(body)
    except MemoryError:
        # The worker child's memory cap (WORKER_MEMORY_LIMIT_MB, factcheck.celery) was hit.
        logger.warning("Splitting article %s hit the memory limit", article_id)
        _article_fail(
            article_id=article_id,
            lease=now,
            reason="Splitting needed more memory than a worker may use; the text may be too "
            "long or unusual to split.",
        )
        return 0
    except SoftTimeLimitExceeded:
        # The task's soft limit (claims.tasks) stops a split that runs away on hostile text;
        # fail the article with its reason so the worker is free for the next one.
        logger.warning("Splitting article %s hit the time limit", article_id)
        _article_fail(
            article_id=article_id,
            lease=now,
            reason="Splitting took longer than the time limit; the text may be too long "
            "or unusual (long runs of one character) to split.",
        )
        return 0
    except Exception as exc:
        logger.exception("Extractor failed on article %s", article_id)
        _article_fail(article_id=article_id, lease=now, reason=f"The extractor failed: {exc}")
        return 0

    try:
        return _article_store_claims(
            article_id=article_id, lease=now, candidates=candidates, parts=parts
        )
    except OperationalError as exc:
        # The database went away mid-write: hand the article back so the retry can claim it,
        # with the error kept in case this keeps happening and the article is given up on.
        # If it is still down, the lease lapses and the sweep hands the article on instead.
        with contextlib.suppress(OperationalError):
            held.update(
                status=Article.Status.QUEUED,
                split_started_at=None,
                failure_reason=f"Database error while storing the claims: {exc}"[:2000],
            )
        raise


def _article_store_claims(
    *,
    article_id: int,
    lease: datetime,
    candidates: list[extraction.CandidateClaim],
    parts: list[tuple[int, str]],
) -> int:
    with transaction.atomic():
        article = (
            Article.objects.select_for_update()
            .filter(pk=article_id, status=Article.Status.SPLITTING, split_started_at=lease)
            .first()
        )
        if article is None:
            return 0  # our lease lapsed and another worker took the article over
        existing = Claim.objects.filter(article=article)
        untouched = existing.untouched().exclude(extractor_version=extraction.EXTRACTOR_VERSION)
        replaced = untouched.count()
        untouched.delete()
        taken = set(existing.values_list("start", "end"))
        taken.update(tuple(span) for span in article.retired_spans)
        new_claims = [
            Claim(
                article=article,
                start=c.start,
                end=c.end,
                text=c.text,
                claim_text=c.claim,
                score=c.score,
                opinion=c.opinion,
                parts=[list(part) for part in c.parts] or None,
                checkworthy=c.checkworthy,
                reasons=list(c.reasons),
                kind=c.kind,
                quantities=c.as_dict()["quantities"],
                claimant=c.claimant[:200],
                claimant_type="",
                extractor_version=extraction.EXTRACTOR_VERSION,
            )
            for c in candidates
            if (c.start, c.end) not in taken
        ]
        Claim.objects.bulk_create(new_claims)
        Article.objects.filter(pk=article_id).update(
            status=Article.Status.SPLIT,
            parts=[{"start": start, "title": title} for start, title in parts] or None,
            extractor_version=extraction.EXTRACTOR_VERSION,
            failure_reason="",
            updated_at=timezone.now(),
        )
        HistoryEvent.objects.create(
            article=article,
            action="split",
            from_state=Article.Status.SPLITTING,
            to_state=Article.Status.SPLIT,
            note=f"{len(new_claims)} candidate claims ({extraction.EXTRACTOR_VERSION})"
            + (f", replacing {replaced} untouched ones" if replaced else ""),
        )
        # "Checked before?": compare the new claims with the archive, in the worker.
        article_queue_match_on_commit(article_id=article_id)
    return len(new_claims)


def _article_fail(*, article_id: int, lease: datetime, reason: str) -> None:
    with transaction.atomic():
        updated = Article.objects.filter(
            pk=article_id, status=Article.Status.SPLITTING, split_started_at=lease
        ).update(status=Article.Status.FAILED, failure_reason=reason[:2000])
        if updated:
            HistoryEvent.objects.create(
                article_id=article_id,
                action="split_failed",
                from_state=Article.Status.SPLITTING,
                to_state=Article.Status.FAILED,
                note=reason[:2000],
            )


def article_retry_split(*, article: Article, actor: User | None) -> Article:
    """Queue a failed article again, e.g. after the extractor was fixed."""
    if actor is not None:
        require(actor, Action.TRIAGE)
    with transaction.atomic():
        updated = Article.objects.filter(pk=article.pk, status=Article.Status.FAILED).update(
            status=Article.Status.QUEUED,
            failure_reason="",
            split_started_at=None,
            split_sent_at=None,
            split_attempts=0,
        )
        if not updated:
            raise IngestError("Only a failed article can be split again.", code="invalid_state")
        HistoryEvent.objects.create(
            article=article,
            actor=actor,
            action="split_retried",
            from_state=Article.Status.FAILED,
            to_state=Article.Status.QUEUED,
        )
        transaction.on_commit(partial(article_queue_split, article_id=article.pk))
    article.refresh_from_db()
    return article


def article_update_details(
    *,
    article: Article,
    actor: User,
    seen: datetime,
    source_url: str,
    publisher: str,
    published_at: date | None,
) -> Article:
    """Set where and when the article was published, with the change in its history.

    `seen` is the article's `updated_at` when the person opened it: if it changed since, nothing
    is saved. The public URL is what a public review names as where the claim appeared.
    """
    require(actor, Action.TRIAGE)
    source_url = source_url.strip()
    if source_url and not is_web_url(source_url):
        raise WorkflowError("The public URL must be a web address (http or https).")
    publisher = " ".join(publisher.split())
    if len(publisher) > 200:
        raise WorkflowError("The publisher's name is limited to 200 characters.")
    wanted = {"source_url": source_url, "publisher": publisher, "published_at": published_at}
    with transaction.atomic():
        current = Article.objects.select_for_update().get(pk=article.pk)
        if current.updated_at != seen:
            raise VersionConflict(
                "Someone changed this article after you opened it. Your changes were not "
                "saved: compare them with the current details below.",
                current=current,
            )
        changes = {f: v for f, v in wanted.items() if getattr(current, f) != v}
        if changes:
            refuse_while_under_review(Verdict.objects.filter(claim__article_id=article.pk))
            Article.objects.filter(pk=article.pk).update(**changes, updated_at=timezone.now())
        for field, new in changes.items():
            HistoryEvent.objects.create(
                article=current,
                actor=actor,
                action=f"edit_{field}",
                from_state=field,
                to_state=field,
                note=f"{getattr(current, field) or '—'} → {new or '—'}",
            )
    article.refresh_from_db()
    return article
