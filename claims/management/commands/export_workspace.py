from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.services.workspace import WorkspaceError, workspace_export


class Command(BaseCommand):
    help = (
        "Back up the newsroom's work to FILE: one JSON document (gzip'd when FILE ends in .gz) "
        "with every article, claim, verdict, user and role. Passwords are left out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", type=Path, help="Where to write the backup, e.g. backup.json.gz"
        )

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            summary = workspace_export(path=file)
        except WorkspaceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Wrote {file}: {summary.describe()}.")
        self.stdout.write(
            "The file holds no passwords, but it does hold users' names and email addresses: "
            "keep it as private as the database."
        )
