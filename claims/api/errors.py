"""API error handling and access: imported by DRF's settings, so it must not import views."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import exceptions, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response

from claims.errors import NotAllowed, VersionConflict, WorkflowError
from claims.ingest import IngestError
from claims.models import Article, Claim, Verdict
from claims.permissions import Action, can
from claims.services.verdicts import VerdictInvalid


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is over the size limit."
    default_code = "too_large"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _current(record: Any) -> dict[str, Any]:
    from claims.api import serializers as s

    if isinstance(record, Claim):
        return dict(s.ClaimSerializer(record).data)
    if isinstance(record, Article):
        return dict(s.ArticleDetailSerializer(record).data)
    if isinstance(record, Verdict):
        return dict(s.VerdictSerializer(record).data)
    return {}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map domain errors to precise status codes; anything unexpected stays a bug to fix."""
    if isinstance(exc, RequestDataTooBig):
        limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        exc = PayloadTooLarge(f"The request body is over the {limit_mb:.1f} MB limit.")
    elif isinstance(exc, VersionConflict):
        return Response(
            {"detail": exc.message, "current": _current(exc.current)},
            status=status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, VerdictInvalid):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    elif isinstance(exc, NotAllowed):
        exc = exceptions.PermissionDenied(exc.message)
    elif isinstance(exc, WorkflowError):
        return Response({"detail": exc.message}, status=exc.status_code)
    elif isinstance(exc, IngestError):
        if exc.code == "too_large":
            exc = PayloadTooLarge(exc.message)
        elif exc.code == "unsupported_type":
            exc = exceptions.UnsupportedMediaType("file", detail=exc.message)
        else:
            exc = exceptions.ValidationError({"body": [exc.message]})
    from rest_framework.views import exception_handler as drf_exception_handler

    return drf_exception_handler(exc, context)


class HasWorkbenchRole(permissions.BasePermission):
    """Logged in is not enough: reading anything needs a reviewer, editor or admin role."""

    message = "Your account has no reviewer, editor or admin role."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(
            request.user and request.user.is_authenticated and can(request.user, Action.VIEW)
        )


def not_found(request: Any, exception: Exception | None = None) -> Any:
    """404 for any URL: JSON under /api/ (a script reads it), Django's page elsewhere."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception or Exception())


def server_error(request: Any) -> Any:
    from django.http import JsonResponse
    from django.views.defaults import server_error as django_server_error

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error; it has been logged."}, status=500)
    return django_server_error(request)
