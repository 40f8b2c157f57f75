"""Time the workbench's pages under gunicorn and wrk, on newsrooms of 1,000 to 100,000 claims.

    .venv/bin/python bench/web.py [--size small|all|CLAIMS] [--keep-db]

For each size (1,000, 10,000 and 100,000 claims; `--size small` runs 1,000 claims with short
wrk runs, `--size 10000` one size of your choice): a private PostgreSQL database
(factcheck_benchweb, dropped, recreated and migrated), a newsroom made by
`manage.py make_newsroom` (articles, claims and verdicts 1:10:2, seed 1), and gunicorn serving
it as production does (5 sync workers, DEBUG off, CONN_MAX_AGE=60). wrk then drives one
endpoint after another, 2 threads and 10 connections for a few seconds each (longer for a page
too slow to finish 20 requests in that time), as a logged-in reviewer: a session cookie for the
pages, an API token for the API. The API's late page is its last, reached by following the
`next` links. One run at a time: the database has a fixed name.

Each row: requests per second, p50 and p99 latency, answers that were not 2xx (there must be
none), SQL queries per request (the same request once more in this process, through Django's
test Client on the same database), body size, and p50 against the trivial endpoint's
(/api/me/) in the same run. Then the issue's targets at the largest size run (queue, queue
search, article and claim pages within 3x the trivial p50 and 10 queries; stated for 100,000
claims), and each endpoint's p50 and queries at every size, so growth shows.

Exit status 1 on any error (a non-2xx answer, a socket error, a failed step) or when a target
is missed at 100,000 claims; targets at smaller sizes are printed, not enforced.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import http.client
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The machine's PostgreSQL (trust auth); the run drops and recreates one database of its own.
POSTGRES_URL = os.environ.get("BENCH_WEB_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "factcheck_benchweb"
WORK_DIR = Path(tempfile.mkdtemp(prefix="factcheck-benchweb-"))
# What gunicorn, the management commands and this process all read. Set before Django starts,
# so the queries counted here run against the same database and settings as the server.
ENV = {
    "DATABASE_URL": f"{POSTGRES_URL}/{DB_NAME}",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1",
    "CONN_MAX_AGE": "60",
    # Plain http on the loopback: a redirect to https would make every answer a 301.
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "SENTRY_DSN": "",
    # Axes' INFO lines on every login would fill the output; warnings and errors still show.
    "LOG_LEVEL": "WARNING",
    "EXPORT_ROOT": str(WORK_DIR / "exports"),
    "DJANGO_SETTINGS_MODULE": "factcheck.settings",
    "PYTHONUNBUFFERED": "1",
}
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from psycopg import sql  # noqa: E402

from claims.api.tokens import api_token_create  # noqa: E402
from claims.models import Article, Claim, Verdict  # noqa: E402
from claims.permissions import Role  # noqa: E402

PYTHON = sys.executable
GUNICORN = Path(PYTHON).with_name("gunicorn")
WRK_SCRIPT = Path(__file__).with_name("web.lua")
NEWSROOM_COMMAND = ROOT / "claims" / "management" / "commands" / "make_newsroom.py"
HOST = "127.0.0.1"
WORKERS = 5
THREADS = 2
CONNECTIONS = 10
# A request slower than this counts as a timeout; gunicorn kills a worker stuck for longer.
REQUEST_TIMEOUT = 30
SEARCH = "tax"
# The targets for the pages a reviewer waits on, at 100,000 claims.
TARGET_CLAIMS = 100_000
TARGET_RATIO = 3.0
TARGET_QUERIES = 10
# The trivial endpoint timed at the start and again at the end: a bigger change than this
# means the machine's load changed under the run.
DRIFT = 1.5
# Following cursor `next` links to the last page gives up after this long.
LAST_PAGE_SECONDS = 300
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass(frozen=True)
class Size:
    claims: int
    seconds: int  # each endpoint's wrk run
    # The run of an endpoint that finished fewer than MIN_SAMPLES requests in `seconds`.
    slow_seconds: int


SMALL = [Size(1_000, 2, 8)]
ALL = [Size(1_000, 5, 20), Size(10_000, 5, 20), Size(100_000, 5, 20)]
# A page taking seconds finishes a handful of requests in a short run: its p50 would be one of
# them, and wrk drops the requests still running at the end, the slowest.
MIN_SAMPLES = 20


class BenchError(Exception):
    """A step of the run failed: said once, loudly, and the run exits 1."""


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


# --- Database ---------------------------------------------------------------------------------


def admin_connection() -> psycopg.Connection[Any]:
    return psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True, connect_timeout=5)


def postgres_check() -> None:
    try:
        with admin_connection() as admin:
            admin.execute("SELECT 1")
    except psycopg.Error as exc:
        raise BenchError(
            f"PostgreSQL does not answer at {POSTGRES_URL} ({str(exc).strip()}): start it, or "
            "point BENCH_WEB_POSTGRES_URL at one (trust auth, a user that may create databases)"
        ) from None


def manage(*args: str, log_name: str, timeout: float) -> float:
    """Run a management command with the bench's settings; return how long it took."""
    started = time.monotonic()
    log_path = WORK_DIR / log_name
    with log_path.open("wb") as log:
        done = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            # Bulk loads may run single statements for longer than a request ever should.
            env={**os.environ, "DATABASE_STATEMENT_TIMEOUT": "0"},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
        )
    if done.returncode != 0:
        tail = log_path.read_text(errors="replace")[-3000:]
        raise BenchError(f"manage.py {' '.join(args)} failed ({log_path}):\n{tail}")
    return time.monotonic() - started


