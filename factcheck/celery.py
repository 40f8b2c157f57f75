"""The Celery app: configured from Django settings prefixed CELERY_."""

from __future__ import annotations

import logging
import os
import resource
from typing import Any

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)

# Tasks that must never wait behind a long split: the sweep that rescues stalled work and the
# heartbeat that /health/ready/ reads; report exports are slow in their own way and get a queue
# too. Everything else (splits) runs on the default queue.
MAINTENANCE_TASKS = {"claims.tasks.requeue_stalled_articles", "factcheck.health.worker_heartbeat"}
EXPORT_TASKS = {"claims.tasks.build_report_export"}


def queue_names() -> dict[str, str]:
    """Return the three queue names, derived from the default queue (CELERY_QUEUE)."""
    default = app.conf.task_default_queue
    return {
        "splits": default,
        "maintenance": f"{default}.maintenance",
        "exports": f"{default}.exports",
    }


def route_task(
    name: str, args: Any, kwargs: Any, options: Any, task: Any = None, **kw: Any
) -> dict[str, str] | None:
    # Read at send time, so a test run's own default queue gives its own maintenance queues.
    if name in MAINTENANCE_TASKS:
        return {"queue": queue_names()["maintenance"]}
    if name in EXPORT_TASKS:
        return {"queue": queue_names()["exports"]}
    return None


@worker_process_init.connect
def _cap_child_memory(**_: Any) -> None:
    # A hostile article once grew a child to 4 GB. With a cap on the child's data segment an
    # allocation past it raises MemoryError inside the task, which fails the split with its
    # reason; the master and the other children are untouched.
    from django.conf import settings

    cap = settings.WORKER_MEMORY_LIMIT_MB * 1024 * 1024
    hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
    logger.info("Worker child memory capped at %s MB", cap // (1024 * 1024))


def broker_queue_is_empty(queue: str) -> bool:
    """Tell whether no message waits in `queue` (False when the broker cannot say).

    Work stamped "sent" but still queued while its queue is empty lost its message: Redis was
    restarted (it keeps nothing on disk), or the task gave up retrying while the database was
    down. The sweep then sends it again at once instead of after TASK_RESEND_SECONDS. A message
    a worker already holds is not in the queue, but it is a split about to start, which a second
    message does not disturb (the split claims the article with a conditional UPDATE).
    """
    try:
        with app.connection_for_write() as conn:
            # Not passive: Redis keeps no trace of an empty queue, which passive would call
            # missing. Declaring creates nothing there; the count is what waits.
            channel: Any = conn.default_channel  # kombu's virtual channel; untyped
            declared = channel.queue_declare(queue=queue)
            return int(declared.message_count) == 0
    except Exception:  # kombu and redis-py raise several types; unknown is "not empty"
        return False
