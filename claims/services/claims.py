"""Triage: accept, dismiss, edit, assign, split, merge and add claims; comment on them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from enum import Enum
from typing import Final, Literal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims.errors import InvalidTransition, VersionConflict, WorkflowError
from claims.models import Article, Claim, ClaimantType, Comment, HistoryEvent, Tag, Verdict
from claims.permissions import Action, Role, require, roles_of
from claims.services.history import (
    record,
    refuse_while_under_review,
    require_version,
    save_versioned,
)
from claims.services.matching import claim_rematch_on_commit
from claims.validators import is_web_url

MAX_TAGS = 20


class _Unset(Enum):
    UNSET = "unset"


# "Leave as it is", for a field where None is a value a person can choose (no claim date).
UNSET: Final = _Unset.UNSET


def _require_no_locked_verdict(claim: Claim, what: str) -> None:
    locked = claim.verdicts.filter(
        status__in=[Verdict.Status.SUBMITTED, Verdict.Status.APPROVED]
    ).exists()
    if locked:
        raise InvalidTransition(
            f"This claim has a submitted or approved verdict: it cannot be {what}."
        )


def _set_status(
    *, claim: Claim, actor: User, status: str, version: int | None, note: str = ""
) -> Claim:
    require(actor, Action.TRIAGE)
    if claim.status == status:
        require_version(claim, version=version)
        return claim
    if status == Claim.Status.DISMISSED:
        _require_no_locked_verdict(claim, "dismissed")
    with transaction.atomic():
        before = claim.status
        claim = save_versioned(claim, version=version, status=status)
        record(
            action="status", actor=actor, claim=claim, from_state=before, to_state=status, note=note
        )
    return claim


def claim_accept(*, claim: Claim, actor: User, version: int | None = None) -> Claim:
    """Mark a candidate as worth checking."""
    return _set_status(claim=claim, actor=actor, status=Claim.Status.ACCEPTED, version=version)


def claim_dismiss(
    *, claim: Claim, actor: User, version: int | None = None, note: str = ""
) -> Claim:
    """Set a candidate aside as not worth checking."""
    return _set_status(
        claim=claim, actor=actor, status=Claim.Status.DISMISSED, version=version, note=note
    )


def claim_reopen(*, claim: Claim, actor: User, version: int | None = None) -> Claim:
    """Put an accepted or dismissed claim back among the candidates."""
    return _set_status(claim=claim, actor=actor, status=Claim.Status.CANDIDATE, version=version)


def claims_bulk_set_status(
    *,
    claim_ids: Iterable[int],
    actor: User,
    status: str,
    versions: Mapping[int, int] | None = None,
) -> int:
    """Accept or dismiss many claims at once; return how many changed.

    `versions` maps a claim id to the version the person saw; if any claim changed since,
    nothing is done.
    """
    require(actor, Action.TRIAGE)
    if status not in Claim.Status.values:
        raise WorkflowError(f"Unknown status {status!r}.")
    changed = 0
    with transaction.atomic():
        claims = list(Claim.objects.select_for_update().filter(pk__in=list(claim_ids)))
        _require_versions(claims, versions)
        for claim in claims:
            if claim.status != status:
                _set_status(claim=claim, actor=actor, status=status, version=None)
                changed += 1
    return changed


def _require_versions(claims: list[Claim], versions: Mapping[int, int] | None) -> None:
    stale = [c for c in claims if versions and versions.get(c.pk, c.version) != c.version]
    if stale:
        ids = ", ".join(f"#{c.pk}" for c in stale)
        raise VersionConflict(
            f"{len(stale)} of the selected claims changed after this page was loaded ({ids}). "
            "Nothing was done: check them as they are now and choose again.",
            current=stale,
        )


# What a review publishes about the claim (see Claim.public_record).
PUBLISHED_FIELDS = {"claim_text", "claimant", "claimant_type", "claimant_url", "claim_date"}


def claim_edit(
    *,
    claim: Claim,
    actor: User,
    version: int | None = None,
    claim_text: str | None = None,
    kind: str | None = None,
    tags: Iterable[str] | None = None,
    claimant: str | None = None,
    claimant_type: str | None = None,
    claimant_url: str | None = None,
    claim_date: date | None | Literal[_Unset.UNSET] = UNSET,
) -> Claim:
    """Edit the claim a reviewer will check; the quote in the article stays as published.

    None (UNSET for `claim_date`) leaves a field as it is.
    """
    require(actor, Action.TRIAGE)
    changes: dict[str, object] = _claimant_changes(
        claim,
        claimant=claimant,
        claimant_type=claimant_type,
        claimant_url=claimant_url,
        claim_date=claim_date,
    )
    if claim_text is not None:
        claim_text = " ".join(claim_text.split())
        if not claim_text:
            raise WorkflowError("The claim text cannot be empty.")
        if len(claim_text) > 2000:
            raise WorkflowError("The claim text is limited to 2,000 characters.")
        if claim_text != claim.claim_text:
            changes["claim_text"] = claim_text
    if kind is not None and kind != claim.kind:
        if kind not in Claim.Kind.values:
            raise WorkflowError(f"Unknown claim type {kind!r}.")
        changes["kind"] = kind
    if set(changes) & PUBLISHED_FIELDS:
        refuse_while_under_review(Verdict.objects.filter(claim_id=claim.pk))
    new_tags = None
    if tags is not None:
        new_tags = sorted({" ".join(t.split()).lower()[:60] for t in tags if t.strip()})
        if len(new_tags) > MAX_TAGS:
            raise WorkflowError(f"A claim can have at most {MAX_TAGS} tags.")
    with transaction.atomic():
        old_tags = sorted(claim.tags.values_list("name", flat=True))
        tags_changed = new_tags is not None and new_tags != old_tags
        if not changes and not tags_changed:
            require_version(claim, version=version)
            return claim
        before = {field: getattr(claim, field) for field in changes}
        claim = save_versioned(claim, version=version, **changes)
        if "claim_text" in changes:
            claim_rematch_on_commit(claim=claim)
        for field, old in before.items():
            record(
                action=f"edit_{field}",
                actor=actor,
                claim=claim,
                from_state=field,
                to_state=field,
                note=f"{old or '—'} → {changes[field] or '—'}",
            )
        if tags_changed and new_tags is not None:
            claim.tags.set([Tag.objects.get_or_create(name=name)[0] for name in new_tags])
            record(
                action="edit_tags",
                actor=actor,
                claim=claim,
                note=f"{', '.join(old_tags) or '—'} → {', '.join(new_tags) or '—'}",
            )
    return claim


def _claimant_changes(
    claim: Claim,
    *,
    claimant: str | None,
    claimant_type: str | None,
    claimant_url: str | None,
    claim_date: date | None | Literal[_Unset.UNSET],
) -> dict[str, object]:
    """Check who made the claim and when; return the fields that differ from the claim's."""
    changes: dict[str, object] = {}
    if claimant is not None:
        claimant = " ".join(claimant.split())
        if len(claimant) > 200:
            raise WorkflowError("The claimant's name is limited to 200 characters.")
        if claimant != claim.claimant:
            changes["claimant"] = claimant
    if claimant_type is not None and claimant_type != claim.claimant_type:
        # "" is "not said yet": what the extractor leaves for a reviewer to decide.
        if claimant_type not in ["", *ClaimantType.values]:
            raise WorkflowError(f"Unknown claimant type {claimant_type!r}.")
        changes["claimant_type"] = claimant_type
    if claimant_url is not None:
        claimant_url = claimant_url.strip()
        if claimant_url and not is_web_url(claimant_url):
            raise WorkflowError("The claimant's URL must be a web address (http or https).")
        if claimant_url != claim.claimant_url:
            changes["claimant_url"] = claimant_url
    if claim_date is not UNSET and claim_date != claim.claim_date:
        if claim_date is not None and claim_date > timezone.localdate():
            raise WorkflowError("The claim date cannot be in the future.")
        changes["claim_date"] = claim_date
    return changes


