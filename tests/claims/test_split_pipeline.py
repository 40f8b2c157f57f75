"""The split task: queued after commit, idempotent, and safe when a worker dies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import Article, Claim
from claims.services import article_ingest, article_split, articles_requeue_stalled
from claims.tasks import split_article


@pytest.mark.django_db
def test_split_is_queued_only_after_the_article_is_committed(
    seed_text: str, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article = article_ingest(body=seed_text).article
    assert len(callbacks) == 1
    assert callbacks[0].keywords == {"article_id": article.pk}


@pytest.mark.django_db
def test_split_creates_claims_at_exact_spans(seed_text: str) -> None:
    article = article_ingest(body=seed_text).article
    created = split_article(article_id=article.pk)
    article.refresh_from_db()
    assert article.status == Article.Status.SPLIT
    assert created == article.claims.count() > 5
    for claim in article.claims.all():
        assert seed_text[claim.start : claim.end] == claim.text
    assert article.history.filter(action="split").exists()


@pytest.mark.django_db
def test_running_the_task_twice_creates_no_duplicates(seed_text: str) -> None:
    article = article_ingest(body=seed_text).article
    split_article(article_id=article.pk)
    spans = sorted(article.claims.values_list("start", "end"))
    assert split_article(article_id=article.pk) == 0
    assert sorted(article.claims.values_list("start", "end")) == spans


@pytest.mark.django_db
def test_redelivered_task_leaves_a_live_split_alone(seed_text: str) -> None:
    article = article_ingest(body=seed_text).article
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.SPLITTING,
        split_started_at=timezone.now(),
        split_heartbeat_at=timezone.now(),
    )
    assert article_split(article_id=article.pk) == 0
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_split_abandoned_by_a_dead_worker_is_taken_over(seed_text: str, settings) -> None:
    article = article_ingest(body=seed_text).article
    long_ago = timezone.now() - timedelta(seconds=settings.ARTICLE_SPLIT_LEASE_SECONDS + 1)
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.SPLITTING, split_started_at=long_ago, split_heartbeat_at=long_ago
    )
    assert article_split(article_id=article.pk) > 0
    article.refresh_from_db()
    assert article.status == Article.Status.SPLIT
    assert article.split_attempts == 1


@pytest.mark.django_db
def test_extractor_failure_marks_the_article_failed_with_the_reason(
    seed_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claims import extraction

    def broken(text: str) -> list[object]:
        raise RuntimeError("segmenter blew up")

    monkeypatch.setattr(extraction, "extract_claims", broken)
    article = article_ingest(body=seed_text).article
    split_article(article_id=article.pk)
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert "segmenter blew up" in article.failure_reason
    assert not article.claims.exists()


@pytest.mark.django_db
def test_split_that_hits_the_soft_time_limit_fails_the_article_with_the_reason(
    seed_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from celery.exceptions import SoftTimeLimitExceeded

    from claims import extraction

    def runaway(text: str) -> list[object]:
        raise SoftTimeLimitExceeded()  # what Celery raises in the task at its soft limit

    monkeypatch.setattr(extraction, "extract_claims", runaway)
    article = article_ingest(body=seed_text).article
    assert split_article(article_id=article.pk) == 0
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert "time limit" in article.failure_reason
    assert article.history.filter(action="split_failed").exists()
    assert not article.claims.exists()


def test_split_tasks_run_under_a_soft_and_a_hard_time_limit() -> None:
    from claims.tasks import resplit_article

    for task in (split_article, resplit_article):
        assert task.soft_time_limit is not None and task.time_limit is not None
        assert task.soft_time_limit < task.time_limit


@pytest.mark.django_db
def test_sweep_resends_queued_and_abandoned_articles_only(
    monkeypatch: pytest.MonkeyPatch, settings
) -> None:
    sent: list[int] = []
    monkeypatch.setattr(
        "claims.tasks.split_article.delay", lambda *, article_id: sent.append(article_id)
    )
    queued = article_ingest(body="Queued article text.").article
    done = article_ingest(body="Finished article text.").article
    Article.objects.filter(pk=done.pk).update(status=Article.Status.SPLIT)
    live = article_ingest(body="Being split right now.").article
    Article.objects.filter(pk=live.pk).update(
        status=Article.Status.SPLITTING,
        split_started_at=timezone.now(),
        split_heartbeat_at=timezone.now(),
    )
    dead = article_ingest(body="Worker died on this one.").article
    Article.objects.filter(pk=dead.pk).update(
        status=Article.Status.SPLITTING,
        split_started_at=timezone.now() - timedelta(hours=1),
        split_heartbeat_at=timezone.now() - timedelta(hours=1),
    )
    assert articles_requeue_stalled(grace_seconds=0) == 2
    assert sorted(sent) == sorted([queued.pk, dead.pk])


def test_worker_runs_the_sweep_periodically(settings) -> None:
    from factcheck.celery import app

    schedule = app.conf.beat_schedule
    assert any(
        entry["task"] == "claims.tasks.requeue_stalled_articles" for entry in schedule.values()
    )
    assert "claims.tasks.requeue_stalled_articles" in app.tasks


@pytest.mark.django_db
def test_an_article_whose_splits_keep_dying_is_failed_not_retried_forever(
    seed_text: str, settings
) -> None:
    article = article_ingest(body=seed_text).article
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.SPLITTING,
        split_started_at=timezone.now() - timedelta(hours=1),
        split_heartbeat_at=timezone.now() - timedelta(hours=1),
        split_attempts=3,
    )
    assert article_split(article_id=article.pk) == 0
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert "3 times" in article.failure_reason
