from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.ingest import IngestError, decode_upload
from claims.services import article_ingest


class Command(BaseCommand):
    help = "Ingest article files (.txt, .md, .html) and queue them to be split into claims."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--publisher", default="")

    def handle(self, *args: Any, paths: list[Path], publisher: str, **options: Any) -> None:
        failed = 0
        for path in paths:
            try:
                data = path.read_bytes()
                decoded = decode_upload(
                    data, filename=path.name, max_bytes=settings.ARTICLE_MAX_BYTES
                )
                result = article_ingest(
                    body=decoded.body,
                    title=decoded.title,
                    source_url=decoded.source_url,
                    publisher=publisher or decoded.publisher,
                )
            except (OSError, IngestError) as exc:
                failed += 1
                self.stderr.write(f"{path}: {exc}")
                continue
            if result.created:
                verb = "added as"
            elif result.version_number is not None:
                # A near-copy: kept with the article it copies, not split a second time.
                verb = (
                    f"{result.similarity or 0:.0%} the same as an article already there, "
                    f"kept as version {result.version_number} of"
                )
            else:
                verb = "already there as"
            self.stdout.write(
                f"{path}: {verb} article {result.article.pk} ({result.article.title})"
            )
        if failed:
            raise CommandError(f"{failed} of {len(paths)} file(s) could not be ingested")
