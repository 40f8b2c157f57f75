"""Faults end in minutes: leases renewed while work runs, no message sent twice while it may still
be waiting, work the broker lost sent again, articles that keep failing failed with a reason,
published verdicts safe from cascade deletes, and bounded queries and memory."""

from __future__ import annotations

import resource
import time
import uuid
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.db.models import ProtectedError
from django.utils import timezone

from claims import extraction
from claims.models import Article, Claim, HistoryEvent, ReportExport, Verdict
from claims.reports.data import ReportFilters
from claims.services import (
    article_ingest,
    article_retry_split,
    article_split,
    articles_requeue_stalled,
    verdict_approve,
)
from claims.services.articles import article_queue_split
from claims.services.reports import (
    report_export_build,
    report_export_request,
    report_exports_requeue_stalled,
)
from tests.claims.factories import make_article, make_publishable, submitted_verdict


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the split messages the broker is given, instead of sending them."""
    messages: list[int] = []
    monkeypatch.setattr(
        "claims.tasks.split_article.delay", lambda *, article_id: messages.append(article_id)
    )
    return messages


# --- Leases ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_long_split_renews_its_lease_so_no_other_worker_takes_it_over(
    seed_text: str, settings, monkeypatch: pytest.MonkeyPatch, sent: list[int]
) -> None:
    settings.ARTICLE_SPLIT_LEASE_SECONDS = 1  # renewed every third of a second
    real = extraction.extract_claims
    seen: dict[str, object] = {}

    def slow(text: str) -> list[extraction.CandidateClaim]:
        # Three leases long: without renewal, the sweep and a second worker would take it.
        time.sleep(3)
        article = Article.objects.get(pk=article_id)
        seen["heartbeat_after_start"] = article.split_heartbeat_at > article.split_started_at  # type: ignore[operator]
        seen["second_worker_claimed"] = article_split(article_id=article_id)
        seen["sweep_resent"] = articles_requeue_stalled(grace_seconds=0)
        return real(text)

    monkeypatch.setattr(extraction, "extract_claims", slow)
    article_id = article_ingest(body=seed_text).article.pk
    sent.clear()
    assert article_split(article_id=article_id) > 0
    assert seen == {
        "heartbeat_after_start": True,
        "second_worker_claimed": 0,
        "sweep_resent": 0,
    }
    article = Article.objects.get(pk=article_id)
    assert article.status == Article.Status.SPLIT and article.split_attempts == 1


@pytest.mark.django_db
def test_an_abandoned_split_is_sent_again_once_not_on_every_sweep(
    seed_text: str, settings, sent: list[int]
) -> None:
    article = article_ingest(body=seed_text).article
    assert article_queue_split(article_id=article.pk)
    started = timezone.now() - timedelta(seconds=settings.ARTICLE_SPLIT_LEASE_SECONDS + 5)
    # The worker took that message and then died: its lease stopped being renewed.
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.SPLITTING,
        split_started_at=started,
        split_heartbeat_at=started,
        split_sent_at=started - timedelta(seconds=1),
    )
    sent.clear()
    assert articles_requeue_stalled() == 1
    # The new message may wait behind long splits: later sweeps leave it alone.
    assert articles_requeue_stalled() == 0
    assert articles_requeue_stalled() == 0
    assert sent == [article.pk]
    assert article_split(article_id=article.pk) > 0


@pytest.mark.django_db
def test_a_queued_message_is_not_sent_again_while_it_may_still_be_waiting(
    settings, sent: list[int]
) -> None:
    article = article_ingest(body="Exports fell 21% in May, the customs office said.").article
    assert article_queue_split(article_id=article.pk)
    for _ in range(3):
        assert articles_requeue_stalled(grace_seconds=0) == 0
    assert sent == [article.pk]
    # A message that has waited past TASK_RESEND_SECONDS may have been lost: send it again.
    Article.objects.filter(pk=article.pk).update(
        split_sent_at=timezone.now() - timedelta(seconds=settings.TASK_RESEND_SECONDS + 1)
    )
    assert articles_requeue_stalled(grace_seconds=0) == 1
    assert sent == [article.pk, article.pk]


@pytest.mark.django_db
def test_a_send_the_broker_refused_is_sent_again_by_the_next_sweep(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def down(**_: object) -> None:
        raise ConnectionError("Redis is down")

    monkeypatch.setattr("claims.tasks.split_article.delay", down)
    article = article_ingest(body="Exports fell 21% in May, the customs office said.").article
    assert not article_queue_split(article_id=article.pk)
    assert Article.objects.get(pk=article.pk).split_sent_at is None
    back: list[int] = []
    monkeypatch.setattr(
        "claims.tasks.split_article.delay", lambda *, article_id: back.append(article_id)
    )
    assert articles_requeue_stalled(grace_seconds=0) == 1 and back == [article.pk]


def test_the_sweep_can_tell_an_empty_queue_from_one_with_messages_waiting(redis_url: str) -> None:
    from kombu import Connection

    from factcheck.celery import broker_queue_is_empty

    queue = f"factcheck-test-empty-{uuid.uuid4().hex[:8]}"
    assert broker_queue_is_empty(queue)
    with Connection(redis_url) as conn:
        simple = conn.SimpleQueue(queue)
        simple.put({"article_id": 1})
        try:
            assert not broker_queue_is_empty(queue)
        finally:
            simple.clear()
            simple.close()
    assert broker_queue_is_empty(queue)


@pytest.mark.django_db
def test_work_sent_but_missing_from_an_empty_queue_is_sent_again_at_once(
    sent: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Redis restarted (it keeps nothing on disk), or the task gave up retrying while the database
    # was down: the article says "sent", but no message waits for it.
    from claims.tasks import requeue_stalled_articles

    article = article_ingest(body="Exports fell 21% in May, the customs office said.").article
    assert article_queue_split(article_id=article.pk)
    monkeypatch.setattr("factcheck.celery.broker_queue_is_empty", lambda queue: False)
    requeue_stalled_articles()
    assert sent == [article.pk]  # its message is trusted to be waiting
    monkeypatch.setattr("factcheck.celery.broker_queue_is_empty", lambda queue: True)
    requeue_stalled_articles()
    assert sent == [article.pk, article.pk]


def test_split_and_export_tasks_outlast_a_database_outage_of_minutes() -> None:
    from claims.tasks import build_report_export, resplit_article, split_article

    for task in (split_article, resplit_article, build_report_export):
        waits = [min(2**n, task.retry_backoff_max) for n in range(task.max_retries)]
        assert sum(waits) >= 10 * 60, task.name


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_lease_renewal_recovers_from_a_killed_connection(seed_text: str) -> None:
    from claims.services.leases import lease_renewed

    article = article_ingest(body=seed_text).article
    Article.objects.filter(pk=article.pk).update(status=Article.Status.SPLITTING)
    held = Article.objects.filter(pk=article.pk, status=Article.Status.SPLITTING)
    real_update = type(held).update
    renewed: list[bool] = []

    def killed_once(self, **kwargs):
        if not renewed:
            renewed.append(False)
            with connection.cursor() as cursor:  # the beat thread's own connection
                cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        result = real_update(self, **kwargs)
        renewed.append(True)
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(held), "update", killed_once)
        with lease_renewed(held, field="split_heartbeat_at", every=0.2):
            time.sleep(1.2)
    # The beat after the kill opened a fresh connection and renewed the lease again.
    assert renewed[0] is False and renewed.count(True) >= 2
    assert Article.objects.get(pk=article.pk).split_heartbeat_at is not None


# --- Articles that keep failing -------------------------------------------------------------------


@pytest.mark.django_db
def test_an_article_whose_database_keeps_failing_ends_failed_with_its_reason_and_can_be_retried(
    seed_text: str, monkeypatch: pytest.MonkeyPatch, reviewer, sent: list[int]
) -> None:
    from claims.services import articles

    def lost_connection(**_: object) -> int:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(articles, "_article_store_claims", lost_connection)
    article = article_ingest(body=seed_text).article
    for _ in range(articles.MAX_SPLIT_ATTEMPTS):
        with pytest.raises(OperationalError):
            article_split(article_id=article.pk)  # the task retries on OperationalError
    article.refresh_from_db()
    assert article.status == Article.Status.QUEUED and article.split_attempts == 3
    # Neither the task's next retry nor the sweep sends it round again: it is given up on.
    assert article_split(article_id=article.pk) == 0
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert "3 times" in article.failure_reason
    assert "server closed the connection" in article.failure_reason
    assert article.history.filter(action="split_failed", from_state="queued").exists()
    # The database is back: a person splits it again from its page.
    monkeypatch.undo()
    monkeypatch.setattr("claims.tasks.split_article.delay", lambda **_: None)
    article_retry_split(article=article, actor=reviewer)
    assert article_split(article_id=article.pk) > 0


@pytest.mark.django_db
def test_the_sweep_fails_an_article_left_queued_after_its_last_attempt(
    seed_text: str, sent: list[int]
) -> None:
    article = article_ingest(body=seed_text).article
    Article.objects.filter(pk=article.pk).update(split_attempts=3, failure_reason="db gone")
    assert articles_requeue_stalled(grace_seconds=0) == 0
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED and "db gone" in article.failure_reason
    assert sent == []


@pytest.mark.django_db
def test_a_split_that_runs_out_of_memory_fails_the_article_with_the_reason(
    seed_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def greedy(text: str) -> list[object]:
        raise MemoryError()  # what an allocation past the worker child's cap raises

    monkeypatch.setattr(extraction, "extract_claims", greedy)
    article = article_ingest(body=seed_text).article
    assert article_split(article_id=article.pk) == 0
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert "more memory than a worker may use" in article.failure_reason


def test_a_worker_child_caps_its_own_memory(settings) -> None:
    from factcheck.celery import _cap_child_memory

    before = resource.getrlimit(resource.RLIMIT_DATA)
    settings.WORKER_MEMORY_LIMIT_MB = 4096
    try:
        _cap_child_memory()
        assert resource.getrlimit(resource.RLIMIT_DATA)[0] == 4096 * 1024 * 1024
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, before)


# --- Published verdicts survive deletes -----------------------------------------------------------


@pytest.mark.django_db
def test_deleting_an_article_with_a_published_verdict_is_refused_and_deletes_nothing(
    rita, eddie
) -> None:
    article = make_article()
    claims = list(article.claims.order_by("start"))
    verdict = submitted_verdict(make_publishable(claims[0]), rita)
    verdict_approve(verdict=verdict, editor=eddie)
    submitted_verdict(claims[1], rita)  # a second claim with work in progress
    counts = (Claim.objects.count(), Verdict.objects.count(), HistoryEvent.objects.count())
    with pytest.raises(ProtectedError) as refused:
        article.delete()
    assert set(refused.value.protected_objects) == {verdict}  # the draft would go, not it
    with pytest.raises(ProtectedError):
        Claim.objects.get(pk=claims[0].pk).delete()
    assert (Claim.objects.count(), Verdict.objects.count(), HistoryEvent.objects.count()) == counts


@pytest.mark.django_db
def test_an_article_with_only_unpublished_work_can_still_be_deleted(rita) -> None:
    article = make_article()
    submitted_verdict(article.claims.order_by("start").first(), rita)  # type: ignore[arg-type]
    article.delete()
    assert not Claim.objects.exists() and not Verdict.objects.exists()


# --- The span check and the statement timeout ----------------------------------------------------


@pytest.mark.django_db
def test_the_article_keeps_its_length_for_the_span_check() -> None:
    article = article_ingest(body="Ünïcode counts characters, not bytes: 5%.").article
    assert article.body_length == len(article.body)
    end = len(article.body)
    Claim.objects.create(article=article, start=0, end=end, text=article.body, claim_text="x")
    with pytest.raises(Exception, match="outside its article"):
        Claim.objects.create(
            article=article, start=0, end=end + 1, text=article.body, claim_text="y"
        )


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_every_query_runs_under_a_statement_timeout(settings) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no statement timeout")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == f"{settings.DATABASE_STATEMENT_TIMEOUT}s"
        cursor.execute("SET LOCAL statement_timeout = 200")
        with pytest.raises(OperationalError, match="statement timeout"):
            cursor.execute("SELECT pg_sleep(2)")


# --- Exports ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_asking_twice_for_the_same_export_gives_the_same_job(
    eddie, django_capture_on_commit_callbacks
) -> None:
    filters = ReportFilters(publisher="Example")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = report_export_request(user=eddie, filters=filters, fmt="csv")
        again = report_export_request(user=eddie, filters=filters, fmt="csv")
        other_format = report_export_request(user=eddie, filters=filters, fmt="json")
    assert again.pk == first.pk and other_format.pk != first.pk
    assert len(queued) == 2
    ReportExport.objects.filter(pk=first.pk).update(status=ReportExport.Status.DONE)
    assert report_export_request(user=eddie, filters=filters, fmt="csv").pk != first.pk


@pytest.mark.django_db
def test_an_export_whose_worker_died_is_taken_over_after_one_lease(
    eddie, settings, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.EXPORT_ROOT = tmp_path
    resent: list[int] = []
    monkeypatch.setattr(
        "claims.tasks.build_report_export.delay", lambda *, export_id: resent.append(export_id)
    )
    export = report_export_request(user=eddie, filters=ReportFilters(), fmt="json")
    started = timezone.now() - timedelta(seconds=settings.ARTICLE_SPLIT_LEASE_SECONDS + 5)
    ReportExport.objects.filter(pk=export.pk).update(
        status=ReportExport.Status.RUNNING,
        started_at=started,
        heartbeat_at=started,
        sent_at=started - timedelta(seconds=1),
    )
    assert report_exports_requeue_stalled() == 1
    assert report_exports_requeue_stalled() == 0  # that message may still be waiting
    assert resent == [export.pk]
    assert report_export_build(export_id=export.pk) is True
    assert ReportExport.objects.get(pk=export.pk).status == ReportExport.Status.DONE
