"""Verdicts: drafts with citations, submission, approval and requests for changes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any
from urllib.parse import urlparse

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from claims.errors import InvalidTransition, NotAllowed, VersionConflict, WorkflowError
from claims.models import (
    OPEN_VERDICT_STATES,
    Citation,
    Claim,
    EditorialChecklist,
    Rating,
    Verdict,
    VerdictRevision,
)
from claims.permissions import Action, can_correct, require
from claims.services.history import record, save_versioned
from claims.validators import is_web_url

SUMMARY_MAX = 75  # ClaimReview's claimReviewed is cut at 75 characters by Google


@dataclass(frozen=True)
class CitationInput:
    url: str = ""
    title: str = ""
    publisher: str = ""
    quote: str = ""
    archived_url: str = ""
    accessed_at: date | None = None
    stance: str = Citation.Stance.CONTEXT
    is_primary: bool = False

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> CitationInput:
        """Build a citation from a form's or a serializer's cleaned data."""
        return cls(
            url=(data.get("url") or "").strip(),
            title=(data.get("title") or "").strip(),
            publisher=(data.get("publisher") or "").strip(),
            quote=data.get("quote") or "",
            archived_url=(data.get("archived_url") or "").strip(),
            accessed_at=data.get("accessed_at"),
            stance=data.get("stance") or Citation.Stance.CONTEXT,
            is_primary=bool(data.get("is_primary")),
        )

    def is_blank(self) -> bool:
        """True for an untouched row of the form: nothing typed but the default stance."""
        return not any(
            (self.url, self.title, self.publisher, self.quote, self.archived_url, self.accessed_at)
        )


CITATION_FIELDS = [f.name for f in fields(CitationInput)]


@dataclass(frozen=True)
class VerdictInput:
    rating_id: int | None = None
    summary: str = ""
    rationale: str = ""
    citations: list[CitationInput] = field(default_factory=list)
    correction_note: str = ""

    @classmethod
    def from_data(cls, data: Mapping[str, Any], *, base: Verdict | None = None) -> VerdictInput:
        """Build the whole verdict from the web form's or the API's cleaned data.

        Fields the data does not carry keep `base`'s values, so a partial API update and the
        full form go through one definition.
        """

        def kept(name: str, default: Any) -> Any:
            if name in data:
                return data[name]
            return getattr(base, name) if base is not None else default

        if "rating" in data:
            rating = data["rating"]
            rating_id = rating.pk if isinstance(rating, Rating) else rating
        else:
            rating_id = base.rating_id if base is not None else None
        if "citations" in data:
            raw = list(data["citations"] or [])
        elif base is not None:
            raw = list(base.citations.values(*CITATION_FIELDS))
        else:
            raw = []
        citations = [CitationInput.from_data(c) for c in raw if c and not c.get("DELETE")]
        return cls(
            rating_id=rating_id,
            summary=kept("summary", "") or "",
            rationale=kept("rationale", "") or "",
            citations=[c for c in citations if not c.is_blank()],
            correction_note=kept("correction_note", "") or "",
        )


@dataclass(frozen=True)
class Problem:
    """One thing to fix, and where: a verdict field, `citations.<n>.<field>`, or the claim."""

    field: str
    message: str


@dataclass(frozen=True)
class CheckItem:
    label: str
    ok: bool
    # A warning is shown to the editor but does not block submission or approval.
    warning: bool = False
    problems: tuple[Problem, ...] = ()


def _validate(data: VerdictInput) -> dict[str, list[str]]:
    """Return what makes the input unstorable; what is merely missing is the checklist's job."""
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
            if value and not is_web_url(value):
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


class VerdictIncomplete(VerdictInvalid):
    """The checklist does not pass: every problem is listed, each with the field it is about."""

    def __init__(self, items: list[CheckItem]) -> None:
        errors: dict[str, list[str]] = {}
        for item in items:
            for problem in item.problems or (Problem("non_field_errors", item.label),):
                errors.setdefault(problem.field, []).append(problem.message or item.label)
        WorkflowError.__init__(
            self, "Before this can go ahead: " + "; ".join(i.label for i in items) + "."
        )
        self.errors = errors
        self.items = items


