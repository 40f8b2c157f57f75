from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from claims import extraction
from claims.models import Article
from claims.services import article_resplit
from claims.tasks import resplit_article


class Command(BaseCommand):
    help = (
        "Split articles again with the current extractor, keeping every claim a reviewer "
        "touched. Queued for the worker unless --now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Run here instead of the worker.")

    def handle(self, *args: Any, now: bool, **options: Any) -> None:
        outdated = Article.objects.filter(
            status__in=[Article.Status.SPLIT, Article.Status.FAILED]
        ).exclude(extractor_version=extraction.EXTRACTOR_VERSION)
        ids = list(outdated.values_list("id", flat=True))
        for article_id in ids:
            if now:
                added = article_resplit(article_id=article_id)
                self.stdout.write(f"article {article_id}: {added} new candidate claims")
            else:
                resplit_article.delay(article_id=article_id)
        verb = "re-split" if now else "queued for re-splitting"
        self.stdout.write(f"{len(ids)} article(s) {verb} with {extraction.EXTRACTOR_VERSION}")
