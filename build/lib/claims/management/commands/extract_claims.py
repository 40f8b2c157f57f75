from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.extraction import extract_claims


class Command(BaseCommand):
    help = "Print the candidate claims of text files, one JSON object per line (no database)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--format", choices=["jsonl"], default="jsonl")

    def handle(self, *args: Any, files: list[Path], **options: Any) -> None:
        for path in files:
            try:
                # Offsets are in characters of the decoded text, exactly as the file holds it.
                text = path.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"{path}: {exc}") from exc
            for candidate in extract_claims(text):
                row = {"file": str(path), **candidate.as_dict()}
                self.stdout.write(json.dumps(row, ensure_ascii=False))