def snapshot(verdict: Verdict) -> dict[str, object]:
    """Return what the verdict says, in a form that can be stored and compared."""
    return {
        "rating": verdict.rating.label if verdict.rating else "",
        "summary": verdict.summary,
        "rationale": verdict.rationale,
        "correction_note": verdict.correction_note,
        "citations": [
            {
                "url": c.url,
                "title": c.title,
                "publisher": c.publisher,
                "quote": c.quote,
                "archived_url": c.archived_url,
                "accessed_at": c.accessed_at.isoformat() if c.accessed_at else "",
                "stance": c.stance,
                "is_primary": c.is_primary,
            }
            for c in verdict.citations.all()
        ],
    }


def _open_verdict(claim: Claim) -> Verdict | None:
    return Verdict.objects.open().filter(claim=claim).select_related("author").first()


def verdict_save_draft(
    *,
    claim: Claim,
    author: User,
    data: VerdictInput,
    verdict: Verdict | None = None,
    version: int | None = None,
    opened: int | None = None,
) -> Verdict:
    """Create the draft verdict on a claim, or update `verdict` at `version`.

    A screen passes `opened`, the id of the verdict it was opened on (None: there was none),
    and the claim's open verdict is looked up here: a page opened on one verdict never writes
    to another (a correction opened since, say). A draft may be incomplete; only what cannot be
    stored is refused. Creating a verdict someone created meanwhile is a conflict that carries
    theirs, never an overwrite.
    """
    require(author, Action.WRITE_VERDICT)
    if verdict is None and opened is not None:
        current = _open_verdict(claim)
        if current is None or current.pk != opened:
            raise InvalidTransition(
                "The verdict this page was opened on is no longer the one being written "
                "(it was submitted, published or replaced since). Nothing was saved; your text "
                "is still in the form: reload to see the verdict as it is now."
            )
        verdict = current
    errors = _validate(data)
    if errors:
        raise VerdictInvalid(errors)
    values = {
        "rating_id": data.rating_id,
        "summary": data.summary.strip(),
        "rationale": data.rationale,
        "correction_note": data.correction_note.strip(),
    }
    with transaction.atomic():
        if verdict is None:
            verdict = _verdict_create(claim=claim, author=author, values=values)
        else:
            if verdict.author_id != author.pk:
                raise NotAllowed("Only the verdict's author can edit it.")
            if not verdict.is_editable():
                raise InvalidTransition(
                    f"This verdict is {verdict.get_status_display().lower()} and cannot be "
                    "edited now."
                )
            verdict = save_versioned(verdict, version=version, **values)
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


def _started_meanwhile(current: Verdict, user: User) -> VersionConflict:
    who = "You" if current.author_id == user.pk else current.author.get_username()
    where = " in another tab" if current.author_id == user.pk else ""
    return VersionConflict(
        f"{who} started the verdict on this claim{where} after you opened this page. Nothing "
        "was overwritten: both texts are shown below.",
        current=current,
    )


def _verdict_create(*, claim: Claim, author: User, values: dict[str, Any]) -> Verdict:
    if claim.status == Claim.Status.DISMISSED:
        raise InvalidTransition("Reopen or accept the claim before writing a verdict.")
    current = _open_verdict(claim)
    if current is not None:
        raise _started_meanwhile(current, author)
    if Verdict.objects.published().filter(claim=claim).exists():
        raise InvalidTransition(
            "This claim has a published verdict: open a correction on it to change it."
        )
    try:
        with transaction.atomic():
            verdict = Verdict.objects.create(claim=claim, author=author, **values)
    except IntegrityError:
        # Created between the check above and this insert.
        current = _open_verdict(claim)
        if current is None:
            raise
        raise _started_meanwhile(current, author) from None
    record(action="verdict_created", actor=author, verdict=verdict, to_state="draft")
    return verdict


