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


def _claim_url_pattern() -> str:
    return reverse("claim_detail", args=[_CLAIM_URL_ID]).replace(str(_CLAIM_URL_ID), "{}")


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


@register.simple_tag
def claim_cards(claims: list[Claim]) -> SafeString:
    """One card per candidate claim: score, type, status, the claim and its reasons."""
    url = _claim_url_pattern()
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
            "        </div>\n"
            f'        <p class="claim-text"><a href="{url.format(claim.pk)}">'
            f"{escape(claim.claim_text)}</a></p>{reasons}\n"
            "      </section>\n      "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
