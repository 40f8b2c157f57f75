"""The page django-axes shows a locked-out login, saying when to try again.

Axes' own template context has only the cool-off as a duration; this adds the time it ends.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, object] | None = None,
) -> HttpResponse:
    """Render the lockout page with axes' status (429 Too Many Requests)."""
    # AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT: every attempt while locked, this one too,
    # restarts the cool-off, so it ends one full cool-off from now.
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        # Rounded up: "in 0 minutes" would be wrong for a cool-off of seconds.
        "minutes": max(1, math.ceil(cool_off.total_seconds() / 60)),
        "retry_at": timezone.now() + cool_off,
    }
    return render(
        request,
        "registration/locked_out.html",
        context,
        # Axes fills in its own defaults at start-up (429 here), unseen by the settings stubs.
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )
