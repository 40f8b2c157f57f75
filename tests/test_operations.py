"""Running it behind a proxy, with JSON logs and with error tracking."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client

from factcheck.celery import app as celery_app
from factcheck.logs import JsonFormatter
from factcheck.sentry import sentry_options
from tests.claims.factories import make_user
from tests.conftest import database_url_for_worker

ROOT = Path(__file__).resolve().parent.parent
PROXY = "10.0.0.2"  # the proxy in front of the workbench, as the workbench sees it
CLIENT = "203.0.113.7"
OTHER_CLIENT = "198.51.100.20"


def python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter with the settings loaded from `env`."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "factcheck.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def json_lines(text: str) -> list[dict[str, Any]]:
    """Parse every line of `text`; a line that is not a JSON object fails the test."""
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert all(isinstance(record, dict) for record in records)
    return records


# --- Client addresses behind a proxy -------------------------------------------------------------


@pytest.fixture
def one_proxy(settings: Any) -> None:
    """What TRUSTED_PROXY_COUNT=1 sets (test_trusted_proxy_count_sets_axes_ipware checks)."""
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0


def login_through_proxy(forwarded_for: str, password: str = "wrong") -> int:
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
    return client.post("/login/", {"username": "rita", "password": password}).status_code


def test_trusted_proxy_count_sets_axes_ipware() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(repr((s.AXES_IPWARE_META_PRECEDENCE_ORDER, s.AXES_IPWARE_PROXY_COUNT)))"
    )
    assert python(code, TRUSTED_PROXY_COUNT="1").stdout.strip() == (
        "(('HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR'), 0)"
    )
    assert python(code, TRUSTED_PROXY_COUNT="2").stdout.strip().endswith(", 1)")
    assert python(code, TRUSTED_PROXY_COUNT="").stdout.strip() == "(('REMOTE_ADDR',), None)"
    refused = python(code, TRUSTED_PROXY_COUNT="-1")
    assert refused.returncode != 0 and "TRUSTED_PROXY_COUNT=-1" in refused.stderr


@pytest.mark.usefixtures("one_proxy")
def test_behind_a_proxy_two_clients_are_counted_apart(db: None) -> None:
    make_user("rita", "Reviewer")
    for _ in range(3):
        login_through_proxy(CLIENT)
    assert login_through_proxy(CLIENT, "pw-for-tests-only") == 429
    # Another reader behind the same proxy is not locked out with them.
    assert login_through_proxy(OTHER_CLIENT, "pw-for-tests-only") == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT}


@pytest.mark.usefixtures("one_proxy")
def test_an_address_a_client_writes_into_the_header_is_not_believed(db: None) -> None:
    make_user("rita", "Reviewer")
    for _ in range(3):
        login_through_proxy(CLIENT)
    # The proxy appends the address it saw; what the client sent stands to its left.
    assert login_through_proxy(f"{OTHER_CLIENT}, {CLIENT}", "pw-for-tests-only") == 429
    assert login_through_proxy(f"garbage, {CLIENT}", "pw-for-tests-only") == 429


def test_without_a_trusted_proxy_the_header_is_ignored(db: None, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    make_user("rita", "Reviewer")
    for forwarded_for in [CLIENT, OTHER_CLIENT, "192.0.2.1"]:
        login_through_proxy(forwarded_for)
    # Counted against the connecting address alone: a made-up header does not dodge the lock.
    assert login_through_proxy("192.0.2.99", "pw-for-tests-only") == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}


# --- JSON logs -----------------------------------------------------------------------------------

WEB_LOGS = """
import logging, django
django.setup()
from django.test import Client
log = logging.getLogger("factcheck.test")
log.info("hello %s", "world")
try:
    1 / 0
except ZeroDivisionError:
    log.exception("it broke")