def database_drop() -> None:
    connections.close_all()
    with admin_connection() as admin:
        # FORCE ends any connection left to it (a previous run's); no other database is touched.
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB_NAME))
        )


def database_create() -> float:
    database_drop()
    with admin_connection() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
    return manage("migrate", "--noinput", log_name="migrate.log", timeout=600)


def newsroom_make(claims: int) -> float:
    if not NEWSROOM_COMMAND.exists():
        raise BenchError(f"manage.py make_newsroom is missing ({NEWSROOM_COMMAND})")
    articles, verdicts = claims // 10, claims // 5
    return manage(
        "make_newsroom",
        *("--articles", str(articles), "--claims", str(claims)),
        *("--verdicts", str(verdicts), "--seed", "1"),
        log_name=f"make_newsroom-{claims}.log",
        timeout=3 * 3600,
    )


def newsroom_describe() -> str:
    articles, claims, verdicts = (m.objects.count() for m in (Article, Claim, Verdict))
    return f"{articles:,} articles, {claims:,} claims, {verdicts:,} verdicts"


# --- The server -------------------------------------------------------------------------------


class Server:
    """gunicorn in a session of its own: stopped with its workers however the run ends."""

    def __init__(self, log_path: Path) -> None:
        self.port = free_port()
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __enter__(self) -> Server:
        argv = [str(GUNICORN), "factcheck.wsgi:application"]
        argv += ["--bind", f"{HOST}:{self.port}", "--workers", str(WORKERS)]
        argv += ["--worker-class", "sync", "--timeout", str(REQUEST_TIMEOUT * 2)]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=dict(os.environ),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        try:
            self._wait_ready(timeout=60)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                break
            with contextlib.suppress(OSError):
                if http_get(self.port, reverse("health_live"), {})[0] == 200:
                    return
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not start; see {self.log_path}")

    def stop(self) -> None:
        """SIGTERM the whole session (master and workers), then SIGKILL whatever is left."""
        if self.process is None:
            return
        for signum, wait in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 10.0)):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signum)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=wait)
        self.process = None


def _die_with_parent() -> None:
    # Run in the child before gunicorn starts: the kernel sends it SIGTERM when the bench dies,
    # even by SIGKILL, which no finally can catch. Linux only, like the rest of the bench.
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def http_get(port: int, path: str, headers: dict[str, str]) -> tuple[int, int]:
    """GET `path` over HTTP without following redirects; return the status and body size."""
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT * 2)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, len(response.read())
    finally:
        conn.close()


