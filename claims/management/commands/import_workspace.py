from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.services.workspace import WorkspaceError, workspace_import


class Command(BaseCommand):
    help = (
        "Restore a backup made by export_workspace into a fresh database (migrated, nothing "
        "else), in one transaction. Imported users must set a new password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="A file written by export_workspace")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            summary = workspace_import(path=file)
        except WorkspaceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Imported {file}: {summary.describe()}.")
        if summary.usernames:
            self.stdout.write(
                f"The backup holds no passwords: the {len(summary.usernames)} imported users "
                "cannot log in until they have a new one. Set it with "
                "`python manage.py changepassword USERNAME` (or an admin sets it in /admin/). "
                f"Users: {', '.join(summary.usernames)}."
            )
        if summary.newer_migrations:
            self.stdout.write(
                "Warning: the backup predates these migrations of this database, whose data "
                f"steps did not run on its rows: {', '.join(summary.newer_migrations)}."
            )
