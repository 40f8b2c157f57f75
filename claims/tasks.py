"""Celery tasks: thin wrappers that take ids and call one service."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.db import OperationalError

from claims import services

# A split gets the soft limit to extract and then marks the article failed
# (SoftTimeLimitExceeded, in article_split); the hard limit kills a child that does not
# stop. Both stay under the split lease (ARTICLE_SPLIT_LEASE_SECONDS, 300 s) so a split
# is stopped before another worker may take the article over.
SPLIT_SOFT_TIME_LIMIT = 240
SPLIT_TIME_LIMIT = 270


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=SPLIT_SOFT_TIME_LIMIT,
    time_limit=SPLIT_TIME_LIMIT,
)
def split_article(*, article_id: int) -> int:
    return services.article_split(article_id=article_id)


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=SPLIT_SOFT_TIME_LIMIT,
    time_limit=SPLIT_TIME_LIMIT,
)
def resplit_article(*, article_id: int) -> int:
    return services.article_resplit(article_id=article_id)


@shared_task(ignore_result=True)
def requeue_stalled_articles() -> int:
    from claims.services.reports import report_exports_requeue_stalled

    return services.articles_requeue_stalled() + report_exports_requeue_stalled()


@worker_ready.connect
def _requeue_on_start(**_: Any) -> None:
    # Articles saved while no broker answered are picked up as soon as a worker is back.
    services.articles_requeue_stalled(grace_seconds=0)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def build_report_export(*, export_id: int) -> bool:
    from claims.services.reports import report_export_build

    return report_export_build(export_id=export_id)
