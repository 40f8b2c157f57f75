"""Triage: the queue of candidate claims, the claim panel, and the actions on a claim."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from claims import services
from claims.errors import VersionConflict, WorkflowError
from claims.filters import ClaimFilter
from claims.forms import ClaimEditForm, CommentForm
from claims.models import (
    OPEN_VERDICT_STATES,
    Article,
    Claim,
    HistoryEvent,
    Tag,
    Verdict,
)
from claims.pagination import BadCursor, keyset_page
from claims.permissions import Action, can_correct, require
from claims.selectors import (
    claim_context,
    claim_latest_changes,
    claim_queue,
    reviewers,
)
from claims.services.history import require_version

QUEUE_PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # login is required on every page


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def claim_queue_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require(user, Action.VIEW)
    people = list(reviewers())
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = Claim.Status.CANDIDATE  # the queue opens on what still needs triage
    filters = ClaimFilter(data, queryset=claim_queue(), request=request, people=people)
    # A bad value shows its error in the form and leaves the queue unfiltered.
    claims = filters.qs if filters.is_valid() else claim_queue()
    # Keyset pages: the last page costs what the first does, and a claim taken or dismissed
    # meanwhile does not shift the next page's rows (claims.pagination).
    try:
        page = keyset_page(claims, size=QUEUE_PAGE_SIZE, cursor=request.GET.get("cursor"))
    except BadCursor:  # an old or edited link: start again from the top
        page = keyset_page(claims, size=QUEUE_PAGE_SIZE, cursor=None)
    query = data.copy()
    query.pop("cursor", None)
    query.pop("page", None)
    context = {
        "form": filters.form,
        "page": page,
        "claims": page.rows,
        "cursor": request.GET.get("cursor", ""),
        "people": people,
        "query": query.urlencode(),
        "next_url": request.get_full_path(),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "claims/_queue_table.html", context)
    return render(request, "claims/queue.html", context)


@require_POST
def claim_queue_bulk(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    ids = [int(i) for i in request.POST.getlist("claim") if i.isdigit()]
    # Each row sends the version it shows, so a stale page cannot overrule newer decisions.
    versions = {
        pk: version
        for pk in ids
        if (version := _int(request.POST.get(f"version-{pk}"))) is not None
    }
    action = request.POST.get("action", "")
    try:
        if not ids:
            raise WorkflowError("Select at least one claim first.")
        if action in ("accept", "dismiss"):
            status = Claim.Status.ACCEPTED if action == "accept" else Claim.Status.DISMISSED
            changed = services.claims_bulk_set_status(
                claim_ids=ids, actor=user, status=status, versions=versions
            )
            messages.success(request, f"{changed} claim{'s' if changed != 1 else ''} {action}ed.")
        elif action == "assign":
            assignee_id = _int(request.POST.get("assignee"))
            assignee = get_object_or_404(User, pk=assignee_id) if assignee_id else None
            changed = services.claims_bulk_assign(
                claim_ids=ids, actor=user, assignee=assignee, versions=versions
            )
            who = assignee.get_username() if assignee else "nobody"
            messages.success(
                request, f"{changed} claim{'s' if changed != 1 else ''} assigned to {who}."
            )
        else:
            raise WorkflowError("Choose what to do with the selected claims.")
    except WorkflowError as exc:
        messages.error(request, exc.message)
    return _back(request, reverse("claim_queue"))


@dataclass(frozen=True)
class Undo:
    """The request that puts a row back as it was, offered after an action.

    It is an ordinary action on the same endpoint, sent with the version the action produced,
    so it goes through the same service and is refused if the claim changed meanwhile.
    """

    url: str
    values: dict[str, str]

    @property
    def vals_json(self) -> str:
        return json.dumps({**self.values, "undo": "1"})


def _is_undo(request: HttpRequest) -> bool:
    return request.POST.get("undo") == "1"


def _undo(request: HttpRequest, claim: Claim, url_name: str, **values: str) -> Undo | None:
    """Offer to undo what was just done, unless it was itself an undo."""
    if _is_undo(request):
        return None
    url = reverse(url_name, args=[claim.pk])
    return Undo(url=url, values={**values, "version": str(claim.version)})


def _done(request: HttpRequest, notice: str) -> str:
    """Say what an action did, and that it was an undo when it was one."""
    return f"Undone: {notice[0].lower()}{notice[1:]}" if _is_undo(request) else notice


STATUS_CHANGES: dict[str, str] = {
    Claim.Status.ACCEPTED.value: "accepted it",
    Claim.Status.DISMISSED.value: "dismissed it",
    Claim.Status.CANDIDATE.value: "put it back among the candidates",
}
EDITED_FIELDS = {"kind": "type", "claim_text": "text", "claimant_url": "claimant's URL"}


def _describe(event: HistoryEvent, viewer: User) -> str:
    who = event.actor.get_username() if event.actor else "the system"
    if event.actor_id == viewer.pk:
        who = "you"
    if event.action == "status":
        what = STATUS_CHANGES.get(event.to_state, f"set it to {event.to_state}")
    elif event.action == "assign":
        what = f"assigned it to {event.to_state}" if event.to_state else "unassigned it"
    elif event.action.startswith("edit_"):
        name = event.action.removeprefix("edit_")
        what = f"changed its {EDITED_FIELDS.get(name, name.replace('_', ' '))}"
    elif event.action == "merge":
        what = "merged the next claim into it"
    elif event.action == "split":
        what = "split it"
    else:
        what = event.action.replace("_", " ")
    return f"{who} {what} at {time_format(timezone.localtime(event.created_at), 'H:i')}"


def _conflict_row(
    request: HttpRequest, exc: VersionConflict, *, shown: int | None, typed: str = ""
) -> HttpResponse:
    """Answer a row action made on an old version: say what changed, show the row as it is."""
    current: Claim = exc.current
    missed = current.version - shown if shown is not None else 1
    changes = [_describe(e, _user(request)) for e in claim_latest_changes(current, limit=3)]
    what = "; ".join(changes[: max(1, missed)]) or f"it is now version {current.version}"
    shown_in = "row" if request.htmx else "page"  # type: ignore[attr-defined]
    message = (
        f"This claim changed after the page was loaded: {what}. "
        f"Nothing was done; the {shown_in} now shows the claim as it is."
    )
    if typed:
        message += " Your text is still in the editor."
    return _row_response(request, current, error=message, typed=typed)


def _row_response(
    request: HttpRequest,
    claim: Claim,
    *,
    error: str = "",
    notice: str = "",
    typed: str = "",
    undo: Undo | None = None,
) -> HttpResponse:
    """Answer an action from the queue: the row again for htmx, else back where we came from."""
    if request.htmx:  # type: ignore[attr-defined]
        claim = (
            Claim.objects.select_related("article", "assignee")
            .prefetch_related("tags")
            .filter(pk=claim.pk)
            .first()
            or claim
        )
        return render(
            request,
            "claims/_queue_row.html",
            {
                "claim": claim,
                "row_error": error,
                "row_notice": notice,
                "typed": typed,
                "undo": undo,
                "people": reviewers(),
                "next_url": request.POST.get("next", ""),
            },
        )
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return _back(request, claim.get_absolute_url())


@require_POST
def claim_set_status(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    action = request.POST.get("status", "")
    version = _int(request.POST.get("version"))
    handlers = {
        Claim.Status.ACCEPTED: services.claim_accept,
        Claim.Status.DISMISSED: services.claim_dismiss,
        Claim.Status.CANDIDATE: services.claim_reopen,
    }
    before = claim.status
    try:
        # A stale row is answered first with what changed, before any other refusal.
        require_version(claim, version=version)
        handler = handlers.get(action)  # type: ignore[call-overload]
        if handler is None:
            raise WorkflowError("Unknown action.")
        claim = handler(claim=claim, actor=_user(request), version=version)
    except VersionConflict as exc:
        return _conflict_row(request, exc, shown=version)
    except WorkflowError as exc:
        return _row_response(request, claim, error=exc.message)
    notice = f"Claim {claim.get_status_display().lower()}."
    if claim.status == Claim.Status.CANDIDATE:
        notice = "Claim back among the candidates."
    changed = claim.status != before
    undo = _undo(request, claim, "claim_set_status", status=before) if changed else None
    return _row_response(request, claim, notice=_done(request, notice), undo=undo)


@require_POST
def claim_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    user = _user(request)
    version = _int(request.POST.get("version"))
    before = claim.assignee_id
    try:
        require_version(claim, version=version)
        if request.POST.get("take"):
            claim = services.claim_take(claim=claim, actor=user, version=version)
        else:
            assignee_id = _int(request.POST.get("assignee"))
            assignee = get_object_or_404(User, pk=assignee_id) if assignee_id else None
            claim = services.claim_assign(
                claim=claim, actor=user, assignee=assignee, version=version
            )
    except VersionConflict as exc:
        return _conflict_row(request, exc, shown=version)
    except WorkflowError as exc:
        return _row_response(request, claim, error=exc.message)
    who = claim.assignee.get_username() if claim.assignee else "nobody"
    changed = claim.assignee_id != before
    undo = _undo(request, claim, "claim_assign", assignee=str(before or "")) if changed else None
    return _row_response(request, claim, notice=_done(request, f"Assigned to {who}."), undo=undo)


@require_POST
def claim_quick_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the claim text from the queue (the `e` key)."""
    claim = get_object_or_404(Claim, pk=pk)
    version = _int(request.POST.get("version"))
    before = claim.claim_text
    try:
        require_version(claim, version=version)
        claim = services.claim_edit(
            claim=claim,
            actor=_user(request),
            version=version,
            claim_text=request.POST.get("claim_text", ""),
        )
    except VersionConflict as exc:
        # Keep what was typed in the editor, next to the newer text it did not overwrite.
        typed = request.POST.get("claim_text", "")
        return _conflict_row(request, exc, shown=version, typed=typed)
    except WorkflowError as exc:
        return _row_response(request, claim, error=exc.message)
    changed = claim.claim_text != before
    undo = _undo(request, claim, "claim_quick_edit", claim_text=before) if changed else None
    return _row_response(request, claim, notice=_done(request, "Claim text saved."), undo=undo)


