"""Leases on long work: renewed by a heartbeat while the work runs, so a dead worker is noticed
within one lease instead of after the longest time the work could ever take."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)


def lease_seconds() -> int:
    return settings.ARTICLE_SPLIT_LEASE_SECONDS


@contextmanager
def lease_renewed(held: QuerySet, *, field: str, every: float | None = None) -> Iterator[None]:
    """Set `field` to now on the rows of `held` every `every` seconds until the block ends.

    `held` selects the row only while this run still holds it (status and lease start), so a
    run whose lease was taken over stops renewing. The extraction holds the GIL only between
    bytecodes and releases it in onnxruntime, so the beat thread gets its turn.
    """
    interval = every if every is not None else lease_seconds() / 3
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(interval):
                try:
                    if not held.update(**{field: timezone.now()}):
                        return  # the row moved on (finished, failed or taken over)
                except DatabaseError as exc:
                    # A database blip: the next beat tries again on a fresh connection (nothing
                    # else checks this thread's connection); a lease that lapses because every
                    # beat failed is taken over, which is the safe outcome.
                    logger.warning("Could not renew the lease (%s): %s", field, exc)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"lease-{field}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        # A beat stuck on a database lock must not hold the task up: it is a daemon thread
        # and gives up when the row has moved on.
        thread.join(timeout=5)


def sent_stamped(row: QuerySet, *, field: str, send: Callable[[], object]) -> Exception | None:
    """Send a task message with the row's `field` stamped; return why it failed, or None.

    Stamped before sending, so a worker that takes the message at once always starts after the
    stamp: "sent before the last heartbeat" then means "that message was consumed". A failed
    send clears the stamp, so the sweep sends it again.
    """
    row.update(**{field: timezone.now()})
    try:
        send()
    except Exception as exc:  # kombu and redis-py raise several types for one outage
        row.update(**{field: None})
        return exc
    return None
