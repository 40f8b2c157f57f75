"""Health endpoints for load balancers and compose, and the worker heartbeat they read.

`/health/` says the web process answers (no database). `/health/ready/` says it can do its job:
the database answers and is fully migrated, the broker answers, and a worker ran the heartbeat
task recently. Both are public, JSON and never cached.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import redis
from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

HEARTBEAT_KEY = "factcheck:worker-heartbeat"
# Beat sends one every WORKER_HEARTBEAT_SECONDS; a busy worker may run it late, so allow three.
HEARTBEAT_MISSED_BEATS = 3


def _uses_filesystem_broker() -> bool:
    return str(settings.CELERY_BROKER_URL).startswith("filesystem://")


def _redis() -> redis.Redis:
    return redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2
    )


def _heartbeat_file() -> Path:
    return Path(settings.CELERY_BROKER_FOLDER) / "worker-heartbeat"


def heartbeat_write() -> None:
    """Record that a worker is consuming now, where the web process can read it."""
    now = str(time.time())
    if _uses_filesystem_broker():
        _heartbeat_file().write_text(now)
    else:
        max_age = settings.WORKER_HEARTBEAT_SECONDS * HEARTBEAT_MISSED_BEATS
        _redis().set(HEARTBEAT_KEY, now, ex=max_age)


def heartbeat_age() -> float | None:
    """Return the seconds since the last heartbeat, or None when there has been none."""
    if _uses_filesystem_broker():
        try:
            raw: Any = _heartbeat_file().read_text()
        except FileNotFoundError:
            return None
    else:
        raw = _redis().get(HEARTBEAT_KEY)
        if raw is None:
            return None
    return time.time() - float(raw)


@shared_task(ignore_result=True)
def worker_heartbeat() -> None:
    heartbeat_write()


@worker_ready.connect
def _heartbeat_on_start(**_: Any) -> None:
    # Ready goes green as soon as a worker is up, not one beat later.
    heartbeat_write()


def check_database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def check_migrations() -> None:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
        raise RuntimeError(f"{len(plan)} not applied: {names}")


def check_broker() -> None:
    if _uses_filesystem_broker():
        if not Path(settings.CELERY_BROKER_FOLDER).is_dir():
            raise RuntimeError(f"no broker folder at {settings.CELERY_BROKER_FOLDER}")
    else:
        _redis().ping()


def check_worker() -> None:
    age = heartbeat_age()
    max_age = settings.WORKER_HEARTBEAT_SECONDS * HEARTBEAT_MISSED_BEATS
    if age is None:
        raise RuntimeError("no worker heartbeat: is a worker (and beat) running?")
    if age > max_age:
        raise RuntimeError(f"last worker heartbeat {age:.0f} s ago (more than {max_age} s)")


READY_CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "migrations": check_migrations,
    "broker": check_broker,
    "worker": check_worker,
}


@require_safe
@never_cache
@login_not_required
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
@login_not_required
def ready(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    for name, check in READY_CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure means not ready, and says why
            checks[name] = f"failing: {type(exc).__name__}: {exc}"
        else:
            checks[name] = "ok"
    healthy = all(result == "ok" for result in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": checks},
        status=200 if healthy else 503,
    )


class ProbeMiddleware:
    """Answer /health/ and /health/ready/ before Django checks the Host header.

    Compose, Kubernetes and load balancers probe the container by its own address
    (`127.0.0.1:8000`), which is not one of the public host names in ALLOWED_HOSTS: every
    probe was a 400 and the web service never became healthy. The probes read no Host and
    return nothing built from it, so answering them whatever the Host is safe; every other
    path still goes through the check.
    """

    PROBES: ClassVar[dict[str, Callable[[HttpRequest], HttpResponseBase]]] = {
        "/health/": live,
        "/health/ready/": ready,
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        probe = self.PROBES.get(request.path_info)
        return probe(request) if probe is not None else self.get_response(request)