@require_POST
def claim_split_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.select_related("article"), pk=pk)
    at = _int(request.POST.get("at"))
    version = _int(request.POST.get("version"))
    try:
        require_version(claim, version=version)
        if at is None:
            raise WorkflowError("Choose where to split the claim.")
        parts = services.claim_split(
            claim=claim, actor=_user(request), at=claim.start + at, version=version
        )
    except VersionConflict as exc:
        return _conflict_row(request, exc, shown=version)
    except WorkflowError as exc:
        return _row_response(request, claim, error=exc.message)
    if request.htmx:  # type: ignore[attr-defined]
        rows = [_row_response(request, part).content.decode() for part in parts]
        return HttpResponse("".join(rows))
    messages.success(request, "Claim split in two.")
    return _back(request, parts[0].get_absolute_url())


@require_POST
def claim_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.select_related("article"), pk=pk)
    version = _int(request.POST.get("version"))
    try:
        require_version(claim, version=version)
        claim = services.claim_merge(claim=claim, actor=_user(request), version=version)
    except VersionConflict as exc:
        return _conflict_row(request, exc, shown=version)
    except WorkflowError as exc:
        return _row_response(request, claim, error=exc.message)
    response = _row_response(request, claim, notice="Merged with the next claim.")
    if request.htmx:  # type: ignore[attr-defined]
        # The merged-away row is somewhere else in the queue: reload the table in place.
        response["HX-Trigger"] = "queue-changed"
    return response