# --- Endpoints --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    name: str  # the same at every size, for the growth summary
    path: str
    api: bool  # token auth; else the reviewer's session cookie
    target: bool = False  # held to the p50 and query targets
    detail: str = ""  # this size's particulars: the article's claim count, the page

    @property
    def label(self) -> str:
        return f"{self.name} ({self.detail})" if self.detail else self.name


@dataclass(frozen=True)
class Personas:
    session_key: str
    token: str
    page_client: Client
    api_client: Client

    def headers(self, endpoint: Endpoint) -> dict[str, str]:
        if endpoint.api:
            return {"Authorization": f"Token {self.token}"}
        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session_key}"}

    def client(self, endpoint: Endpoint) -> Client:
        return self.api_client if endpoint.api else self.page_client


def reviewer_pick() -> User:
    """Return the newsroom's first plain reviewer by name, or one of the bench's own."""
    reviewer = (
        User.objects.filter(is_active=True, is_superuser=False, groups__name=Role.REVIEWER)
        # An editor's pages count what awaits approval too: a reviewer's are the common case.
        .exclude(groups__name__in=[Role.EDITOR, Role.ADMIN])
        .order_by("username")
        .first()
    )
    if reviewer is not None:
        return reviewer
    reviewer = User.objects.create_user(username="bench-reviewer", password=secrets.token_hex(16))
    reviewer.groups.add(Group.objects.get_or_create(name=Role.REVIEWER)[0])
    return reviewer


def personas_log_in() -> tuple[User, Personas]:
    reviewer = reviewer_pick()
    page_client = Client(HTTP_HOST=HOST)
    # A real session row in the database, which gunicorn reads from the cookie.
    page_client.force_login(reviewer)
    session_key = page_client.cookies[settings.SESSION_COOKIE_NAME].value
    _, token = api_token_create(user=reviewer)
    api_client = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Token {token}")
    return reviewer, Personas(session_key, token, page_client, api_client)


def json_get(client: Client, path: str) -> dict[str, Any]:
    response = client.get(path)
    if response.status_code != 200:
        raise BenchError(f"GET {path} answered {response.status_code}: {response.content[:300]!r}")
    data: dict[str, Any] = response.json()
    return data


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def claims_late_page(client: Client) -> tuple[str, str]:
    """Return the path of the API claim list's last page, and how it was reached.

    Page numbers are addressed directly; any other scheme (a cursor) is followed link by link.
    """
    first = reverse("api_claim_list")
    data = json_get(client, first)
    following = data.get("next")
    if not following:
        return first, "the only page"
    if "page" in parse_qs(urlsplit(following).query) and "count" in data:
        last = max(1, math.ceil(data["count"] / max(1, len(data["results"]))))
        return f"{first}?page={last}", f"page {last:,}"
    hops = 0
    current = first
    deadline = time.monotonic() + LAST_PAGE_SECONDS
    while following and time.monotonic() < deadline:
        current = path_of(following)
        following = json_get(client, current).get("next")
        hops += 1
    if following:
        gave_up = f"gave up after {LAST_PAGE_SECONDS} s"
        return current, f"{hops:,} next links in, not the last: {gave_up}"
    return current, f"last, {hops:,} next links in"