def claim_take(*, claim: Claim, actor: User, version: int | None = None) -> Claim:
    """Assign a claim to oneself; taking it from a colleague needs an editor's right to assign."""
    require(actor, Action.TAKE)
    if claim.assignee_id not in (None, actor.pk):
        require(actor, Action.ASSIGN)
    return _assign(claim=claim, actor=actor, assignee=actor, version=version)


def claim_assign(
    *, claim: Claim, actor: User, assignee: User | None, version: int | None = None
) -> Claim:
    """Give a claim to a reviewer or editor (None to unassign)."""
    if assignee is not None and assignee.pk == actor.pk:
        return claim_take(claim=claim, actor=actor, version=version)
    if assignee is None and claim.assignee_id == actor.pk:
        # Giving back a claim you hold undoes taking it, so it needs only the right to take.
        require(actor, Action.TAKE)
    else:
        require(actor, Action.ASSIGN)
    if assignee is not None and not roles_of(assignee) & {Role.REVIEWER, Role.EDITOR, Role.ADMIN}:
        raise WorkflowError(f"{assignee.get_username()} is not a reviewer or editor.")
    return _assign(claim=claim, actor=actor, assignee=assignee, version=version)


def _assign(*, claim: Claim, actor: User, assignee: User | None, version: int | None) -> Claim:
    if claim.assignee_id == (assignee.pk if assignee else None):
        require_version(claim, version=version)
        return claim
    with transaction.atomic():
        before = claim.assignee.get_username() if claim.assignee else ""
        claim = save_versioned(claim, version=version, assignee=assignee)
        record(
            action="assign",
            actor=actor,
            claim=claim,
            from_state=before,
            to_state=assignee.get_username() if assignee else "",
        )
    return claim


def claims_bulk_assign(
    *,
    claim_ids: Iterable[int],
    actor: User,
    assignee: User | None,
    versions: Mapping[int, int] | None = None,
) -> int:
    """Assign many claims at once; like claims_bulk_set_status, stale `versions` do nothing."""
    changed = 0
    with transaction.atomic():
        claims = list(
            Claim.objects.select_for_update(of=("self",))
            .select_related("assignee")
            .filter(pk__in=list(claim_ids))
        )
        _require_versions(claims, versions)
        for claim in claims:
            if claim.assignee_id != (assignee.pk if assignee else None):
                claim_assign(claim=claim, actor=actor, assignee=assignee)
                changed += 1
    return changed


def _trimmed(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def claim_split(*, claim: Claim, actor: User, at: int, version: int | None = None) -> list[Claim]:
    """Cut a claim in two at article offset `at`; each part keeps its own exact span."""
    require(actor, Action.TRIAGE)
    body = claim.article.body
    inside = claim.start < at < claim.end
    first = _trimmed(body, claim.start, at) if inside else (0, 0)
    second = _trimmed(body, at, claim.end) if inside else (0, 0)
    if first[0] == first[1] or second[0] == second[1]:
        raise WorkflowError("Choose a point inside the claim that leaves text on both sides.")
    try:
        with transaction.atomic():
            Claim.objects.select_for_update().filter(pk=claim.pk).first()
            if claim.verdicts.exists():
                raise InvalidTransition("A claim with a verdict cannot be split.")
            original = (claim.start, claim.end)
            quantities = list(claim.quantities or [])
            claim = save_versioned(
                claim,
                version=version,
                start=first[0],
                end=first[1],
                text=body[first[0] : first[1]],
                claim_text=" ".join(body[first[0] : first[1]].split()),
                quantities=[q for q in quantities if q.get("start", 0) < first[1]],
            )
            other = Claim.objects.create(
                article_id=claim.article_id,
                start=second[0],
                end=second[1],
                text=body[second[0] : second[1]],
                claim_text=" ".join(body[second[0] : second[1]].split()),
                score=claim.score,
                checkworthy=claim.checkworthy,
                reasons=claim.reasons,
                kind=claim.kind,
                quantities=[q for q in quantities if q.get("start", 0) >= second[0]],
                status=claim.status,
                origin=Claim.Origin.REVIEWER,
                extractor_version=claim.extractor_version,
                assignee=claim.assignee,
            )
            _retire_spans(claim.article_id, [original])
            note = f"split at {at}: #{claim.pk} and #{other.pk}"
            record(action="split", actor=actor, claim=claim, note=note)
            record(action="split", actor=actor, claim=other, note=note)
            claim_rematch_on_commit(claim=claim)
    except IntegrityError:
        raise WorkflowError("One of the two parts is already a claim of its own.") from None
    return [claim, other]


def claim_merge(*, claim: Claim, actor: User, version: int | None = None) -> Claim:
    """Merge a claim with the next one in its article, keeping one span over both.

    The next claim's comments, tags and history move to the merged claim, so nothing a
    reviewer did on it is lost.
    """
    require(actor, Action.TRIAGE)
    body = claim.article.body
    try:
        with transaction.atomic():
            locked = list(
                Claim.objects.select_for_update()
                .filter(article_id=claim.article_id, start__gte=claim.start)
                .exclude(pk=claim.pk)
                .filter(start__gte=claim.end)
                .order_by("start", "end")[:1]
            )
            following = locked[0] if locked else None
            if following is None:
                raise WorkflowError("There is no next claim in this article to merge with.")
            if Verdict.objects.filter(claim__in=[claim, following]).exists():
                raise InvalidTransition("A claim with a verdict cannot be merged.")
            if (
                claim.assignee_id
                and following.assignee_id
                and claim.assignee_id != following.assignee_id
            ):
                raise WorkflowError("The two claims are assigned to different people.")
            Comment.objects.filter(claim=following).update(claim=claim)
            HistoryEvent.objects.filter(claim=following).update(claim=claim)
            tags = list(following.tags.all())
            following_pk, spans = (
                following.pk,
                [(claim.start, claim.end), (following.start, following.end)],
            )
            following.delete()
            status = claim.status
            if status == Claim.Status.CANDIDATE:
                status = following.status
            claim = save_versioned(
                claim,
                version=version,
                end=following.end,
                text=body[claim.start : following.end],
                claim_text=f"{claim.claim_text} {following.claim_text}",
                score=max(claim.score, following.score),
                checkworthy=claim.checkworthy or following.checkworthy,
                reasons=list(dict.fromkeys([*claim.reasons, *following.reasons])),
                quantities=[*(claim.quantities or []), *(following.quantities or [])],
                assignee_id=claim.assignee_id or following.assignee_id,
                status=status,
            )
            claim.tags.add(*tags)
            _retire_spans(claim.article_id, spans)
            record(
                action="merge",
                actor=actor,
                claim=claim,
                note=f"merged #{following_pk} into #{claim.pk}",
            )
            claim_rematch_on_commit(claim=claim)
    except IntegrityError:
        raise WorkflowError("The merged span is already a claim of its own.") from None
    return claim


def _retire_spans(article_id: int, spans: list[tuple[int, int]]) -> None:
    """Remember spans a reviewer replaced, so a re-split does not bring them back."""
    article = Article.objects.select_for_update().get(pk=article_id)
    retired = {tuple(span) for span in article.retired_spans}
    retired.update(spans)
    Article.objects.filter(pk=article_id).update(retired_spans=sorted(list(s) for s in retired))


def claim_create(
    *,
    article: Article,
    actor: User,
    start: int,
    end: int,
    quote: str | None = None,
    claim_text: str = "",
) -> Claim:
    """Add a claim the extractor missed, from a span a reviewer selected in the article."""
    require(actor, Action.TRIAGE)
    body = article.body
    if quote is not None and body[start:end] != quote:
        # Browsers count characters differently (line breaks, emoji): trust the quote, find it.
        found = body.find(quote, max(0, start - 200)) if quote else -1
        if found < 0:
            found = body.find(quote) if quote else -1
        if found < 0:
            raise WorkflowError("The selected text was not found in the article.")
        start, end = found, found + len(quote)
    if not (0 <= start < end <= len(body)):
        raise WorkflowError("The selection lies outside the article.")
    start, end = _trimmed(body, start, end)
    if start == end:
        raise WorkflowError("Select some words of the article, not just spaces.")
    text = body[start:end]
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                article=article,
                start=start,
                end=end,
                text=text,
                claim_text=" ".join((claim_text or text).split()),
                score=0.0,
                reasons=["added by a reviewer"],
                status=Claim.Status.ACCEPTED,
                origin=Claim.Origin.REVIEWER,
            )
            record(action="created", actor=actor, claim=claim, to_state=claim.status)
            claim_rematch_on_commit(claim=claim)
    except IntegrityError:
        raise WorkflowError("That exact span is already a claim.") from None
    return claim


def comment_add(*, claim: Claim, actor: User, body: str) -> Comment:
    require(actor, Action.COMMENT)
    body = body.strip()
    if not body:
        raise WorkflowError("Write something before posting the comment.")
    if len(body) > 10_000:
        raise WorkflowError("Comments are limited to 10,000 characters.")
    with transaction.atomic():
        comment = Comment.objects.create(claim=claim, author=actor, body=body)
        record(action="comment", actor=actor, claim=claim, note=body[:200])
    return comment