@require_POST
def claim_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a claim from text a reviewer selected in the article."""
    article = get_object_or_404(Article, pk=pk)
    start, end = _int(request.POST.get("start")), _int(request.POST.get("end"))
    try:
        if start is None or end is None:
            raise WorkflowError("Select the words of the claim in the article first.")
        claim = services.claim_create(
            article=article,
            actor=_user(request),
            start=start,
            end=end,
            quote=request.POST.get("quote"),
        )
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect(article)
    messages.success(request, "Claim added.")
    return redirect("claim_detail", pk=claim.pk)


def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    require(user, Action.VIEW)
    claim = get_object_or_404(
        Claim.objects.select_related("article", "assignee").prefetch_related("tags"), pk=pk
    )
    return _render_claim(request, claim, edit_form=_claim_form(claim))


def _claim_form(claim: Claim) -> ClaimEditForm:
    return ClaimEditForm(
        initial={
            "version": claim.version,
            "claim_text": claim.claim_text,
            "kind": claim.kind,
            "tags": ", ".join(t.name for t in claim.tags.all()),
            "claimant": claim.claimant,
            # Blank stays blank ("Choose…"): saving a tag must not decide who made the claim.
            "claimant_type": claim.claimant_type,
            "claimant_url": claim.claimant_url,
            "claim_date": claim.claim_date,
        }
    )


def _render_claim(
    request: HttpRequest,
    claim: Claim,
    *,
    edit_form: ClaimEditForm,
    comment_form: CommentForm | None = None,
    conflict: Claim | None = None,
    status: int = 200,
) -> HttpResponse:
    verdicts = list(
        claim.verdicts.select_related("rating", "author", "approver").prefetch_related("citations")
    )
    before, quote, after = claim_context(claim)
    context: dict[str, Any] = {
        "claim": claim,
        "article": claim.article,
        "before": before,
        "quote": quote,
        "after": after,
        "edit_form": edit_form,
        "comment_form": comment_form or CommentForm(),
        "comments": list(claim.comments.select_related("author")),
        "history": list(
            HistoryEvent.objects.filter(claim=claim)
            .select_related("actor")
            .order_by("-created_at", "-id")
        ),
        "verdict": next((v for v in verdicts if v.status in OPEN_VERDICT_STATES), None),
        "approved": next((v for v in verdicts if v.status == Verdict.Status.APPROVED), None),
        "superseded": [v for v in verdicts if v.status == Verdict.Status.SUPERSEDED],
        "can_correct": any(
            v.status == Verdict.Status.APPROVED and can_correct(request.user, v) for v in verdicts
        ),
        "people": list(reviewers()),
        "tag_suggestions": list(Tag.objects.values_list("name", flat=True)[:200]),
        "conflict": conflict,
    }
    return render(request, "claims/claim_detail.html", context, status=status)


@require_POST
def claim_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(
        Claim.objects.select_related("article", "assignee").prefetch_related("tags"), pk=pk
    )
    form = ClaimEditForm(request.POST)
    if not form.is_valid():
        return _render_claim(request, claim, edit_form=form, status=400)
    try:
        services.claim_edit(
            claim=claim,
            actor=_user(request),
            version=form.cleaned_data["version"],
            claim_text=form.cleaned_data["claim_text"],
            kind=form.cleaned_data["kind"],
            tags=form.tag_list(),
            claimant=form.cleaned_data["claimant"],
            claimant_type=form.cleaned_data["claimant_type"],
            claimant_url=form.cleaned_data["claimant_url"],
            claim_date=form.cleaned_data["claim_date"],
        )
    except VersionConflict as exc:
        # Keep what this person typed, show what the other person saved, and let them choose.
        data = request.POST.copy()
        data["version"] = str(exc.current.version)
        return _render_claim(
            request, claim, edit_form=ClaimEditForm(data), conflict=exc.current, status=409
        )
    except WorkflowError as exc:
        form.add_error(None, exc.message)
        return _render_claim(request, claim, edit_form=form, status=400)
    messages.success(request, "Claim saved.")
    return redirect("claim_detail", pk=claim.pk)


@require_POST
def comment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(
        Claim.objects.select_related("article", "assignee").prefetch_related("tags"), pk=pk
    )
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(claim=claim, actor=_user(request), body=form.cleaned_data["body"])
        except WorkflowError as exc:
            form.add_error("body", exc.message)
        else:
            return redirect(reverse("claim_detail", args=[claim.pk]) + "#comments")
    return _render_claim(
        request, claim, edit_form=_claim_form(claim), comment_form=form, status=400
    )
