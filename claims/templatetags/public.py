"""Template helpers for the public pages."""

from __future__ import annotations

from django import template

from claims.validators import is_web_url

register = template.Library()


@register.filter
def http_url(value: str) -> str:
    """Return the address if it is absolute http(s), else "": a stored `javascript:` URL
    (written past the forms, say through the ORM) must never become a link readers click."""
    return value if is_web_url(value) else ""