def endpoints_pick(api_client: Client) -> list[Endpoint]:
    """Return the endpoints to drive, the trivial one first, with this newsroom's ids."""
    counts = list(
        Article.objects.annotate(n=Count("claims")).order_by("-n", "pk").values_list("pk", "n")
    )
    if len(counts) < 2:
        raise BenchError(f"the newsroom has {len(counts)} article(s); the bench needs two")
    (biggest, biggest_n), rest = counts[0], counts[1:]
    near_500, near_500_n = min(rest, key=lambda row: (abs(row[1] - 500), row[0]))
    # The most worked-on claim: its page shows every verdict, citation and history event.
    claim = (
        Claim.objects.annotate(
            v=Count("verdicts", distinct=True), c=Count("verdicts__citations", distinct=True)
        )
        .order_by("-v", "-c", "pk")
        .first()
    )
    if claim is None:
        raise BenchError("the newsroom has no claims")
    started = time.monotonic()
    late_path, late_note = claims_late_page(api_client)
    say(f"api claims' last page: {late_note}, found in {time.monotonic() - started:.0f} s")
    queue = reverse("claim_queue")
    claims_api = reverse("api_claim_list")
    verdicts, citations = claim.v, claim.c
    return [
        Endpoint("api /me/ (trivial)", reverse("api_me"), api=True),
        Endpoint("api claims, page 1", claims_api, api=True),
        Endpoint("api claims, last page", late_path, api=True, detail=late_note),
        Endpoint(f"api claims ?search={SEARCH}", f"{claims_api}?search={SEARCH}", api=True),
        Endpoint("api articles", reverse("api_article_list"), api=True),
        Endpoint("queue", queue, api=False, target=True),
        Endpoint(f"queue ?search={SEARCH}", f"{queue}?search={SEARCH}", api=False, target=True),
        Endpoint(
            "article, the longest",
            reverse("article_detail", args=[biggest]),
            api=False,
            target=True,
            detail=f"{biggest_n:,} claims",
        ),
        Endpoint(
            "article, ~500 claims",
            reverse("article_detail", args=[near_500]),
            api=False,
            target=True,
            detail=f"{near_500_n:,} claims",
        ),
        Endpoint(
            "claim",
            reverse("claim_detail", args=[claim.pk]),
            api=False,
            target=True,
            detail=f"{plural(verdicts, 'verdict')}, {plural(citations, 'citation')}",
        ),
    ]


# --- Measuring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wrk:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non2xx: int
    socket_errors: str  # "" when there were none

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_run(url: str, headers: dict[str, str], seconds: float) -> Wrk:
    argv = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s"]
    argv += ["--timeout", f"{REQUEST_TIMEOUT}s", "-s", str(WRK_SCRIPT)]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    argv.append(url)
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=seconds + REQUEST_TIMEOUT + 60
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH-WEB ")), None)
    if done.returncode != 0 or line is None:
        raise BenchError(f"wrk failed (exit {done.returncode}): {done.stderr or done.stdout}")
    figures = json.loads(line.removeprefix("BENCH-WEB "))
    socket_errors = ", ".join(
        f"{figures[kind]} {kind}"
        for kind in ("connect", "read", "write", "timeout")
        if figures[kind]
    )
    return Wrk(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        non2xx=figures["non2xx"],
        socket_errors=socket_errors,
    )


@dataclass
class Row:
    endpoint: Endpoint
    queries: int | None = None
    body_bytes: int | None = None
    wrk: Wrk | None = None
    errors: list[str] = field(default_factory=list)


def measure(endpoint: Endpoint, personas: Personas, server: Server, size: Size) -> Row:
    """Count the endpoint's queries here, check it over HTTP, then drive it with wrk."""
    row = Row(endpoint)
    client = personas.client(endpoint)
    try:
        client.get(endpoint.path)  # per-process caches warm, as in a gunicorn worker
        with CaptureQueriesContext(connection) as queries:
            response = client.get(endpoint.path)
        row.queries = len(queries)
        row.body_bytes = len(response.content)
        if response.status_code != 200:
            row.errors.append(f"in this process it answered {response.status_code}")
    except Exception as exc:  # the test Client re-raises the view's exception: report it
        row.errors.append(f"in this process it raised {type(exc).__name__}: {exc}"[:500])
    headers = personas.headers(endpoint)
    try:
        status, _ = http_get(server.port, endpoint.path, headers)
    except OSError as exc:
        raise BenchError(f"{endpoint.label}: gunicorn did not answer ({exc}); see its log") from exc
    if status != 200:
        row.errors.append(f"over HTTP it answered {status}")
    row.wrk = wrk_run(server.base + endpoint.path, headers, size.seconds)
    if row.wrk.requests < MIN_SAMPLES:
        row.wrk = wrk_run(server.base + endpoint.path, headers, size.slow_seconds)
    if row.wrk.non2xx:
        row.errors.append(f"{row.wrk.non2xx} of {row.wrk.requests} answers under wrk were not 2xx")
    if row.wrk.socket_errors:
        row.errors.append(f"wrk socket errors: {row.wrk.socket_errors}")
    figures = f"{row.wrk.requests} requests, p50 {ms(row.wrk.p50_ms)}, {row.queries} queries"
    say(f"  {endpoint.label}: {figures}")
    return row