Client().get("/no-such-page/", HTTP_X_REQUEST_ID="proxy-id-1234")
Client().get("/health/")
"""


def test_json_logs_are_one_object_a_line_with_request_fields() -> None:
    result = python(WEB_LOGS, LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    records = json_lines(result.stderr)
    by_message = {record["message"]: record for record in records}

    hello = by_message["hello world"]
    assert hello["level"] == "INFO" and hello["logger"] == "factcheck.test"
    assert hello["timestamp"].endswith("+00:00")
    assert "request_id" not in hello  # logged outside any request
    assert "ZeroDivisionError: division by zero" in by_message["it broke"]["exception"]

    not_found = by_message["Not Found: /no-such-page/"]
    assert not_found["logger"] == "django.request" and not_found["level"] == "WARNING"
    assert (not_found["status"], not_found["path"]) == (404, "/no-such-page/")
    assert not_found["request_id"] == "proxy-id-1234"
    access = [record for record in records if record["logger"] == "factcheck.request"]
    # One line per request; a passing health probe is left out.
    assert [(r["method"], r["path"], r["status"]) for r in access] == [
        ("GET", "/no-such-page/", 404)
    ]
    assert access[0]["request_id"] == "proxy-id-1234" and access[0]["duration_ms"] >= 0


def test_plain_logs_stay_the_default() -> None:
    result = python(WEB_LOGS)
    assert result.returncode == 0, result.stderr
    assert " INFO factcheck.test: hello world" in result.stderr
    assert not result.stderr.lstrip().startswith("{")
    assert "factcheck.request" not in result.stderr  # gunicorn's access log has requests


def test_a_bad_log_format_stops_start_up_naming_it() -> None:
    result = python("import django; django.setup()", LOG_FORMAT="yaml")
    assert result.returncode != 0 and "LOG_FORMAT='yaml'" in result.stderr


def test_every_response_carries_its_request_id(db: None) -> None:
    assert Client().get("/login/", HTTP_X_REQUEST_ID="abcdef12-3456")["X-Request-ID"] == (
        "abcdef12-3456"
    )
    # Anything else a client sends is replaced: log lines cannot be forged through it.
    made_up = Client().get("/login/", HTTP_X_REQUEST_ID='x" "level": "ERROR')["X-Request-ID"]
    assert len(made_up) == 32 and made_up.isalnum()


@celery_app.task(name="tests.test_operations.format_inside_a_task")
def format_inside_a_task(message: str) -> str:
    record = logging.LogRecord("claims.tasks", logging.INFO, __file__, 1, message, None, None)
    return JsonFormatter().format(record)


def test_json_lines_logged_in_a_task_name_it() -> None:
    line = format_inside_a_task.apply(args=("splitting",), task_id="task-123").get()
    record = json.loads(line)
    assert record["message"] == "splitting"
    assert (record["task_id"], record["task_name"]) == (
        "task-123",
        "tests.test_operations.format_inside_a_task",
    )
    outside = json.loads(format_inside_a_task.run("outside"))
    assert "task_id" not in outside


@pytest.mark.worker
def test_the_worker_keeps_json_lines_when_celery_sets_up_its_logging(
    db: None, tmp_path: Path
) -> None:
    queue = f"factcheck-logs-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "LOG_FORMAT": "json",
        "DATABASE_URL": database_url_for_worker(),
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_BROKER_FOLDER": str(tmp_path),
        "CELERY_QUEUE": queue,
    }
    log = tmp_path / "worker.log"
    with log.open("w") as err:
        worker = subprocess.Popen(
            # -q: no banner, which is printed, not logged.
            [sys.executable, "-m", "celery", "-A", "factcheck", "-q", "worker", "--pool=solo"]
            + ["--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
            + ["-Q", f"{queue},{queue}.maintenance"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        wait_for_text(log, "ready.")
        send = (
            "from factcheck.celery import app; app.send_task('factcheck.health.worker_heartbeat')"
        )
        subprocess.run([sys.executable, "-c", send], cwd=ROOT, env=env, check=True, timeout=60)
        wait_for_text(log, "succeeded in")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    records = json_lines(log.read_text())
    loggers = {record["logger"] for record in records}
    assert {"celery.apps.worker", "celery.app.trace"} <= loggers
    succeeded = next(record for record in records if "succeeded in" in record["message"])
    assert succeeded["task_name"] == "factcheck.health.worker_heartbeat"
    assert succeeded["task_id"]


def wait_for_text(path: Path, text: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while text not in path.read_text():
        if time.monotonic() > deadline:
            pytest.fail(f"{text!r} never logged:\n{path.read_text()[-3000:]}")
        time.sleep(0.2)


# --- Error tracking ------------------------------------------------------------------------------


def test_sentry_options_send_no_personal_data() -> None:
    options = sentry_options(
        dsn="https://key@sentry.example/1",
        traces_sample_rate=0.1,
        environment="staging",
        release="",
    )
    assert options == {
        "dsn": "https://key@sentry.example/1",
        "send_default_pii": False,
        "traces_sample_rate": 0.1,
        "environment": "staging",
        "release": None,
    }


SENTRY_STATE = """
import json, sys, django
django.setup()
state = {"imported": "sentry_sdk" in sys.modules}
if state["imported"]:
    import sentry_sdk
    client = sentry_sdk.get_client()
    names = ["send_default_pii", "environment", "traces_sample_rate"]
    options = {name: client.options[name] for name in names}
    state.update(active=client.is_active(), integrations=sorted(client.integrations), **options)
print(json.dumps(state))
"""


def test_sentry_starts_for_web_and_worker_only_with_a_dsn() -> None:
    # Port 9 (discard): nothing answers, and nothing is sent at start-up anyway.
    on = python(
        SENTRY_STATE,
        SENTRY_DSN="http://public@127.0.0.1:9/1",
        SENTRY_ENVIRONMENT="staging",
        SENTRY_TRACES_SAMPLE_RATE="0.25",
    )
    assert on.returncode == 0, on.stderr
    state = json.loads(on.stdout)
    assert state["active"] is True
    assert {"django", "celery"} <= set(state["integrations"])
    assert (state["send_default_pii"], state["environment"], state["traces_sample_rate"]) == (
        False,
        "staging",
        0.25,
    )
    assert "Traceback" not in on.stderr

    without_sentry = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    off = subprocess.run(
        [sys.executable, "-c", SENTRY_STATE],
        cwd=ROOT,
        env={**without_sentry, "DJANGO_SETTINGS_MODULE": "factcheck.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert json.loads(off.stdout) == {"imported": False}, off.stderr


def test_a_bad_sample_rate_stops_start_up_naming_it() -> None:
    result = python("import django; django.setup()", SENTRY_TRACES_SAMPLE_RATE="2")
    assert result.returncode != 0 and "SENTRY_TRACES_SAMPLE_RATE=2.0" in result.stderr
