"""/health/ and /health/ready/: public JSON, never cached, ready naming the check that failed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from factcheck import health
from tests.conftest import WorkerProcess, free_port, wait_for


@pytest.fixture
def broker(settings: Any, redis_url: str) -> Iterator[redis.Redis]:
    """Point the health checks at the test Redis, with no heartbeat left from earlier tests."""
    settings.CELERY_BROKER_URL = redis_url
    client = redis.Redis.from_url(redis_url)
    client.delete(health.HEARTBEAT_KEY)
    yield client
    client.delete(health.HEARTBEAT_KEY)


def test_liveness_answers_ok_without_the_database(client: Client) -> None:
    # No db fixture: pytest-django makes any query here an error.
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_is_ok_when_database_migrations_broker_and_worker_are(
    client: Client, broker: redis.Redis
) -> None:
    health.heartbeat_write()
    response = client.get("/health/ready/")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "broker": "ok", "worker": "ok"},
    }
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_ready_fails_when_redis_is_unreachable(client: Client, settings: Any) -> None:
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/15"  # nothing listens there
    response = client.get("/health/ready/")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert response.json()["status"] == "failing"
    assert checks["database"] == checks["migrations"] == "ok"
    assert checks["broker"].startswith("failing: ConnectionError")
    assert checks["worker"].startswith("failing:")


@pytest.mark.django_db
def test_ready_fails_when_a_migration_is_not_applied(client: Client, broker: redis.Redis) -> None:
    health.heartbeat_write()
    latest = (
        MigrationRecorder(connection).migration_qs.filter(app="claims").order_by("-name").first()
    )
    assert latest is not None
    latest.delete()  # rolled back with the test's transaction
    response = client.get("/health/ready/")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["migrations"] == f"failing: RuntimeError: 1 not applied: claims.{latest.name}"
    assert checks["broker"] == checks["worker"] == "ok"


@pytest.mark.django_db
def test_ready_fails_when_no_worker_has_beaten_lately(
    client: Client, broker: redis.Redis, settings: Any
) -> None:
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"].startswith("failing: RuntimeError: no worker")

    too_old = settings.WORKER_HEARTBEAT_SECONDS * health.HEARTBEAT_MISSED_BEATS + 5
    broker.set(health.HEARTBEAT_KEY, str(time.time() - too_old))
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert "last worker heartbeat" in response.json()["checks"]["worker"]


def test_ready_is_public_and_read_only(client: Client, db: None) -> None:
    assert client.get("/health/ready/").status_code in {200, 503}  # no login redirect
    assert client.post("/health/ready/").status_code == 405


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_heartbeat_task(
    celery_worker: WorkerProcess, broker: redis.Redis
) -> None:
    health.worker_heartbeat.delay()
    assert wait_for(lambda: broker.get(health.HEARTBEAT_KEY) is not None), celery_worker.output()


@pytest.mark.django_db
def test_probes_by_the_containers_own_address_pass_the_host_check(
    client: Client, settings: Any, broker: redis.Redis
) -> None:
    # Production names only its public host; compose probes 127.0.0.1:8000 from inside.
    settings.ALLOWED_HOSTS = ["factcheck.example.org"]
    health.heartbeat_write()
    assert client.get("/health/", HTTP_HOST="127.0.0.1:8000").status_code == 200
    ready = client.get("/health/ready/", HTTP_HOST="127.0.0.1:8000")
    assert ready.status_code == 200, ready.content
    # Everything else still refuses a host it does not serve.
    assert client.get("/login/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    assert client.get("/login/", HTTP_HOST="factcheck.example.org").status_code == 200
