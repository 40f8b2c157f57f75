from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.api.tokens import api_token_create, api_token_revoke_all, expiry_text


class Command(BaseCommand):
    help = (
        "Create an API token for USERNAME and print its key, the only time it is shown "
        "(--rotate revokes the user's other tokens first)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--rotate", action="store_true", help="Revoke the user's existing tokens first."
        )

    def handle(self, *args: Any, username: str, rotate: bool, **options: Any) -> None:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        if rotate:
            revoked = api_token_revoke_all(user=user)
            self.stderr.write(f"Revoked {revoked} token(s) of {username}.")
        token, key = api_token_create(user=user)
        # Only the key on stdout, so `KEY=$(manage.py issue_token rita)` works.
        self.stdout.write(key)
        self.stderr.write(f"Expires {expiry_text(token.expiry)} (API_TOKEN_TTL_HOURS).")
