"""Report exports that leave the request: queued, built by the worker, downloaded later."""

from __future__ import annotations

import logging
from datetime import timedelta
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
from claims.reports.storage import write_atomically

logger = logging.getLogger(__name__)
EXPORT_LEASE = timedelta(minutes=30)


def report_export_request(*, user: User, filters: ReportFilters, fmt: str) -> ReportExport:
    """Queue a large report for the worker; it is sent once the row is committed."""
    require(user, Action.VIEW)
    build.check_format(fmt)
    with transaction.atomic():
        export = ReportExport.objects.create(
            requested_by=user,
            format=fmt,
            filters=build.filters_to_dict(filters),
            total=selection_verdicts(filters).count(),
        )
        transaction.on_commit(partial(_queue, export_id=export.pk))
    return export


def _queue(*, export_id: int) -> None:
    from claims.tasks import build_report_export  # imported here: tasks import services

    try:
        build_report_export.delay(export_id=export_id)
    except Exception as exc:  # the broker is down; the sweep sends it again
        logger.warning("Broker unreachable, export %s stays queued: %s", export_id, exc)


def report_exports_requeue_stalled() -> int:
    """Re-send exports left queued, or whose worker died mid-way (their lease lapsed)."""
    now = timezone.now()
    stalled = ReportExport.objects.filter(
        Q(status=ReportExport.Status.QUEUED, created_at__lte=now - timedelta(seconds=30))
        | Q(status=ReportExport.Status.RUNNING, started_at__lt=now - EXPORT_LEASE)
    )
    ids = list(stalled.values_list("id", flat=True)[:100])
    for export_id in ids:
        _queue(export_id=export_id)
    return len(ids)


def report_export_build(*, export_id: int) -> bool:
    """Build the export file; a second delivery of the same task does nothing."""
    now = timezone.now()
    claimed = (
        ReportExport.objects.filter(pk=export_id)
        .filter(
            Q(status=ReportExport.Status.QUEUED)
            | Q(status=ReportExport.Status.RUNNING, started_at__lt=now - EXPORT_LEASE)
        )
        .update(status=ReportExport.Status.RUNNING, started_at=now, done=0)
    )
    if claimed != 1:
        return False
    export = ReportExport.objects.get(pk=export_id)
    filters = build.filters_from_dict(export.filters)
    try:
        data = _build(export, filters)
        name = f"verdicts-{export.pk}.{render.FORMATS[export.format][1]}"
        write_atomically(settings.EXPORT_ROOT / name, data)
    except Exception as exc:
        logger.exception("Export %s failed", export_id)
        ReportExport.objects.filter(pk=export_id).update(
            status=ReportExport.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        return False
    ReportExport.objects.filter(pk=export_id).update(
        status=ReportExport.Status.DONE,
        file_name=name,
        done=F("total"),
        finished_at=timezone.now(),
    )
    return True


def _build(export: ReportExport, filters: ReportFilters) -> bytes:
    def progress(done: int) -> None:
        ReportExport.objects.filter(pk=export.pk).update(done=done)

    content = build.selection_file(filters, export.format, progress=progress)
    return content if isinstance(content, bytes) else "".join(content).encode()
