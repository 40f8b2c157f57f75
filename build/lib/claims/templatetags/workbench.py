"""Template helpers: Markdown rendered safely, and role checks for showing controls."""

from __future__ import annotations

import markdown as markdown_lib
import nh3
from django import template
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.safestring import SafeString, mark_safe

from claims.permissions import Action, can

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
