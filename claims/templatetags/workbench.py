"""Template helpers: Markdown rendered safely, and role checks for showing controls."""

from __future__ import annotations

import functools

import markdown as markdown_lib
import nh3
from django import template
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from claims.models import Claim
from claims.permissions import Action, can
from claims.selectors import TextPiece

register = template.Library()

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


@register.filter
def markdown(text: str) -> SafeString:
    """Render a reviewer's Markdown; anything outside a small set of tags is dropped."""
    html = markdown_lib.markdown(text or "", extensions=["tables"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


@register.filter
def may(user: AbstractBaseUser | AnonymousUser, action: str) -> bool:
    return can(user, Action(action))


# The article page of a long article: its text cut at every claim (3,000 runs for 1,500
# claims) and a card per claim. Looping over them in the template language cost 0.63 s of
# CPU a page at 1,500 claims; built here, with the claim URL reversed once, it is a few
# milliseconds. The markup is the one the template wrote (tests compare the two).
_CLAIM_URL_ID = 987654321


_STATUS = dict(Claim.Status.choices)
_KIND = dict(Claim.Kind.choices)


def _url_patterns(names: tuple[str, ...]) -> dict[str, str]:
    """Each claim URL reversed once, with "{}" where the claim's id goes."""
    return {
        name: reverse(name, args=[_CLAIM_URL_ID]).replace(str(_CLAIM_URL_ID), "{}")
        for name in names
    }


def _claim_url_pattern() -> str:
    return _url_patterns(("claim_detail",))["claim_detail"]


@functools.lru_cache(maxsize=2048)
def _score(score: float) -> str:
    # floatformat rounds half up from the decimal text (0.125 shows 0.13): kept, and memoised,
    # as scores take about a thousand distinct values.
    return str(floatformat(score, 2))


def _title(claim: Claim) -> str:
    status = _STATUS.get(claim.status, claim.status)
    return f"{status} · {_KIND.get(claim.kind, claim.kind)} · score {_score(claim.score)}"


@register.simple_tag
def article_text(pieces: list[TextPiece]) -> SafeString:
    """The article's text, each claim's words a link to it, nested claims marked."""
    url = _claim_url_pattern()
    out: list[str] = []
    for piece in pieces:
        text = escape(piece.text)
        claim = piece.claim
        if claim is None:
            out.append(text)
            continue
        classes = f"hl hl-{escape(claim.status)}"
        if claim.checkworthy:
            classes += " hl-worthy"
        if piece.layers > 1:
            classes += " hl-nested"
        anchor = f' id="span-{claim.pk}"' if piece.anchor else ""
        out.append(
            f'<a class="{classes}"{anchor} href="{url.format(claim.pk)}" data-claim="{claim.pk}"'
            f' title="{escape(_title(claim))}">{text}</a>'
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def _attach_summaries(claims: list[Claim]) -> None:
    """The page's match badges in one call (a few queries), not a few per claim."""
    from claims.services.matching import attach_summaries

    missing = [c for c in claims if not hasattr(c, "match_summary")]
    if missing:
        attach_summaries(missing)


def _match_badge(claim: Claim) -> str:
    """ "Checked before" with the earlier rating, else how many articles say the same, and a
    conflicting-figures flag; nothing when the claim has no match."""
    from claims.services.matching import summary_of

    summary = summary_of(claim)
    url = _claim_url_pattern().format(claim.pk)
    out = []
    if summary.checked is not None:
        rating = summary.checked.rating.label if summary.checked.rating else "unrated"
        out.append(
            f'<a class="match-badge checked" href="{url}#matches">'
            f"Checked before: {escape(rating)}</a>"
        )
    elif summary.matches:
        n = summary.articles
        out.append(
            f'<a class="match-badge" href="{url}#matches">'
            f"Similar in {n} other article{'' if n == 1 else 's'}</a>"
        )
    if summary.conflicts:
        out.append(f'<a class="match-badge conflict" href="{url}#matches">Conflicting figures</a>')
    return " ".join(out)


@register.simple_tag
def claim_cards(claims: list[Claim]) -> SafeString:
    """One card per candidate claim: score, type, status, the claim and its reasons."""
    url = _claim_url_pattern()
    _attach_summaries(claims)
    out: list[str] = []
    for claim in claims:
        reasons = ""
        if claim.reasons:
            items = "".join(f"<li>{escape(reason)}</li>" for reason in claim.reasons)
            reasons = f'\n        <ul class="reasons">{items}</ul>'
        out.append(
            f'\n      <section class="claim-card{" worthy" if claim.checkworthy else ""}"'
            f' id="claim-{claim.pk}">\n'
            '        <div class="claim-head">\n'
            '          <span class="score" title="Check-worthiness score">'
            f"{_score(claim.score)}</span>\n"
            f'          <span class="kind kind-{escape(claim.kind)}">'
            f"{escape(_KIND.get(claim.kind, claim.kind))}</span>\n"
            '          <span class="claim-status">'
            f"{escape(_STATUS.get(claim.status, claim.status))}</span>\n"
            + (f"          {badge}\n" if (badge := _match_badge(claim)) else "")
            + "        </div>\n"
            f'        <p class="claim-text"><a href="{url.format(claim.pk)}">'
            f"{escape(claim.claim_text)}</a></p>{reasons}\n"
            "      </section>\n      "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


# The triage queue's row: 1.8 ms each in the template language (seven URLs, two choice
# labels, localised numbers), 90 of the queue page's 110 ms of CPU for 50 rows. One
# definition serves the page and the row an action sends back; the markup is the one the
# template wrote (compared byte for byte with it when this was written).
_ROW_URLS = (
    "claim_detail",
    "claim_set_status",
    "claim_assign",
    "claim_merge",
    "claim_quick_edit",
    "claim_split",
)


def _queue_row(claim: Claim, context: template.Context, urls: dict[str, str]) -> str:
    e = escape
    pk, version, status = claim.pk, claim.version, e(claim.status)
    request = context.get("request")
    user_pk = getattr(getattr(request, "user", None), "pk", None)
    typed = context.get("typed") or ""
    next_url = e(context.get("next_url") or "")
    row_error, row_notice, undo = (
        context.get("row_error"),
        context.get("row_notice"),
        context.get("undo"),
    )
    tags = "".join(f' <span class="tag">{e(tag.name)}</span>' for tag in claim.tags.all())
    if row_error:
        message = f'<p class="error" role="alert">{e(row_error)}</p>'
    elif row_notice:
        button = (
            f' <button type="button" class="inline-button" hx-post="{e(undo.url)}"'
            f' hx-vals="{e(undo.vals_json)}" hx-target="closest tr" hx-swap="outerHTML"'
            " data-undo>Undo</button>"
            if undo
            else ""
        )
        message = f'<p class="row-notice" role="status">{e(row_notice)}{button}</p>'
    else:
        message = ""
    assignee = e(claim.assignee.get_username()) if claim.assignee is not None else ""
    take_hidden = claim.assignee_id == user_pk or (
        claim.assignee_id and not context.get("is_editor")
    )

    badge = _match_badge(claim)
    badge = f" {badge}" if badge else ""

    def status_button(value: str, key: str, label: str) -> str:
        return (
            f'    <button type="button" class="small-button"'
            f' hx-post="{urls["claim_set_status"].format(pk)}"'
            f' hx-vals=\'{{"status": "{value}", "version": "{version}",'
            f' "next": "{next_url}"}}\' hx-target="closest tr" hx-swap="outerHTML"'
            f' data-key="{key}" {"hidden" if claim.status == value else ""}>{label}</button>\n'
        )

    return (
        f'<tr class="queue-row status-row-{status}" id="row-{pk}" data-claim="{pk}"'
        f' data-version="{version}" tabindex="-1">\n'
        f'  <td><input type="checkbox" name="claim" value="{pk}" aria-label="Select claim {pk}">'
        f'<input type="hidden" name="version-{pk}" value="{version}"></td>\n'
        f'  <td class="num"><span class="score">{_score(claim.score)}</span></td>\n'
        '  <td class="claim-cell">\n'
        f'    <a class="claim-link" href="{urls["claim_detail"].format(pk)}">'
        f"{e(claim.claim_text)}</a>\n"
        f'    <div class="muted small">{e(Truncator(claim.article.title).chars(80))}{tags}'
        f"{badge}</div>\n"
        f'    <div class="quick-edit"{"" if typed else " hidden"}>\n'
        f'      <label for="edit-{pk}" class="sr-only">Claim text</label>\n'
        f'      <textarea id="edit-{pk}" rows="2" data-edit>{e(typed or claim.claim_text)}'
        "</textarea>\n"
        '      <p class="help">Enter saves, Esc cancels.</p>\n'
        "    </div>\n"
        '    <div class="quick-split" hidden>\n'
        f'      <label for="split-{pk}" class="sr-only">Where to split the quote</label>\n'
        f'      <textarea id="split-{pk}" rows="3" readonly data-split>{e(claim.text)}'
        "</textarea>\n"
        '      <p class="help">Put the cursor where the second claim starts, then press Enter.'
        " Esc cancels.</p>\n"
        "    </div>\n"
        f"    {message}\n"
        "  </td>\n"
        f'  <td><span class="kind">{e(_KIND.get(claim.kind, claim.kind))}</span></td>\n'
        f'  <td><span class="claim-status-badge cs-{status}">'
        f"{e(_STATUS.get(claim.status, claim.status))}</span></td>\n"
        f"  <td>{assignee or '—'}</td>\n"
        '  <td class="actions">\n'
        + status_button("accepted", "a", "Accept")
        + status_button("dismissed", "x", "Dismiss")
        + status_button("candidate", "r", "Back to candidates")
        + f'    <button type="button" class="small-button"'
        f' hx-post="{urls["claim_assign"].format(pk)}"'
        f' hx-vals=\'{{"take": "1", "version": "{version}"}}\' hx-target="closest tr"'
        f' hx-swap="outerHTML" data-key="t" {"hidden" if take_hidden else ""}>Take</button>\n'
        f'    <button type="button" class="small-button"'
        f' hx-post="{urls["claim_merge"].format(pk)}"'
        f' hx-vals=\'{{"version": "{version}"}}\' hx-target="closest tr"'
        ' hx-swap="outerHTML" data-key="m"'
        ' hx-confirm="Merge this claim with the next one in its article?">'
        "Merge with next</button>\n"
        f'    <button type="button" class="small-button" hidden'
        f' hx-post="{urls["claim_quick_edit"].format(pk)}"'
        f' hx-vals=\'{{"version": "{version}"}}\' data-source="edit-{pk}"'
        ' hx-target="closest tr" hx-swap="outerHTML" data-save-edit>Save text</button>\n'
        f'    <button type="button" class="small-button" hidden'
        f' hx-post="{urls["claim_split"].format(pk)}"'
        f' hx-vals=\'{{"version": "{version}"}}\' data-source="split-{pk}"'
        ' hx-target="closest tr" hx-swap="outerHTML" data-save-split>Split here</button>\n'
        "  </td>\n"
        "</tr>\n"
    )


@register.simple_tag(takes_context=True)
def queue_rows(context: template.Context, claims: list[Claim]) -> SafeString:
    """The queue's rows; each row's action answers with `queue_rows` of its one claim."""
    urls = _url_patterns(_ROW_URLS)
    _attach_summaries(claims)
    return mark_safe("".join(_queue_row(claim, context, urls) for claim in claims))  # noqa: S308


@register.simple_tag(takes_context=True)
def queue_row(context: template.Context, claim: Claim) -> SafeString:
    """One queue row: what an action on it answers with."""
    return queue_rows(context, [claim])
