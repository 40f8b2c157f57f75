"""Shared fixtures: personas, the real Redis broker, and a real Celery worker process."""

from __future__ import annotations

import importlib
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, User

from factcheck.celery import app as celery_app
from factcheck.celery import queue_names

# Browser tests call the ORM from the test thread while Playwright's event loop runs.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
ARTIFACTS = ROOT / "test-artifacts"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# A queue of this run's own, so a developer's running worker never takes the tests' tasks.
TEST_QUEUE = f"factcheck-test-{uuid.uuid4().hex[:8]}"


def require_service(name: str, reason: str) -> None:
    """Fail under CI, skip on a developer machine: CI must never pass by skipping."""
    message = f"{name} is not reachable: {reason}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def point_celery_at(url: str) -> None:
    """Send this process's tasks to `url` from now on.

    Celery caches its connection and producer pools on first use; dropping them is what a
    restarted web process would do, and makes the next send connect afresh.
    """
    celery_app.conf.update(broker_url=url)
    app: Any = celery_app  # the pools are private attributes, untyped in celery-types
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture(scope="session", autouse=True)
def _celery_test_broker() -> Iterator[None]:
    celery_app.conf.task_default_queue = TEST_QUEUE
    point_celery_at(REDIS_URL)
    yield


@pytest.fixture(scope="session")
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        require_service("Redis", f"{REDIS_URL}: {exc}")
    return REDIS_URL


@pytest.fixture
def workbench_defaults(transactional_db: None) -> None:
    """Put back the roles and rating scale that migration 0002 creates.

    A transactional test's flush empties every table. Django's serialized_rollback would restore
    them, but it cannot reach the database connection from inside Playwright's greenlet.
    """
    migration = importlib.import_module("claims.migrations.0002_span_trigger_groups_ratings")
    migration.add_groups_and_ratings(django_apps, None)


@pytest.fixture
def seed_text() -> str:
    return (SEEDS / "002_3f0e6f51c097b80d.txt").read_text(encoding="utf-8")


def _make_user(username: str, group: str | None) -> User:
    user = User.objects.create_user(username=username, password="pw-for-tests-only")
    if group:
        # get_or_create: a transactional test's flush empties the tables the migration filled.
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def reviewer(db: None) -> User:
    return _make_user("rita-reviewer", "Reviewer")


@pytest.fixture
def editor(db: None) -> User:
    return _make_user("ed-editor", "Editor")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url_for_worker() -> str:
    """Return a DATABASE_URL that points another process at the test database."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


class WorkerProcess:
    def __init__(self, process: subprocess.Popen[bytes], log: Path) -> None:
        self.process = process
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="session")
def celery_worker(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest, redis_url: str
) -> Iterator[WorkerProcess]:
    """Start a real Celery worker process on real Redis, consuming this run's queue."""
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "celery-worker.log"
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        db_url = database_url_for_worker()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_QUEUE": TEST_QUEUE,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{TEST_QUEUE}@%h",
                # Splits, and the sweep, heartbeat and exports on their own queues.
                "-Q",
                ",".join(queue_names().values()),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    worker = WorkerProcess(process, log)
    deadline = time.monotonic() + 60
    while "ready." not in worker.output():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"The Celery worker did not start:\n{worker.output()[-3000:]}")
        time.sleep(0.2)
    yield worker
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_for(predicate: object, *, timeout: float = 30.0, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(interval)
    return False


@pytest.fixture
def redis_server_binary() -> str:
    path = shutil.which("redis-server")
    if path is None:
        require_service("redis-server", "the binary is not installed")
    assert path is not None
    return path
