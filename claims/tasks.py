"""Celery tasks: thin wrappers that take ids and call one service."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.db import OperationalError

from claims import services

# A split gets the soft limit to extract and then marks the article failed
# (SoftTimeLimitExceeded, in article_split); the hard limit kills a child that does not
# stop. The split's lease is renewed while it runs (claims.services.leases), so these bound
# the work, not the lease.
SPLIT_SOFT_TIME_LIMIT = 240
# A database that refuses connections (a restart, a failover) makes the task retry: every 1, 2,
# 4 ... 30 s for about ten minutes, instead of giving up after 15 s and leaving its article
# waiting for the sweep. A retry that finds the work taken or done does nothing.
RETRY_WHILE_THE_DATABASE_IS_DOWN: dict[str, Any] = {
    "retry_backoff": True,
    "retry_backoff_max": 30,
    "max_retries": 25,
}
SPLIT_TIME_LIMIT = 270


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    **RETRY_WHILE_THE_DATABASE_IS_DOWN,
    soft_time_limit=SPLIT_SOFT_TIME_LIMIT,
    time_limit=SPLIT_TIME_LIMIT,
)
def split_article(*, article_id: int) -> int:
    return services.article_split(article_id=article_id)


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    **RETRY_WHILE_THE_DATABASE_IS_DOWN,
    soft_time_limit=SPLIT_SOFT_TIME_LIMIT,
    time_limit=SPLIT_TIME_LIMIT,
)
def resplit_article(*, article_id: int) -> int:
    return services.article_resplit(article_id=article_id)


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    **RETRY_WHILE_THE_DATABASE_IS_DOWN,
    soft_time_limit=SPLIT_SOFT_TIME_LIMIT,
    time_limit=SPLIT_TIME_LIMIT,
)
def match_article(*, article_id: int) -> int:
    from claims.services.matching import article_match

    return article_match(article_id=article_id)


@shared_task(ignore_result=True)
def requeue_stalled_articles() -> int:
    from claims.services.reports import report_exports_requeue_stalled
    from factcheck.celery import broker_queue_is_empty, queue_names

    queues = queue_names()
    from claims.services.matching import articles_requeue_unmatched

    articles = services.articles_requeue_stalled(resend_all=broker_queue_is_empty(queues["splits"]))
    articles += articles_requeue_unmatched()
    return articles + report_exports_requeue_stalled(
        resend_all=broker_queue_is_empty(queues["exports"])
    )


@worker_ready.connect
def _requeue_on_start(**_: Any) -> None:
    # Articles saved while no broker answered are picked up as soon as a worker is back.
    services.articles_requeue_stalled(grace_seconds=0)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), **RETRY_WHILE_THE_DATABASE_IS_DOWN)
def build_report_export(*, export_id: int) -> bool:
    from claims.services.reports import report_export_build

    return report_export_build(export_id=export_id)
