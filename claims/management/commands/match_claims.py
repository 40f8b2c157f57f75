from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.matching import search_corpus


def _read_jsonl(path: Path, required: tuple[str, ...]) -> list[dict[str, Any]]:
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: {exc}") from exc
    rows = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path}, line {number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(row, dict) or any(key not in row for key in required):
            raise CommandError(
                f"{path}, line {number}: expected a JSON object with {', '.join(required)}"
            )
        rows.append(row)
    return rows


class Command(BaseCommand):
    help = (
        "Match query claims against a corpus of checked claims (both JSON Lines files) and "
        'print one JSON line per query: {"id", "results": [{"id", "score"}, ...]}, best first. '
        "No database."
    )
    # Runs on files alone: no system checks, no migration check, no model touched.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--corpus", required=True, help='JSON Lines file, rows {"id", "text", "title"?}'
        )
        parser.add_argument(
            "--queries", required=True, help='JSON Lines file, rows {"id", "query"}'
        )
        parser.add_argument("--k", type=int, default=5, help="results per query")
        parser.add_argument("--format", choices=["jsonl"], default="jsonl")

    def handle(self, *args: Any, corpus: str, queries: str, k: int, **options: Any) -> None:
        if k < 1:
            raise CommandError("--k must be at least 1")
        # call_command() hands over its keyword arguments without argparse's type conversion.
        corpus_rows = _read_jsonl(Path(corpus), ("id", "text"))
        if not corpus_rows:
            raise CommandError(f"{corpus}: the corpus is empty")
        query_rows = _read_jsonl(Path(queries), ("id", "query"))
        for row in search_corpus(corpus_rows, query_rows, k):
            self.stdout.write(json.dumps(row, ensure_ascii=False))
