from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_USERS = [
    # username, group, is_staff/superuser
    ("reviewer", "Reviewer", False),
    ("editor", "Editor", False),
    ("admin", "Admin", True),
]


def demo_password() -> tuple[str, str]:
    """Return the demo password and where it came from: DEMO_PASSWORD, or one kept on disk."""
    if os.environ.get("DEMO_PASSWORD"):
        return os.environ["DEMO_PASSWORD"], "DEMO_PASSWORD"
    stored = Path(settings.BASE_DIR) / ".demo-password"
    if stored.exists():
        return stored.read_text().strip(), str(stored.name)
    password = secrets.token_urlsafe(12)
    stored.write_text(password + "\n")
    stored.chmod(0o600)
    return password, f"new, kept in {stored.name}"


class Command(BaseCommand):
    help = "Create the demo users reviewer, editor and admin (password from DEMO_PASSWORD)."

    def handle(self, *args: Any, **options: Any) -> None:
        password, source = demo_password()
        with transaction.atomic():
            for username, group_name, is_admin in DEMO_USERS:
                user, _ = User.objects.get_or_create(username=username)
                user.is_staff = is_admin
                user.is_superuser = is_admin
                user.set_password(password)
                user.save()
                user.groups.add(Group.objects.get(name=group_name))
        names = ", ".join(name for name, _, _ in DEMO_USERS)
        self.stdout.write(f"Demo users {names}; password: {password} ({source})")
