"""Password reset by email: Django's views, with links from SITE_URL and a limit per address.

The pages say the same whether or not an address has an account. Django mails only active users
with a usable password; on top of that an address gets at most one email per
PASSWORD_RESET_EMAIL_INTERVAL, so the form cannot be used to flood someone's inbox.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.cache import cache
from django.http import HttpResponse


def reset_limits() -> dict[str, int]:
    """Return the limits the pages and the email state, in minutes."""
    return {
        "link_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        "interval_minutes": int(settings.PASSWORD_RESET_EMAIL_INTERVAL.total_seconds() // 60),
    }


def _throttle_key(email: str) -> str:
    # Hashed: the cache (Redis, memcached) need not hold the addresses people typed.
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"password-reset:{digest}"


class ThrottledPasswordResetForm(PasswordResetForm):
    """Send the link from SITE_URL, at most once per address per interval."""

    def get_users(self, email: str) -> Iterable[Any]:
        # Counted for every address, with an account or not, so the limit says nothing either.
        interval = settings.PASSWORD_RESET_EMAIL_INTERVAL.total_seconds()
        if not cache.add(_throttle_key(email), True, timeout=interval):
            return ()
        return super().get_users(email)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The link names the address readers use, whatever Host the request came with.
        site = urlsplit(settings.SITE_URL.rstrip("/"))
        kwargs["domain_override"] = site.netloc + site.path
        kwargs["use_https"] = site.scheme == "https"
        extra = kwargs.get("extra_email_context") or {}
        kwargs["extra_email_context"] = {**reset_limits(), **extra}
        super().save(*args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


class ResetLimitsMixin:
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        return {**context, **reset_limits()}


class PasswordResetDoneView(ResetLimitsMixin, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(ResetLimitsMixin, auth_views.PasswordResetConfirmView):
    def form_valid(self, form: SetPasswordForm[Any]) -> HttpResponse:
        response = super().form_valid(form)
        # Guesses at the old password no longer matter: the lockout they caused is lifted.
        user: AbstractBaseUser = form.user
        axes_reset(username=user.get_username())
        return response