def verdict_correction_open(*, verdict: Verdict, actor: User, note: str = "") -> Verdict:
    """Start a correction of a published verdict: a draft copy that replaces it once approved.

    The published verdict stays public, unchanged, until an editor approves the correction.
    """
    if not can_correct(actor, verdict):
        raise NotAllowed("Only the verdict's author or an editor can correct it.")
    if verdict.status != Verdict.Status.APPROVED:
        raise InvalidTransition("Only the published verdict of a claim can be corrected.")
    with transaction.atomic():
        current = _open_verdict(verdict.claim)
        if current is not None:
            raise InvalidTransition(
                f"{current.author.get_username()} already has a "
                f"{'correction' if current.is_correction else 'verdict'} open on this claim."
            )
        try:
            with transaction.atomic():
                correction = Verdict.objects.create(
                    claim=verdict.claim,
                    author=actor,
                    rating_id=verdict.rating_id,
                    summary=verdict.summary,
                    rationale=verdict.rationale,
                    corrects=verdict,
                    original_id=verdict.public_id,
                    correction_note=note.strip(),
                )
        except IntegrityError:
            raise InvalidTransition("Someone opened a correction on this claim just now.") from None
        Citation.objects.bulk_create(
            Citation(
                verdict=correction,
                **{name: getattr(c, name) for name in CITATION_FIELDS},
            )
            for c in verdict.citations.all()
        )
        record(
            action="verdict_correction_opened",
            actor=actor,
            verdict=verdict,
            note=f"correction #{correction.pk}" + (f": {note.strip()}" if note.strip() else ""),
        )
        record(action="verdict_created", actor=actor, verdict=correction, to_state="draft")
    return correction


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


_ARCHIVE_HOSTS = ("web.archive.org", "archive.org", "archive.ph", "archive.today", "archive.is")


def _is_archive(url: str) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in _ARCHIVE_HOSTS)


def _item(label: str, problems: list[Problem], *, warning: bool = False) -> CheckItem:
    return CheckItem(label, not problems, warning=warning, problems=tuple(problems))


