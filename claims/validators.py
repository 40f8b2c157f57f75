"""Checks shared by every door and every page: one definition of a web address."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

URL_MAX = 2000
_web = URLValidator(schemes=["http", "https"])


def is_web_url(url: Any) -> bool:
    """Say whether `url` is an http(s) address a reader could open (what we store and link)."""
    if not isinstance(url, str) or not url or len(url) > URL_MAX:
        return False
    try:
        _web(url)
    except ValidationError:
        return False
    return True
