"""Create, list and revoke API tokens: one place for the API and `manage.py issue_token`.

Knox stores a SHA-512 digest of each key, never the key, so a key is shown once, when it is made.
A token's public id is the start of that digest: it names the token without revealing the key.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings

# 64 bits of the digest: unique among one user's tokens, which is where an id is looked up.
ID_LENGTH = 16


def token_public_id(token: AuthToken) -> str:
    return str(token.digest[:ID_LENGTH])


def token_is_expired(token: AuthToken) -> bool:
    return token.expiry is not None and token.expiry <= timezone.now()


def expiry_text(expiry: datetime | None) -> str:
    if expiry is None:
        return "never"
    return "at " + expiry.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def tokens_live(*, user: User) -> QuerySet[AuthToken]:
    """Return the user's tokens that still work, newest first."""
    live = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    return AuthToken.objects.filter(live, user=user).order_by("-created", "digest")


def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """Make a token that expires after REST_KNOX's TOKEN_TTL; return it and its key."""
    # Expired tokens are kept so that using one says "expired"; making a new one retires them.
    AuthToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    token, key = AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
    return token, key


def api_token_revoke(*, user: User, token_id: str) -> bool:
    """Revoke one of the user's tokens by its public id; False if the user has no such token."""
    if len(token_id) != ID_LENGTH:
        return False
    deleted, _ = AuthToken.objects.filter(user=user, digest__startswith=token_id).delete()
    return deleted > 0


def api_token_revoke_all(*, user: User) -> int:
    """Revoke every token of the user (log out every script); return how many."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted
