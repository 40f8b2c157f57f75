"""Log lines for people (plain) or for a log pipeline (JSON, one object a line): LOG_FORMAT.

The JSON lines carry the time, level, logger and message, the exception text when there is one,
and what ties a line to its cause: the request id, method, path and status in the web process,
the task id and name in the worker.
"""

from __future__ import annotations

import logging
import logging.config
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

LOG_FORMATS = ("plain", "json")
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

request_id: ContextVar[str] = ContextVar("request_id", default="")
# A proxy's request id is kept when it looks like one (nginx's $request_id, a UUID); anything
# else a client sends is replaced, so a log line cannot be forged through the header.
TRUSTED_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
request_logger = logging.getLogger("factcheck.request")


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """Return the LOGGING dict for `log_format` ("plain" or "json")."""
    json_lines = log_format == "json"
    loggers: dict[str, Any] = {
        "django.db.backends": {"level": "WARNING"},
        # A line per request for JSON pipelines; in plain text, gunicorn's access log has them.
        "factcheck.request": {"level": "INFO" if json_lines else "WARNING"},
    }
    if json_lines:
        # The worker gives task loggers a plain handler of its own unless they have one.
        loggers["celery.task"] = {"handlers": ["console"], "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "factcheck.logs.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": PLAIN_FORMAT},
            "json": {"()": "factcheck.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if json_lines else "plain",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": loggers,
    }


def configure(config: dict[str, Any]) -> None:
    """Apply the LOGGING dict (Django's LOGGING_CONFIG); with JSON lines, warnings join the log."""
    logging.config.dictConfig(config)
    if config.get("handlers", {}).get("console", {}).get("formatter") == "json":
        # Python's warnings print themselves to stderr, in lines no JSON reader takes.
        logging.captureWarnings(True)


class RequestIdFilter(logging.Filter):
    """Add the current request's id (or "") to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(BaseJsonFormatter):
    """One JSON object a line: timestamp, level, logger, message and whatever ties it to a cause."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s")
        kwargs.setdefault("timestamp", True)
        kwargs.setdefault(
            "rename_fields",
            {"levelname": "level", "name": "logger", "exc_info": "exception"},
        )
        super().__init__(*args, **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        # django.request and django.server pass the request itself; its repr is no use to a query.
        request = log_data.pop("request", None)
        if isinstance(request, HttpRequest):
            log_data.setdefault("method", request.method)
            log_data.setdefault("path", request.path)
            # Django logs a 4xx or 5xx after the middleware is done and the id is unset.
            if not log_data.get("request_id"):
                log_data["request_id"] = getattr(request, "request_id", "")
        if "status_code" in log_data:
            log_data.setdefault("status", log_data.pop("status_code"))
        if not log_data.get("request_id"):
            log_data.pop("request_id", None)
        log_data.update(_current_task())


def _current_task() -> dict[str, str]:
    from celery import current_task

    # Outside a task the proxy stands for nothing and is falsy.
    if not current_task or current_task.request.id is None:
        return {}
    return {"task_id": current_task.request.id, "task_name": current_task.name}


class RequestLogMiddleware:
    """Give each request an id (the proxy's X-Request-ID when it sends one) and log it once.

    The id is in every line logged while the request runs and in the response's X-Request-ID
    header, so a person reporting a problem can quote it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if TRUSTED_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        request.request_id = rid  # type: ignore[attr-defined]
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            if request.path.startswith("/health/") and response.status_code < 400:
                return response  # probes every few seconds: only a failing one is news
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000),
                },
            )
            return response
        finally:
            request_id.reset(token)