def verdict_checklist(verdict: Verdict) -> list[CheckItem]:
    """Return what must hold before a verdict is submitted and approved, field by field.

    The editorial items come from the admins' EditorialChecklist, not from code.
    """
    rules = EditorialChecklist.load()
    claim, article = verdict.claim, verdict.claim.article
    citations = list(verdict.citations.all())
    summary = verdict.summary.strip()
    rating_label = verdict.rating.label.lower() if verdict.rating else ""
    items = [
        _item(
            "A rating is chosen",
            [] if verdict.rating_id else [Problem("rating", "Choose a rating.")],
        ),
        _item(
            "A summary of the claim is written",
            [] if summary else [Problem("summary", "Write the claim in a short summary.")],
        ),
        _item(
            f"The summary fits ClaimReview ({SUMMARY_MAX} characters or fewer)",
            []
            if len(summary) <= SUMMARY_MAX
            else [Problem("summary", f"Keep the summary to {SUMMARY_MAX} characters.")],
        ),
        _item(
            "The summary states the claim, not the rating",
            []
            if not (rating_label and summary.lower().startswith(rating_label + ":"))
            else [Problem("summary", "State the claim; the rating is shown beside it.")],
        ),
    ]
    words = _words(verdict.rationale)
    items.append(
        _item(
            f"The rationale explains the check ({rules.min_rationale_words} words or more)",
            []
            if words >= rules.min_rationale_words
            else [
                Problem(
                    "rationale",
                    f"The rationale has {words} word{'s' if words != 1 else ''}; write at "
                    f"least {rules.min_rationale_words}: how you checked and what you found.",
                )
            ],
        )
    )
    items.append(
        _item(
            "At least one citation",
            [] if citations else [Problem("citations", "Add the sources you checked against.")],
        )
    )
    items.append(
        _item(
            "Every citation has a URL",
            [
                Problem(f"citations.{i}.url", f"Citation {i + 1} needs its URL.")
                for i, c in enumerate(citations)
                if not c.url
            ],
        )
    )
    if rules.require_citation_details:
        details: list[Problem] = []
        for i, c in enumerate(citations):
            if not c.title.strip():
                details.append(Problem(f"citations.{i}.title", f"Citation {i + 1} needs a title."))
            if not c.publisher.strip():
                details.append(
                    Problem(f"citations.{i}.publisher", f"Citation {i + 1} needs its publisher.")
                )
        items.append(_item("Every citation has a title and a publisher", details))
    if rules.require_primary_source:
        items.append(
            _item(
                "At least one primary source",
                []
                if any(c.is_primary for c in citations) or not citations
                else [
                    Problem(
                        "citations",
                        "Mark at least one citation as a primary source (the data, document "
                        "or person the claim is about).",
                    )
                ],
            )
        )
    if rules.require_archived_url:
        items.append(
            _item(
                "Every web source has an archived copy",
                [
                    Problem(
                        f"citations.{i}.archived_url",
                        f"Citation {i + 1} needs an archived copy (web.archive.org, archive.ph).",
                    )
                    for i, c in enumerate(citations)
                    if c.url and not c.archived_url and not _is_archive(c.url)
                ],
            )
        )
    if rules.require_claimant:
        items.append(
            _item(
                "Who made the claim is recorded",
                []
                if claim.claimant.strip() and claim.claimant_type
                else [
                    Problem(
                        "claim.claimant",
                        "Record on the claim page who made the claim, and whether a person or "
                        "an organisation.",
                    )
                ],
            )
        )
    items.append(
        _item(
            "The article's public address is recorded",
            []
            if article.source_url
            else [
                Problem(
                    "article.source_url",
                    "Add the article's public URL on the article page: the published review "
                    "links to where the claim appeared.",
                )
            ],
        )
    )
    if verdict.is_correction:
        items.append(
            _item(
                "The correction says what changed and why",
                []
                if verdict.correction_note.strip()
                else [Problem("correction_note", "Say what changed and why: it is published.")],
            )
        )
    items.append(
        _item(
            "The ClaimReview markup passes Google's required fields",
            [
                Problem("non_field_errors", f"ClaimReview: {e}.")
                for e in _claim_review_errors(verdict)
            ],
        )
    )
    if rules.warn_stance_contradiction:
        items.append(_stance_check(verdict, citations))
    return items


def _stance_check(verdict: Verdict, citations: list[Citation]) -> CheckItem:
    """Warn when a rating at one end of the scale rests only on sources pointing the other way."""
    from claims.reports.claimreview import rating_bounds

    label = "The rating agrees with the citations' stances"
    rating = verdict.rating
    stances = {c.stance for c in citations}
    if rating is None or rating.value <= 0 or not stances:
        return _item(label, [], warning=True)
    worst, best = rating_bounds()
    middle = (worst + best) / 2
    message = ""
    if rating.value < middle and stances == {Citation.Stance.SUPPORTS}:
        message = f"Rated “{rating.label}”, but every citation supports the claim."
    elif rating.value > middle and stances == {Citation.Stance.REFUTES}:
        message = f"Rated “{rating.label}”, but every citation refutes the claim."
    return _item(label, [Problem("rating", message)] if message else [], warning=True)


def blocking(items: list[CheckItem]) -> list[CheckItem]:
    """Return the items that stop a verdict going ahead (warnings do not)."""
    return [item for item in items if not item.ok and not item.warning]


def _claim_review_errors(verdict: Verdict) -> list[str]:
    """Build the ClaimReview the approval would publish and return what Google would refuse."""
    from claims.reports.claimreview import claim_review, validate

    if verdict.rating_id is None or not verdict.summary.strip():
        return []  # already reported by the rating and summary items
    return validate(claim_review(verdict)).errors


def _claim_dismissed(verdict: Verdict) -> bool:
    # Read the claim afresh: someone may have dismissed it since the verdict was loaded.
    status = Claim.objects.values_list("status", flat=True).get(pk=verdict.claim_id)
    return bool(status == Claim.Status.DISMISSED)


