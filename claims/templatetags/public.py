"""Template helpers for the public pages."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django import template
from django.utils.safestring import mark_safe

from claims.models import Rating
from claims.validators import is_web_url

register = template.Library()


@register.filter
def http_url(value: str) -> str:
    """Return the address if it is absolute http(s), else "": a stored `javascript:` URL
    (written past the forms, say through the ORM) must never become a link readers click."""
    return value if is_web_url(value) else ""


# A colour goes into a <style> block, where autoescaping does not help: only #rgb / #rrggbb(aa).
CSS_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")


@register.simple_tag
def rating_colours(*items: object) -> str:
    """Return CSS rules colouring `.rating-<id>` for the ratings among items.

    Items are ratings, objects with a `rating` (verdicts), or iterables of either. The public
    pages use these rules instead of style="" attributes, which the Content-Security-Policy blocks.
    """
    ratings: dict[int, str] = {}
    stack = list(items)
    while stack:
        item = stack.pop()
        if isinstance(item, Rating):
            if CSS_COLOUR.fullmatch(item.colour):
                ratings[item.pk] = item.colour
        elif hasattr(item, "rating"):
            stack.append(item.rating)
        elif isinstance(item, Iterable) and not isinstance(item, str):
            stack.extend(item)
    # Safe: ids are ints and colours match CSS_COLOUR.
    return mark_safe(
        "".join(f".rating-{pk} {{ --c: {colour}; }}" for pk, colour in sorted(ratings.items()))
    )
