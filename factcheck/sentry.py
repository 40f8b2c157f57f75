"""Optional error tracking: Sentry, on only when SENTRY_DSN is set.

sentry_sdk is imported only then, so a deployment without it pays nothing at start-up.
"""

from __future__ import annotations

from typing import Any


def sentry_options(
    *, dsn: str, traces_sample_rate: float, environment: str, release: str
) -> dict[str, Any]:
    """Return the keyword arguments for `sentry_sdk.init`, without the integrations."""
    return {
        "dsn": dsn,
        # Usernames, addresses, cookies and request bodies stay in the newsroom: an unpublished
        # verdict or a reviewer's name must not end up in a third party's error report.
        "send_default_pii": False,
        "traces_sample_rate": traces_sample_rate,
        "environment": environment,
        # None lets the SDK find one itself (SENTRY_RELEASE, or the git commit where there is one).
        "release": release or None,
    }


def sentry_init(**options: Any) -> None:
    """Start the SDK for the web process and the worker (both load the settings)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        **sentry_options(**options),
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
