"""Verdicts: drafts with citations, submission, approval and requests for changes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from claims.errors import InvalidTransition, NotAllowed, WorkflowError
from claims.models import Citation, Claim, Rating, Verdict, VerdictRevision
from claims.permissions import Action, require
from claims.services.history import record, save_versioned

SUMMARY_MAX = 75  # ClaimReview's claimReviewed is cut at 75 characters by Google
EDITABLE = {Verdict.Status.DRAFT, Verdict.Status.CHANGES_REQUESTED}
_url = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class CitationInput:
    url: str
    title: str = ""
    publisher: str = ""
    quote: str = ""
    archived_url: str = ""
    accessed_at: date | None = None
    stance: str = Citation.Stance.CONTEXT


@dataclass(frozen=True)
class VerdictInput:
    rating_id: int | None = None
    summary: str = ""
    rationale: str = ""
    citations: list[CitationInput] = field(default_factory=list)


@dataclass(frozen=True)
class CheckItem:
    label: str
    ok: bool


def _validate(data: VerdictInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if len(data.summary) > SUMMARY_MAX:
        errors.setdefault("summary", []).append(
            f"The summary is {len(data.summary)} characters; keep it to {SUMMARY_MAX}."
        )
    if data.rating_id is not None and not Rating.objects.filter(pk=data.rating_id).exists():
        errors.setdefault("rating", []).append("Choose a rating from the scale.")
    for index, citation in enumerate(data.citations, start=1):
        for name in ("url", "archived_url"):
            value = getattr(citation, name)
            if name == "url" or value:
                try:
                    _url(value)
                except ValidationError:
                    errors.setdefault("citations", []).append(
                        f"Citation {index}: {'URL' if name == 'url' else 'archived URL'} "
                        f"{value!r} is not a valid http(s) address."
                    )
        if citation.stance not in Citation.Stance.values:
            errors.setdefault("citations", []).append(f"Citation {index}: unknown stance.")
    return errors


class VerdictInvalid(WorkflowError):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors


def snapshot(verdict: Verdict) -> dict[str, object]:
    """Return what the verdict says, in a form that can be stored and compared."""
    return {
        "rating": verdict.rating.label if verdict.rating else "",
        "summary": verdict.summary,
        "rationale": verdict.rationale,
        "citations": [
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
    }


def verdict_save_draft(
    *,
    claim: Claim,
    author: User,
    data: VerdictInput,
    verdict: Verdict | None = None,
    version: int | None = None,
) -> Verdict:
    """Create or update the draft verdict on a claim, with its citations."""
    require(author, Action.WRITE_VERDICT)
    errors = _validate(data)
    if errors:
        raise VerdictInvalid(errors)
    fields = {
        "rating_id": data.rating_id,
        "summary": data.summary.strip(),
        "rationale": data.rationale,
    }
    with transaction.atomic():
        if verdict is None:
            if claim.status == Claim.Status.DISMISSED:
                raise InvalidTransition("Reopen or accept the claim before writing a verdict.")
            if claim.verdicts.filter(status=Verdict.Status.APPROVED).exists():
                raise InvalidTransition(
                    "This claim already has an approved verdict; corrections are not supported yet."
                )
            try:
                with transaction.atomic():
                    verdict = Verdict.objects.create(claim=claim, author=author, **fields)
            except IntegrityError:
                raise InvalidTransition(
                    "This claim already has a verdict in progress; open it instead."
                ) from None
            record(action="verdict_created", actor=author, verdict=verdict, to_state="draft")
        else:
            if verdict.author_id != author.pk:
                raise NotAllowed("Only the verdict's author can edit it.")
            if verdict.status not in EDITABLE:
                raise InvalidTransition(
                    f"A {verdict.get_status_display().lower()} verdict cannot be edited."
                )
            verdict = save_versioned(verdict, version=version, **fields)
            verdict.citations.all().delete()
            record(action="verdict_edited", actor=author, verdict=verdict)
        Citation.objects.bulk_create(
            Citation(verdict=verdict, **asdict(citation)) for citation in data.citations
        )
        if claim.status == Claim.Status.CANDIDATE:
            # Writing a verdict means the claim is worth checking: record it like an accept.
            Claim.objects.filter(pk=claim.pk).update(
                status=Claim.Status.ACCEPTED, version=F("version") + 1
            )
            record(
                action="status",
                actor=author,
                claim=claim,
                from_state=Claim.Status.CANDIDATE,
                to_state=Claim.Status.ACCEPTED,
                note="a verdict was started",
            )
    return verdict


def verdict_checklist(verdict: Verdict) -> list[CheckItem]:
    """Return what must hold before a verdict can be approved."""
    summary = verdict.summary.strip()
    rating_label = verdict.rating.label.lower() if verdict.rating else ""
    return [
        CheckItem("A rating is chosen", verdict.rating_id is not None),
        CheckItem("A summary of the claim is written", bool(summary)),
        CheckItem(
            f"The summary fits ClaimReview ({SUMMARY_MAX} characters or fewer)",
            0 < len(summary) <= SUMMARY_MAX,
        ),
        CheckItem(
            "The summary states the claim, not the rating",
            bool(summary) and not (rating_label and summary.lower().startswith(rating_label + ":")),
        ),
        CheckItem("At least one citation", verdict.citations.exists()),
        CheckItem(
            "The ClaimReview markup passes Google's required fields", _claim_review_ok(verdict)
        ),
    ]


def _claim_review_ok(verdict: Verdict) -> bool:
    """Build the ClaimReview the approval would publish and check it."""
    from claims.reports.claimreview import claim_review, validate

    if verdict.rating_id is None or not verdict.summary.strip():
        return False
    return validate(claim_review(verdict)).ok


def _claim_dismissed(verdict: Verdict) -> bool:
    # Read the claim afresh: someone may have dismissed it since the verdict was loaded.
    status = Claim.objects.values_list("status", flat=True).get(pk=verdict.claim_id)
    return bool(status == Claim.Status.DISMISSED)


def verdict_submit(*, verdict: Verdict, actor: User, version: int | None = None) -> Verdict:
    """Send a verdict to the editors."""
    require(actor, Action.SUBMIT_VERDICT)
    if verdict.author_id != actor.pk:
        raise NotAllowed("Only the verdict's author can submit it.")
    if verdict.status not in EDITABLE:
        raise InvalidTransition(
            f"A {verdict.get_status_display().lower()} verdict cannot be submitted."
        )
    if _claim_dismissed(verdict):
        raise InvalidTransition("The claim was dismissed: reopen it before submitting.")
    missing = [item.label for item in verdict_checklist(verdict) if not item.ok]
    if missing:
        raise WorkflowError("Before submitting: " + "; ".join(missing) + ".")
    with transaction.atomic():
        before = verdict.status
        verdict = save_versioned(
            verdict, version=version, status=Verdict.Status.SUBMITTED, submitted_at=timezone.now()
        )
        VerdictRevision.objects.create(
            verdict=verdict, version=verdict.version, snapshot=snapshot(verdict), submitted_by=actor
        )
        record(
            action="verdict_submitted",
            actor=actor,
            verdict=verdict,
            from_state=before,
            to_state=verdict.status,
        )
    return verdict


def verdict_approve(*, verdict: Verdict, editor: User, version: int | None = None) -> Verdict:
    """Approve a submitted verdict; it becomes the claim's published verdict."""
    require(editor, Action.APPROVE_VERDICT)
    if verdict.author_id == editor.pk:
        raise NotAllowed("You cannot approve your own verdict: ask another editor.")
    if verdict.status != Verdict.Status.SUBMITTED:
        state = verdict.get_status_display().lower()
        raise InvalidTransition(f"Only a submitted verdict can be approved, not a {state} one.")
    if _claim_dismissed(verdict):
        raise InvalidTransition("The claim was dismissed: it cannot get a published verdict.")
    missing = [item.label for item in verdict_checklist(verdict) if not item.ok]
    if missing:
        raise WorkflowError("The checklist does not pass: " + "; ".join(missing) + ".")
    with transaction.atomic():
        try:
            with transaction.atomic():
                verdict = save_versioned(
                    verdict,
                    version=version,
                    status=Verdict.Status.APPROVED,
                    approver=editor,
                    approved_at=timezone.now(),
                    review_note="",
                )
        except IntegrityError:
            raise InvalidTransition("This claim already has an approved verdict.") from None
        record(
            action="verdict_approved",
            actor=editor,
            verdict=verdict,
            from_state=Verdict.Status.SUBMITTED,
            to_state=Verdict.Status.APPROVED,
        )
    return verdict


def verdict_request_changes(
    *, verdict: Verdict, editor: User, note: str, version: int | None = None
) -> Verdict:
    """Send a submitted verdict back to its author with a note they see on their next visit."""
    require(editor, Action.REQUEST_CHANGES)
    note = note.strip()
    if not note:
        raise WorkflowError("Say what needs to change: the note is required.")
    if verdict.status != Verdict.Status.SUBMITTED:
        raise InvalidTransition("Only a submitted verdict can be sent back.")
    with transaction.atomic():
        verdict = save_versioned(
            verdict, version=version, status=Verdict.Status.CHANGES_REQUESTED, review_note=note
        )
        record(
            action="verdict_changes_requested",
            actor=editor,
            verdict=verdict,
            from_state=Verdict.Status.SUBMITTED,
            to_state=verdict.status,
            note=note,
        )
    return verdict
