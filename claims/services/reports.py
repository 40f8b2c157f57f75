"""Report exports that leave the request: queued, built by the worker, downloaded later."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from claims.models import ReportExport
from claims.permissions import Action, require
from claims.reports import build, render
from claims.reports.data import ReportFilters, selection_verdicts
from claims.reports.storage import atomic_file
from claims.services.leases import lease_renewed, lease_seconds, sent_stamped

logger = logging.getLogger(__name__)


def report_export_request(*, user: User, filters: ReportFilters, fmt: str) -> ReportExport:
    """Queue a large report for the worker, or return the same one already on its way.

    The same person asking again for the same selection and format (a second click, a reload,
    a script polling) gets the export in progress, not another job for the worker.
    """
    require(user, Action.VIEW)
    build.check_format(fmt)
    wanted = build.filters_to_dict(filters)
    with transaction.atomic():
        # Locks the requester's row so two requests at once cannot both find nothing.
        User.objects.select_for_update().filter(pk=user.pk).first()
        in_flight = ReportExport.objects.filter(
            requested_by=user,
            format=fmt,
            filters=wanted,
            status__in=[ReportExport.Status.QUEUED, ReportExport.Status.RUNNING],
        ).first()
        if in_flight is not None:
            return in_flight
        export = ReportExport.objects.create(
            requested_by=user,
            format=fmt,
            filters=wanted,
            total=selection_verdicts(filters).count(),
        )
        transaction.on_commit(partial(_queue, export_id=export.pk))
    return export


def _queue(*, export_id: int) -> bool:
    from claims.tasks import build_report_export  # imported here: tasks import services

    failure = sent_stamped(
        ReportExport.objects.filter(pk=export_id),
        field="sent_at",
        send=lambda: build_report_export.delay(export_id=export_id),
    )
    if failure is not None:  # the broker is down; the sweep sends it again
        logger.warning("Broker unreachable, export %s stays queued: %s", export_id, failure)
    return failure is None


def _lapsed(now: datetime) -> Q:
    return Q(
        status=ReportExport.Status.RUNNING,
        heartbeat_at__lt=now - timedelta(seconds=lease_seconds()),
    )


def report_exports_requeue_stalled(*, resend_all: bool = False) -> int:
    """Re-send exports whose message never reached the broker or was lost, or whose worker
    died mid-way (their lease lapsed); a message that may still be waiting is left alone."""
    now = timezone.now()
    waiting = Q()
    if not resend_all:
        waiting = (
            Q(sent_at__isnull=True, created_at__lte=now - timedelta(seconds=30))
            | Q(sent_at__lt=now - timedelta(seconds=settings.TASK_RESEND_SECONDS))
            | Q(status=ReportExport.Status.RUNNING, sent_at__lte=F("heartbeat_at"))
        )
    stalled = ReportExport.objects.filter(Q(status=ReportExport.Status.QUEUED) | _lapsed(now))
    sent = 0
    for export_id in stalled.filter(waiting).order_by("id").values_list("id", flat=True)[:100]:
        if not _queue(export_id=export_id):
            break
        sent += 1
    return sent


def report_export_build(*, export_id: int) -> bool:
    """Build the export file; a second delivery of the same task does nothing."""
    now = timezone.now()
    claimed = (
        ReportExport.objects.filter(pk=export_id)
        .filter(Q(status=ReportExport.Status.QUEUED) | _lapsed(now))
        .update(status=ReportExport.Status.RUNNING, started_at=now, heartbeat_at=now, done=0)
    )
    if claimed != 1:
        return False
    export = ReportExport.objects.get(pk=export_id)
    filters = build.filters_from_dict(export.filters)
    held = ReportExport.objects.filter(
        pk=export_id, status=ReportExport.Status.RUNNING, started_at=now
    )

    def progress(done: int) -> None:
        held.update(done=done)

    name = f"verdicts-{export.pk}.{render.FORMATS[export.format][1]}"
    try:
        # Written to disk as it is built (beside the file, renamed once complete): a big export
        # never sits whole in the worker's memory.
        with (
            lease_renewed(held, field="heartbeat_at"),
            atomic_file(settings.EXPORT_ROOT / name) as out,
        ):
            build.selection_write(filters, export.format, out, progress=progress)
    except Exception as exc:
        logger.exception("Export %s failed", export_id)
        held.update(
            status=ReportExport.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        return False
    held.update(
        status=ReportExport.Status.DONE,
        file_name=name,
        done=F("total"),
        finished_at=timezone.now(),
    )
    return True