def verdict_submit(*, verdict: Verdict, actor: User, version: int | None = None) -> Verdict:
    """Send a verdict to the editors; every checklist problem is reported at once."""
    require(actor, Action.SUBMIT_VERDICT)
    if verdict.author_id != actor.pk:
        raise NotAllowed("Only the verdict's author can submit it.")
    if not verdict.is_editable():
        raise InvalidTransition(
            f"This verdict is {verdict.get_status_display().lower()} and cannot be submitted."
        )
    if _claim_dismissed(verdict):
        raise InvalidTransition("The claim was dismissed: reopen it before submitting.")
    missing = blocking(verdict_checklist(verdict))
    if missing:
        raise VerdictIncomplete(missing)
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
    """Approve a submitted verdict; it becomes the claim's published verdict.

    Approving a correction retires the verdict it corrects in the same transaction, so the
    public page never shows two verdicts or none.
    """
    require(editor, Action.APPROVE_VERDICT)
    if verdict.author_id == editor.pk:
        raise NotAllowed("You cannot approve your own verdict: ask another editor.")
    if verdict.status != Verdict.Status.SUBMITTED:
        state = verdict.get_status_display().lower()
        raise InvalidTransition(
            f"This verdict is {state}: only a submitted verdict can be approved."
        )
    if _claim_dismissed(verdict):
        raise InvalidTransition("The claim was dismissed: it cannot get a published verdict.")
    missing = blocking(verdict_checklist(verdict))
    if missing:
        raise VerdictIncomplete(missing)
    now = timezone.now()
    with transaction.atomic():
        if verdict.corrects_id is not None:
            retired = Verdict.objects.filter(
                pk=verdict.corrects_id, status=Verdict.Status.APPROVED
            ).update(
                status=Verdict.Status.SUPERSEDED,
                superseded_at=now,
                version=F("version") + 1,
                updated_at=now,
            )
            if retired != 1:
                raise InvalidTransition("The verdict this corrects is no longer the published one.")
        try:
            with transaction.atomic():
                verdict = save_versioned(
                    verdict,
                    version=version,
                    status=Verdict.Status.APPROVED,
                    approver=editor,
                    approved_at=now,
                    review_note="",
                    # What the public sees of the claim from now on, until a correction.
                    published_claim=verdict.claim.public_record().as_json(),
                )
        except IntegrityError:
            raise InvalidTransition("This claim already has an approved verdict.") from None
        if verdict.corrects is not None:
            record(
                action="verdict_superseded",
                actor=editor,
                verdict=verdict.corrects,
                from_state=Verdict.Status.APPROVED,
                to_state=Verdict.Status.SUPERSEDED,
                note=verdict.correction_note,
            )
        record(
            action="verdict_corrected" if verdict.is_correction else "verdict_approved",
            actor=editor,
            verdict=verdict,
            from_state=Verdict.Status.SUBMITTED,
            to_state=Verdict.Status.APPROVED,
            note=verdict.correction_note if verdict.is_correction else "",
        )
    return verdict


def verdict_correction_withdraw(
    *, verdict: Verdict, actor: User, version: int | None = None
) -> Verdict:
    """Take back an unpublished correction; the published verdict stays as it is.

    The correction is kept (status withdrawn) with its text, so nothing typed is lost, and the
    claim is free for another correction.
    """
    if not verdict.is_correction:
        raise InvalidTransition("Only a correction can be withdrawn.")
    if not can_correct(actor, verdict):
        raise NotAllowed("Only the correction's author or an editor can withdraw it.")
    if verdict.status not in OPEN_VERDICT_STATES:
        raise InvalidTransition(
            f"This correction is {verdict.get_status_display().lower()}: it cannot be withdrawn."
        )
    with transaction.atomic():
        before = verdict.status
        verdict = save_versioned(verdict, version=version, status=Verdict.Status.WITHDRAWN)
        record(
            action="verdict_correction_withdrawn",
            actor=actor,
            verdict=verdict,
            from_state=before,
            to_state=verdict.status,
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
