"""API tokens: django-rest-knox's hashed, expiring tokens behind `Authorization: Token <key>`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework import exceptions

from claims.api.tokens import expiry_text, token_is_expired

INVALID = "Invalid token."


class ExpiringTokenAuthentication(TokenAuthentication):
    """Knox's tokens, except that an expired key says so instead of "Invalid token".

    Knox deletes an expired token the moment it is presented and then calls it invalid, which
    leaves a script's owner guessing. Here it stays until its owner creates a new one, and every
    use of it gets a 401 that names the expiry and how to get a new key.
    """

    def authenticate_credentials(self, key: bytes) -> tuple[User, AuthToken]:
        try:
            text = key.decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(INVALID) from None
        # The digest is the primary key: one indexed lookup, whatever the key looks like.
        token = AuthToken.objects.select_related("user").filter(digest=hash_token(text)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(INVALID)
        if token_is_expired(token):
            raise exceptions.AuthenticationFailed(
                f"This API token expired {expiry_text(token.expiry)}. Create a new one with "
                "POST /api/me/tokens/ while logged in (Swagger UI at /api/docs/ will do), or ask "
                "an admin to run `manage.py issue_token`."
            )
        user, _ = self.validate_user(token)
        return user, token


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    # The name the schema has always used, so generated clients keep their `tokenAuth` option.
    target_class = "claims.api.auth.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        scheme = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )
        scheme["description"] = (
            "`Authorization: Token <key>`. Keys expire (see `expiry` on POST /api/me/tokens/) and "
            "can be revoked; an expired key gets a 401 that says so."
        )
        return scheme