def run_size(size: Size) -> list[Row]:
    say(f"{size.claims:,} claims: database {DB_NAME} dropped, recreated and migrated")
    took = database_create()
    say(f"migrated in {took:.0f} s; making the newsroom")
    took = newsroom_make(size.claims)
    say(f"newsroom made in {took:.0f} s: {newsroom_describe()}")
    reviewer, personas = personas_log_in()
    endpoints = endpoints_pick(personas.api_client)
    trivial = endpoints[0]
    again = Endpoint("api /me/ again, at the end", trivial.path, api=True)
    with Server(WORK_DIR / f"gunicorn-{size.claims}.log") as server:
        say(
            f"gunicorn on port {server.port} ({WORKERS} sync workers), logged in as "
            f"{reviewer.username}; wrk {THREADS} threads, {CONNECTIONS} connections, "
            f"{size.seconds} s per endpoint"
        )
        # Every worker opens its database connection (CONN_MAX_AGE keeps it) before timing.
        wrk_run(server.base + trivial.path, personas.headers(trivial), 1)
        return [measure(e, personas, server, size) for e in [*endpoints, again]]


# --- Printing ---------------------------------------------------------------------------------


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"


def kilobytes(value: int | None) -> str:
    if value is None:
        return "?"
    return f"{value / 1024:,.1f} KB" if value < 1024 * 1024 else f"{value / 1024 / 1024:.1f} MB"


def ratio(row: Row, trivial: Row) -> float | None:
    if row.wrk is None or trivial.wrk is None or not trivial.wrk.p50_ms:
        return None
    return row.wrk.p50_ms / trivial.wrk.p50_ms


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Return a Markdown table, padded to line up in a terminal; all but the first column
    right-aligned."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        padded = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    rules = ["-" * (widths[0] + 2), *("-" * (w + 1) + ":" for w in widths[1:])]
    return "\n".join([line(headers), "|" + "|".join(rules) + "|", *(line(r) for r in rows)])


def size_table(claims: int, rows: list[Row]) -> str:
    trivial = rows[0]
    cells = []
    for row in rows:
        w = row.wrk
        times = ratio(row, trivial)
        cells.append(
            [
                row.endpoint.label,
                f"{w.requests:,}" if w else "?",
                f"{w.rate:,.1f}" if w else "?",
                ms(w.p50_ms) if w else "?",
                ms(w.p99_ms) if w else "?",
                str(w.non2xx) if w else "?",
                "?" if row.queries is None else str(row.queries),
                kilobytes(row.body_bytes),
                "?" if times is None else f"{times:.1f}x",
            ]
        )
    headers = [
        "endpoint",
        "requests",
        "req/s",
        "p50",
        "p99",
        "non-2xx",
        "queries",
        "size",
        "p50/trivial",
    ]
    text = f"\n## {claims:,} claims\n\n{table(headers, cells)}"
    before, after = trivial.wrk, rows[-1].wrk
    if (
        before
        and after
        and before.p50_ms
        and not 1 / DRIFT <= after.p50_ms / before.p50_ms <= DRIFT
    ):
        text += (
            f"\n\n!! The trivial endpoint's p50 went from {ms(before.p50_ms)} to "
            f"{ms(after.p50_ms)} during the run: something else was using the machine, and the "
            "ratios above are only as good as that."
        )
    return text


def targets_check(claims: int, rows: list[Row]) -> tuple[str, bool]:
    """Return the target table for the pages a reviewer waits on, and whether all passed."""
    trivial = rows[0]
    cells = []
    passed = True
    for row in rows:
        if not row.endpoint.target:
            continue
        times = ratio(row, trivial)
        if times is None or row.queries is None:
            verdict = "ERROR"
        else:
            verdict = "PASS" if times <= TARGET_RATIO and row.queries <= TARGET_QUERIES else "FAIL"
        passed = passed and verdict == "PASS"
        cells.append(
            [
                row.endpoint.label,
                "?" if times is None else f"{times:.1f}x",
                "?" if row.queries is None else str(row.queries),
                verdict,
            ]
        )
    headers = ["page", f"p50/trivial (<= {TARGET_RATIO:g}x)", f"queries (<= {TARGET_QUERIES})"]
    note = "" if claims >= TARGET_CLAIMS else f" (the target is stated for {TARGET_CLAIMS:,})"
    title = f"\n## Targets at {claims:,} claims{note}\n\n"
    return title + table([*headers, "result"], cells), passed


def growth_table(results: dict[int, list[Row]]) -> str:
    sizes = sorted(results)
    cells: dict[str, dict[int, str]] = {}
    for claims in sizes:
        for row in results[claims]:
            p50 = ms(row.wrk.p50_ms) if row.wrk else "?"
            queries = "?" if row.queries is None else str(row.queries)
            cells.setdefault(row.endpoint.name, {})[claims] = f"{p50}, {queries} q"
    headers = ["p50, queries", *(f"{claims:,} claims" for claims in sizes)]
    body = [[name, *(by.get(c, "") for c in sizes)] for name, by in cells.items()]
    return "\n## Growth\n\n" + table(headers, body)


# --- Running ----------------------------------------------------------------------------------


def sizes_from(value: str) -> list[Size]:
    if value == "small":
        return SMALL
    if value == "all":
        return ALL
    try:
        claims = int(value.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError("small, all or a number of claims") from None
    if claims < 20:
        raise argparse.ArgumentTypeError("at least 20 claims")
    return [Size(claims, 5, 20)]


def tools_check() -> None:
    if shutil.which("wrk") is None:
        raise BenchError("wrk is not installed: apt-get install wrk (`make bench-web` does)")
    if not GUNICORN.exists():
        raise BenchError(f"gunicorn is not in the virtualenv ({GUNICORN}): make the venv first")
    postgres_check()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size",
        type=sizes_from,
        default=ALL,
        help="small (1,000 claims, short runs, for CI), all (1,000, 10,000 and 100,000; the "
        "default) or a number of claims",
    )
    parser.add_argument("--keep-db", action="store_true", help=f"leave {DB_NAME} at the end")
    args = parser.parse_args()
    sizes: list[Size] = args.size
    # Clean up on any of these too; SIGINT explicitly, as a shell starting the bench in the
    # background hands it down ignored.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    started = time.monotonic()
    results: dict[int, list[Row]] = {}
    failures: list[str] = []
    created = False
    try:
        tools_check()
        say(f"logs in {WORK_DIR}")
        for size in sizes:
            created = True
            rows = run_size(size)
            results[size.claims] = rows
            print(size_table(size.claims, rows), flush=True)
    except BenchError as exc:
        failures.append(str(exc))
    except KeyboardInterrupt:
        failures.append("interrupted")
    except Exception as exc:  # still print the sizes that finished
        traceback.print_exc()
        failures.append(f"{type(exc).__name__}: {exc}")
    finally:
        if created and not args.keep_db:
            try:
                database_drop()
            except psycopg.Error as exc:
                failures.append(f"could not drop {DB_NAME}: {exc}")
    for claims, rows in results.items():
        failures += [f"{claims:,} claims, {r.endpoint.label}: {e}" for r in rows for e in r.errors]
    if results:
        largest = max(results)
        text, passed = targets_check(largest, results[largest])
        print(text)
        if not passed and largest >= TARGET_CLAIMS:
            failures.append(f"a target is missed at {largest:,} claims")
        print(growth_table(results))
    print(f"\n{time.monotonic() - started:.0f} s in all")
    if failures:
        print("\n!! ERRORS", file=sys.stderr)
        for failure in failures:
            print(f"!! {failure}", file=sys.stderr)
        if any(WORK_DIR.iterdir()):
            print(f"!! logs kept in {WORK_DIR}", file=sys.stderr)
        else:
            WORK_DIR.rmdir()
        return 1
    shutil.rmtree(WORK_DIR, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
