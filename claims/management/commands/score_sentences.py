from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.extraction import score_sentence


class Command(BaseCommand):
    help = (
        "Score one sentence per line of a text file for check-worthiness; print one JSON "
        "object per input line, in order (no database)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["jsonl"], default="jsonl")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            text = file.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: {exc}") from exc
        # splitlines() would also break on \u2028 and friends; input is one sentence a "\n" line.
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        for number, line in enumerate(lines, start=1):
            sentence = line.rstrip("\r")
            row: dict[str, Any] = {"line": number, "sentence": sentence}
            if sentence.strip():
                verdict = score_sentence(sentence.strip())
                row |= {
                    "score": verdict.score,
                    "opinion": verdict.opinion,
                    "checkworthy": verdict.checkworthy,
                    "kind": verdict.kind,
                    "reasons": list(verdict.reasons),
                }
            else:
                # Keep one output line per input line so outputs zip with inputs.
                row |= {
                    "score": 0.0,
                    "opinion": 0.0,
                    "checkworthy": False,
                    "kind": "not_a_claim",
                    "reasons": [],
                }
            self.stdout.write(json.dumps(row, ensure_ascii=False))
