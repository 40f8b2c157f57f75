"""Break the workers on purpose and print how long the work takes to come back.

    .venv/bin/python bench/faults.py [--quick] [--keep-logs]

A private PostgreSQL database (factcheck_faults_<random>, migrated, dropped at the end) and a
private Redis (nothing on disk, killed at the end) carry real Celery workers started as
production starts them: the splits worker, and the background worker (sweep, heartbeat,
exports) with beat. Then, one fault after another:

1. Redis down while articles are ingested; Redis restarted empty while articles are queued.
2. A worker child SIGKILLed right after it claims an article, mid-extraction, while storing the
   claims and while building a report export; the whole splits worker SIGKILLed mid-split.
3. Every database connection killed again and again while a batch is split, under a running
   gunicorn with CONN_MAX_AGE=60, and under a lease being renewed; then the database refusing
   connections for a while (ALLOW_CONNECTIONS false, as during a failover).
4. The largest article accepted (ARTICLE_MAX_BYTES, 5 MB; 1 MB with --quick) and a short one
   right after it.

Every wait has a timeout: a row says TIMEOUT instead of hanging. Logs are kept (and their
folder printed) when a row does not pass, or with --keep-logs.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The machine's PostgreSQL (trust auth); the run makes and drops a database of its own there.
POSTGRES_URL = os.environ.get("FAULTS_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
RUN_ID = secrets.token_hex(4)
DB_NAME = f"factcheck_faults_{RUN_ID}"
REDIS_PORT = free_port()
WORK_DIR = Path(tempfile.mkdtemp(prefix=f"factcheck-faults-{RUN_ID}-"))
SWEEP_SECONDS = 15
LEASE_SECONDS = 30
# What every process of the run reads: its own database, broker and queues, the lease and sweep
# periods being measured. Set before Django starts, so the bench process uses them too.
ENV = {
    "DATABASE_URL": f"{POSTGRES_URL}/{DB_NAME}",
    "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
    "CELERY_BROKER_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
    "CELERY_QUEUE": f"faults-{RUN_ID}",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ARTICLE_SWEEP_SECONDS": str(SWEEP_SECONDS),
    "ARTICLE_SPLIT_LEASE_SECONDS": str(LEASE_SECONDS),
    "EXPORT_ROOT": str(WORK_DIR / "exports"),
    # The articles are the seeds under new headlines: at the default 0.8 they are near-copies
    # and become versions of the first, never split. Only a text equal word for word is one
    # here (the near-copy door has its own tests).
    "NEAR_DUPLICATE_THRESHOLD": "1.0",
    "DJANGO_SETTINGS_MODULE": "factcheck.settings",
    "PYTHONUNBUFFERED": "1",
}
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402
from psycopg import sql  # noqa: E402

from claims.models import Article, Claim, HistoryEvent, ReportExport  # noqa: E402
from claims.reports.data import ReportFilters  # noqa: E402
from claims.services import article_ingest, verdict_approve  # noqa: E402
from claims.services.reports import report_export_request  # noqa: E402
from claims.tasks import SPLIT_SOFT_TIME_LIMIT  # noqa: E402
from factcheck.celery import app as celery_app  # noqa: E402
from factcheck.celery import queue_names  # noqa: E402
from tests.claims.factories import make_user, submitted_verdict, token_for  # noqa: E402

KB = 1024
MB = 1024 * 1024
PYTHON = sys.executable
SPLIT_TASK = "claims.tasks.split_article"
EXPORT_TASK = "claims.tasks.build_report_export"
# A split the workers lost must be taken up again within one lease and one sweep; the rest
# is slack for a loaded machine.
RECLAIM_TARGET = 60.0
FINISHED = [Article.Status.SPLIT, Article.Status.FAILED]
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
SEVEN_SENTENCES = (
    "City council approves transit budget\n\n"
    "The city council approved a transit budget of $412 million on Tuesday, up 6% on last "
    "year. Ridership rose 11% in 2024, the transit authority said. Fares will stay at $2.75 "
    "until at least March. The mayor said the new bus lanes cut journey times by a fifth. "
    "Critics said maintenance spending has fallen for three years in a row. The budget passed "
    "by nine votes to four. A final vote on the rail extension is expected in June."
)

logger = logging.getLogger("bench.faults")


@dataclass(frozen=True)
class Sizes:
    """How big the articles of each fault are, and how long the faults last."""

    outage_articles: int
    outage_seconds: float
    claim_kill: int  # bytes
    extraction_kill: int
    store_kill: int
    master_kill: int
    verdicts: int
    db_batch_small: int
    db_batch_medium: int
    db_medium: int
    db_kill_seconds: float
    db_outage_seconds: float
    db_outage_wait: float
    big: int


QUICK = Sizes(
    outage_articles=5,
    outage_seconds=5,
    claim_kill=500 * KB,
    extraction_kill=2 * MB,
    store_kill=1 * MB,
    master_kill=60 * KB,
    verdicts=120,
    db_batch_small=5,
    db_batch_medium=2,
    db_medium=100 * KB,
    db_kill_seconds=12,
    db_outage_seconds=35,
    db_outage_wait=60,
    big=1 * MB,
)
FULL = Sizes(
    outage_articles=10,
    outage_seconds=20,
    claim_kill=1 * MB,
    extraction_kill=4 * MB,
    store_kill=4 * MB,
    master_kill=200 * KB,
    verdicts=300,
    db_batch_small=10,
    db_batch_medium=4,
    db_medium=300 * KB,
    db_kill_seconds=30,
    db_outage_seconds=45,
    db_outage_wait=120,
    big=0,  # 0: ARTICLE_MAX_BYTES
)


@dataclass
class Row:
    fault: str
    figure: str
    target: str
    result: str  # PASS, FAIL, TIMEOUT, ERROR or SKIP


def judged(ok: bool, *, timed_out: bool = False) -> str:
    if timed_out:
        return "TIMEOUT"
    return "PASS" if ok else "FAIL"


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def wait_until(check: Callable[[], bool], timeout: float, every: float = 0.5) -> float | None:
    """Return the seconds until `check()` held, or None if it did not within `timeout`."""
    started = time.monotonic()
    while True:
        if check():
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            return None
        time.sleep(every)


def seconds(value: float | None) -> str:
    return "TIMEOUT" if value is None else f"{value:.1f} s"


# --- Text -------------------------------------------------------------------------------------


def _shift_numbers(text: str, by: int) -> str:
    return re.sub(r"\d+", lambda match: str(int(match.group()) + by), text)


def news_text(size: int, headline: str) -> str:
    """Return up to `size` bytes of wire copy: the seeds' paragraphs over and over, their numbers
    changed on every pass so no two passes are the same text, under a headline of its own."""
    parts = [headline]
    total = len(headline.encode())
    rounds = 0
    while True:
        for seed in SEED_TEXTS:
            text = _shift_numbers(seed, rounds) if rounds else seed
            for paragraph in text.split("\n\n"):
                paragraph = paragraph.strip()
                grown = total + 2 + len(paragraph.encode())
                if not paragraph:
                    continue
                if grown > size:
                    return "\n\n".join(parts)
                parts.append(paragraph)
                total = grown
        rounds += 1


def seed_variant(index: int, tag: str) -> str:
    """Return seed `index` (cycling) under a headline of its own, so it is a new article."""
    seed = SEED_TEXTS[index % len(SEED_TEXTS)]
    return f"{tag}\n\n{_shift_numbers(seed, index // len(SEED_TEXTS))}"


def ingest(body: str) -> int:
    return article_ingest(body=body).article.pk


# --- Processes --------------------------------------------------------------------------------


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command may hold spaces and brackets: the fields after its closing ")" are fixed.
        if int(stat.rpartition(")")[2].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    """Tell whether the process exists and is not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def memory_mb(pid: int, field: str = "VmHWM") -> float:
    """Return a memory figure of the process in MB: VmHWM, its peak resident memory since it
    started, or VmRSS, now; 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Service:
    """One process of the stack (a worker, Redis, gunicorn): started, stopped and killed on
    demand, in a session of its own so Ctrl-C reaches only the bench, logging to its own file."""

    def __init__(self, name: str, argv: list[str], *, ready_text: str, env: dict[str, str]):
        self.name = name
        self.argv = argv
        self.ready_text = ready_text
        self.env = env
        self.log_path = WORK_DIR / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._log_start = 0

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        self._log = self.log_path.open("ab")
        self._log_start = self._log.tell()
        self._log.write(f"\n===== {self.name} started {time.strftime('%H:%M:%S')}\n".encode())
        self._log.flush()
        self.process = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def output(self) -> str:
        """Return what the process logged since it was last started."""
        with self.log_path.open("rb") as log:
            log.seek(self._log_start)
            return log.read().decode(errors="replace")

    def wait_ready(self, timeout: float = 120) -> None:
        ready = wait_until(lambda: self.ready_text in self.output() or not self.alive(), timeout)
        if ready is None or not self.alive():
            raise RuntimeError(f"{self.name} did not start; see {self.log_path}")

    def children(self) -> list[int]:
        return _children_of(self.pid) if self.alive() else []

    def stop(self, timeout: float = 30) -> None:
        """Stop gracefully (SIGTERM), then SIGKILL the whole session if it does not."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=timeout)
        self._kill_session()

    def kill(self) -> None:
        """SIGKILL the main process only, as the kernel's OOM killer or `kill -9` would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def _kill_session(self) -> None:
        # Whatever the process left behind (worker children, beat) is in its session.
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        if self.process.poll() is None:
            self.process.wait(timeout=30)
        if self._log is not None:
            self._log.close()
            self._log = None


def redis_service() -> Service:
    return Service(
        "redis",
        [
            "redis-server",
            "--port",
            str(REDIS_PORT),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
        ],
        ready_text="Ready to accept connections",
        env=dict(os.environ),
    )


def worker_service(name: str, queues: str, *extra: str) -> Service:
    # As compose and `manage.py workbench` start them: two children each, named per role.
    argv = [PYTHON, "-m", "celery", "-A", "factcheck", "worker", "--loglevel=INFO"]
    argv += ["-Q", queues, "--concurrency", "2", "-n", f"{name}@%h", *extra]
    return Service(name, argv, ready_text=" ready.", env=dict(os.environ))


class Stack:
    """The private Redis and the two workers (beat runs inside the background one)."""

    def __init__(self) -> None:
        queues = queue_names()
        self.redis = redis_service()
        self.splits = worker_service("splits", queues["splits"])
        self.background = worker_service(
            "background",
            f"{queues['maintenance']},{queues['exports']}",
            "--beat",
            "--schedule",
            str(WORK_DIR / "celerybeat-schedule"),
        )
        self.others: list[Service] = []

    def start_redis(self) -> None:
        self.redis.start()
        self.redis.wait_ready(timeout=20)

    def start_workers(self) -> None:
        for worker in self.workers():
            if not worker.alive():
                worker.start()
        for worker in self.workers():
            worker.wait_ready()

    def stop_workers(self) -> None:
        for worker in self.workers():
            worker.stop()

    def workers(self) -> list[Service]:
        return [self.splits, self.background]

    def close(self) -> None:
        for service in [*self.others, *self.workers(), self.redis]:
            try:
                service.stop(timeout=15)
            except Exception as exc:  # keep stopping the rest
                print(f"could not stop {service.name}: {exc}", file=sys.stderr)


# --- Database ---------------------------------------------------------------------------------


def admin_connection() -> psycopg.Connection[Any]:
    return psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True, connect_timeout=10)


def database_create() -> None:
    with admin_connection() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
    migrated = subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if migrated.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{migrated.stdout[-2000:]}{migrated.stderr[-3000:]}")


def database_drop() -> None:
    connections.close_all()
    with admin_connection() as admin:
        # FORCE ends the run's own leftover connections; no other database is touched.
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB_NAME))
        )


def bench_backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def backends_terminate(admin: psycopg.Connection[Any]) -> int:
    """Kill every connection to the run's database except the bench's own; return how many."""
    spared = bench_backend_pid()
    row = admin.execute(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> %s",
        (DB_NAME, spared),
    ).fetchone()
    return int(row[0]) if row else 0


def storing_transaction(admin: psycopg.Connection[Any]) -> str:
    """Return the statement of a worker's write transaction in progress ("" when none).

    Storing claims is the only multi-statement write the splits do: a transaction that holds a
    transaction id and began before its current statement (or sits between statements).
    """
    row = admin.execute(
        "SELECT left(query, 60) FROM pg_stat_activity WHERE datname = %s AND pid <> %s "
        "AND backend_xid IS NOT NULL "
        "AND (state = 'idle in transaction' OR xact_start < query_start) LIMIT 1",
        (DB_NAME, bench_backend_pid()),
    ).fetchone()
    return str(row[0]) if row else ""


# --- Observations -----------------------------------------------------------------------------


def unfinished(ids: Iterable[int]) -> int:
    return Article.objects.filter(pk__in=list(ids)).exclude(status__in=FINISHED).count()


def statuses(ids: Iterable[int]) -> Counter[str]:
    return Counter(Article.objects.filter(pk__in=list(ids)).values_list("status", flat=True))


def duplicate_spans(ids: Iterable[int]) -> int:
    return (
        Claim.objects.filter(article_id__in=list(ids))
        .values("article_id", "start", "end")
        .annotate(copies=Count("id"))
        .filter(copies__gt=1)
        .count()
    )


def split_events(article_id: int) -> int:
    return HistoryEvent.objects.filter(article_id=article_id, action="split").count()


def wait_split(ids: list[int], timeout: float) -> float | None:
    return wait_until(lambda: unfinished(ids) == 0, timeout)


def outcome(ids: list[int]) -> tuple[bool, str]:
    """Say whether every article is split with its claims once, and describe what is not."""
    counted = statuses(ids)
    dups = duplicate_spans(ids)
    empty = Article.objects.filter(pk__in=ids, status=Article.Status.SPLIT, claims__isnull=True)
    lost = len(ids) - counted.get(Article.Status.SPLIT, 0)
    parts = [f"{counted.get(Article.Status.SPLIT, 0)}/{len(ids)} split"]
    if lost:
        parts.append(", ".join(f"{n} {s}" for s, n in counted.items() if s != "split"))
    if dups:
        parts.append(f"{dups} duplicate spans")
    if empty.exists():
        parts.append(f"{empty.count()} split with no claims")
    return lost == 0 and dups == 0 and not empty.exists(), "; ".join(parts)


def child_running(task: str, key: str, value: int, timeout: float) -> int | None:
    """Return the pid of the worker child running `task` for `key=value`, asking the workers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = celery_app.control.inspect(timeout=0.5).active() or {}
        for tasks in replies.values():
            for running in tasks:
                kwargs = running.get("kwargs") or {}
                if running.get("name") == task and (
                    kwargs.get(key) == value if isinstance(kwargs, dict) else False
                ):
                    return int(running["worker_pid"])
        time.sleep(0.05)
    return None


def kill_child(worker: Service, pid: int) -> None:
    # Only ever a child of the run's own worker.
    if pid not in worker.children():
        raise RuntimeError(f"pid {pid} is not a child of the {worker.name} worker")
    os.kill(pid, signal.SIGKILL)


# --- 1. Broker outage -------------------------------------------------------------------------


def broker_outage(stack: Stack, sizes: Sizes) -> list[Row]:
    target = "all split, none lost, < 60 s"
    say(f"1a: Redis down, {sizes.outage_articles} articles ingested meanwhile")
    stack.redis.stop(timeout=5)
    down = time.monotonic()
    ids = [ingest(seed_variant(i, f"Outage {i}")) for i in range(sizes.outage_articles)]
    unsent = Article.objects.filter(pk__in=ids, split_sent_at__isnull=True).count()
    time.sleep(max(0.0, sizes.outage_seconds - (time.monotonic() - down)))
    stack.start_redis()
    outage = time.monotonic() - down
    took = wait_split(ids, timeout=150)
    ok, described = outcome(ids)
    rows = [
        Row(
            f"1a Redis down {outage:.0f} s while {len(ids)} articles were ingested "
            f"({unsent} left unsent)",
            f"all finished {seconds(took)} after Redis came back; {described}",
            target,
            judged(ok and took is not None and took < 60, timed_out=took is None),
        )
    ]

    say(f"1b: workers stopped, {sizes.outage_articles} articles queued, Redis restarted empty")
    stack.stop_workers()
    ids = [ingest(seed_variant(i, f"Lost queue {i}")) for i in range(sizes.outage_articles)]
    sent = Article.objects.filter(pk__in=ids, split_sent_at__isnull=False).count()
    stack.redis.kill()
    stack.start_redis()
    restarted = time.monotonic()
    stack.start_workers()
    workers_up = time.monotonic() - restarted
    took = wait_split(ids, timeout=150)
    took = None if took is None else took + workers_up
    ok, described = outcome(ids)
    rows.append(
        Row(
            f"1b Redis restarted empty with {sent} split messages queued, workers restarted",
            f"all finished {seconds(took)} after the restart (workers up in {workers_up:.0f} s);"
            f" {described}",
            target,
            judged(ok and took is not None and took < 60, timed_out=took is None),
        )
    )
    return rows


# --- 2. SIGKILL at five moments ---------------------------------------------------------------


@dataclass
class Victim:
    """An article or export whose worker was killed, and what became of it."""

    label: str
    article_id: int = 0  # 0: not an article
    export_id: int = 0
    moment: str = ""
    missed: str = ""
    killed_at: datetime | None = None
    killed_mono: float = 0.0
    reclaimed_after: float | None = None
    done_after: float | None = None

    def killed(self, moment: str) -> None:
        self.killed_at = timezone.now()
        self.killed_mono = time.monotonic()
        self.moment = moment

    def poll(self) -> bool:
        """Note when another worker took the work up and when it finished; True once done."""
        if self.killed_at is None or self.done_after is not None:
            return True
        since = time.monotonic() - self.killed_mono
        if self.article_id:
            article = Article.objects.get(pk=self.article_id)
            started, finished = article.split_started_at, article.status in FINISHED
        else:
            export = ReportExport.objects.get(pk=self.export_id)
            started = export.started_at
            finished = export.status in {ReportExport.Status.DONE, ReportExport.Status.FAILED}
        if self.reclaimed_after is None and started is not None and started > self.killed_at:
            self.reclaimed_after = since
        if finished:
            self.done_after = since
            if self.reclaimed_after is None:
                self.reclaimed_after = since  # taken and finished between two looks
        return self.done_after is not None

    def row(self) -> Row:
        target = f"re-taken < {RECLAIM_TARGET:.0f} s; done once, no duplicates"
        if self.missed:
            return Row(self.label, f"moment missed: {self.missed}", target, "FAIL")
        timed_out = self.done_after is None
        head = (
            f"{self.moment}; re-taken {seconds(self.reclaimed_after)}, "
            f"done {seconds(self.done_after)} after the kill"
        )
        if self.export_id:
            export = ReportExport.objects.get(pk=self.export_id)
            ok = export.status == ReportExport.Status.DONE and bool(export.file_name)
            built = (
                f", built in {(export.finished_at - export.started_at).total_seconds():.1f} s"
                if export.finished_at and export.started_at
                else ""
            )
            figure = f"{head}; export {export.status}{built}"
        else:
            article = Article.objects.get(pk=self.article_id)
            fine, described = outcome([self.article_id])
            events = split_events(self.article_id)
            ok = fine and events == 1
            figure = (
                f"{head}; {article.claims.count()} claims, {described}, "
                f"{article.split_attempts} attempts, {events} split event(s)"
            )
            if article.failure_reason:
                figure += f"; reason: {article.failure_reason[:80]}"
        reclaimed = self.reclaimed_after is not None and self.reclaimed_after < RECLAIM_TARGET
        return Row(self.label, figure, target, judged(ok and reclaimed, timed_out=timed_out))


def approved_verdicts(count: int) -> tuple[User, int]:
    """Approve verdicts on `count` claims (through the services, as people would); return an
    editor who may export them and how many there are."""
    author = make_user(f"faults-reviewer-{RUN_ID}", "Reviewer")
    editor = make_user(f"faults-editor-{RUN_ID}", "Editor")
    claims = Claim.objects.filter(article__status=Article.Status.SPLIT).order_by("id")[:count]
    made = 0
    for claim in claims:
        verdict_approve(verdict=submitted_verdict(claim, author), editor=editor)
        made += 1
    return editor, made


def kill_during_export(stack: Stack, editor: User) -> Victim:
    victim = Victim("2d export child SIGKILLed while building a PDF report")
    export = report_export_request(user=editor, filters=ReportFilters(), fmt="pdf")
    victim.export_id = export.pk
    pid = child_running(EXPORT_TASK, "export_id", export.pk, timeout=60)
    if pid is None:
        victim.missed = "the export never started"
        return victim
    time.sleep(1.0)  # into the build, past the claim
    export.refresh_from_db()
    if export.status != ReportExport.Status.RUNNING or export.started_at is None:
        victim.missed = f"the export was {export.status} before the kill"
        return victim
    kill_child(stack.background, pid)
    victim.killed(
        f"{(timezone.now() - export.started_at).total_seconds():.1f} s into the build of "
        f"{export.total} verdicts"
    )
    return victim


def kill_after_claim(stack: Stack, size: int) -> Victim:
    victim = Victim(f"2a splits child SIGKILLed right after claiming a {size // KB} KB article")
    victim.article_id = ingest(news_text(size, "Kill right after the claim"))
    pid = child_running(SPLIT_TASK, "article_id", victim.article_id, timeout=60)
    claimed = wait_until(
        lambda: Article.objects.filter(
            pk=victim.article_id, status=Article.Status.SPLITTING
        ).exists(),
        timeout=30,
        every=0.005,
    )
    if pid is None or claimed is None:
        victim.missed = "the split never started"
        return victim
    kill_child(stack.splits, pid)
    article = Article.objects.get(pk=victim.article_id)
    if article.status != Article.Status.SPLITTING or article.split_started_at is None:
        victim.missed = f"the article was {article.status} before the kill"
        return victim
    victim.killed(f"{(timezone.now() - article.split_started_at).total_seconds():.2f} s after")
    victim.moment = f"killed {victim.moment} the claim"
    return victim


def kill_mid_extraction_and_while_storing(
    stack: Stack, sizes: Sizes, admin: psycopg.Connection[Any]
) -> list[Victim]:
    """Start two large splits at once: kill one child after its first lease renewal (mid
    extraction) and the other when its claims are being written."""
    extracting = Victim(
        f"2b splits child SIGKILLed mid-extraction of a {sizes.extraction_kill // KB} KB article"
    )
    storing = Victim(
        f"2c splits child SIGKILLed while storing the claims of a {sizes.store_kill // KB} KB "
        "article"
    )
    extracting.article_id = ingest(news_text(sizes.extraction_kill, "Kill mid-extraction"))
    storing.article_id = ingest(news_text(sizes.store_kill, "Kill while storing"))
    pids = {
        victim.label: child_running(SPLIT_TASK, "article_id", victim.article_id, timeout=90)
        for victim in (extracting, storing)
    }
    deadline = time.monotonic() + SPLIT_SOFT_TIME_LIMIT
    while time.monotonic() < deadline and (
        extracting.killed_at is None
        and not extracting.missed
        or storing.killed_at is None
        and not storing.missed
    ):
        if extracting.killed_at is None and not extracting.missed:
            article = Article.objects.get(pk=extracting.article_id)
            pid = pids[extracting.label]
            if article.status != Article.Status.SPLITTING and article.split_started_at:
                extracting.missed = f"the split ended ({article.status}) before a renewal"
            elif pid and article.split_started_at and article.split_heartbeat_at:
                into = (article.split_heartbeat_at - article.split_started_at).total_seconds()
                running = (timezone.now() - article.split_started_at).total_seconds()
                # After its first renewal if it comes in time; a fast split is killed 3 s in.
                if into > 0 or running >= 3:
                    kill_child(stack.splits, pid)
                    renewal = (
                        f"after its first lease renewal at {into:.1f} s"
                        if into > 0
                        else "before its first lease renewal"
                    )
                    extracting.killed(f"killed {running:.1f} s into extraction, {renewal}")
        if storing.killed_at is None and not storing.missed:
            pid = pids[storing.label]
            statement = storing_transaction(admin)
            if statement.startswith('INSERT INTO "claims_claim"') and pid:
                kill_child(stack.splits, pid)
                storing.killed("killed mid-INSERT of its claims (seen in pg_stat_activity)")
            elif Article.objects.filter(pk=storing.article_id, status__in=FINISHED).exists():
                storing.missed = "the claims were stored before the bench saw the transaction"
        time.sleep(0.005)
    for victim in (extracting, storing):
        if victim.killed_at is None and not victim.missed:
            victim.missed = "TIMEOUT waiting for the moment"
        elif victim.killed_at is not None:
            time.sleep(0.2)
            status = Article.objects.get(pk=victim.article_id).status
            if status in FINISHED:
                victim.missed = f"the kill came too late: the first split ended {status}"
    return [extracting, storing]


def kill_whole_worker(stack: Stack, size: int) -> Victim:
    victim = Victim(
        f"2e whole splits worker SIGKILLed mid-split of a {size // KB} KB article, restarted"
    )
    victim.article_id = ingest(news_text(size, "Kill the whole worker"))
    claimed = wait_until(
        lambda: Article.objects.filter(
            pk=victim.article_id, status=Article.Status.SPLITTING
        ).exists(),
        timeout=60,
        every=0.02,
    )
    if claimed is None:
        victim.missed = "the split never started"
        return victim
    time.sleep(1.0)
    children = stack.splits.children()
    stack.splits.kill()
    victim.killed("master SIGKILLed 1 s after the claim")
    # The children die with their master (prctl PDEATHSIG): a container kill leaves none.
    time.sleep(0.5)
    survivors = [pid for pid in children if running(pid)]
    if Article.objects.filter(pk=victim.article_id, status__in=FINISHED).exists():
        victim.missed = "the split ended before the kill"
    stack.splits.stop()  # the session: anything left
    stack.splits.start()
    stack.splits.wait_ready()
    victim.moment += (
        f"; {len(survivors)} of {len(children)} children outlived it"
        if survivors
        else f"; its {len(children)} children died with it"
    )
    return victim


def worker_kills(stack: Stack, sizes: Sizes) -> list[Row]:
    say(f"2: approving {sizes.verdicts} verdicts for the export")
    editor, made = approved_verdicts(sizes.verdicts)
    say(f"2: the kills ({made} verdicts to export)")
    # The five kills follow each other without waiting for recovery (each recovery waits out a
    # lease anyway); each figure runs from its own kill.
    victims: list[Victim] = []
    with admin_connection() as admin:
        victims.append(kill_during_export(stack, editor))
        victims.append(kill_after_claim(stack, sizes.claim_kill))
        victims += kill_mid_extraction_and_while_storing(stack, sizes, admin)
    victims.append(kill_whole_worker(stack, sizes.master_kill))
    say("2: waiting for the killed work to be taken up again")

    def recovered() -> bool:
        polled = [victim.poll() for victim in victims]  # every one, to time each
        return all(polled)

    wait_until(recovered, timeout=240, every=0.25)
    order = {"2a": 0, "2b": 1, "2c": 2, "2d": 3, "2e": 4}
    return [v.row() for v in sorted(victims, key=lambda v: order[v.label[:2]])]


# --- 3. Database connection kills -------------------------------------------------------------


def connection_kills(stack: Stack, sizes: Sizes) -> Row:
    count = sizes.db_batch_small + sizes.db_batch_medium
    say(f"3: killing every database connection while {count} articles are split")
    splits_log_before = stack.splits.output().count("Could not renew the lease")
    ids = [ingest(seed_variant(i, f"Connection kills {i}")) for i in range(sizes.db_batch_small)]
    ids += [
        ingest(news_text(sizes.db_medium, f"Connection kills, long {i}"))
        for i in range(sizes.db_batch_medium)
    ]
    killed = rounds = 0
    with admin_connection() as admin:
        started = time.monotonic()
        while time.monotonic() - started < sizes.db_kill_seconds:
            killed += backends_terminate(admin)
            rounds += 1
            time.sleep(2)
    took = wait_split(ids, timeout=120)
    counted = statuses(ids)
    without_reason = Article.objects.filter(
        pk__in=ids, status=Article.Status.FAILED, failure_reason=""
    ).count()
    stuck = unfinished(ids)
    dups = duplicate_spans(ids)
    retried = Article.objects.filter(pk__in=ids, split_attempts__gt=1).count()
    renewals_failed = stack.splits.output().count("Could not renew the lease") - splits_log_before
    reasons = Counter(
        reason[:60]
        for reason in Article.objects.filter(pk__in=ids, status=Article.Status.FAILED)
        .values_list("failure_reason", flat=True)
        .iterator()
    )
    figure = (
        f"{killed} backends killed in {rounds} rounds over {sizes.db_kill_seconds:.0f} s; "
        f"{counted.get('split', 0)} split, {counted.get('failed', 0)} failed, {stuck} stuck, "
        f"settled {seconds(took)} after the last kill; {retried} split more than once, "
        f"{renewals_failed} failed lease renewals logged, {dups} duplicate spans"
    )
    if reasons:
        figure += "; failed: " + "; ".join(f"{n}× {r}" for r, n in reasons.items())
    ok = stuck == 0 and without_reason == 0 and dups == 0
    return Row(
        f"3a database connections killed while {count} articles are split",
        figure,
        "all split or failed with a reason, none stuck after 2 min",
        judged(ok, timed_out=took is None),
    )


def database_outage(stack: Stack, sizes: Sizes) -> Row:
    """Make the run's database refuse connections for a while (as a failover would), with a
    batch waiting to be split, then let it back in."""
    count = sizes.db_batch_small + sizes.db_batch_medium
    say(
        f"3d: the database refuses connections for {sizes.db_outage_seconds:.0f} s, {count} "
        "articles waiting"
    )
    log_before = len(stack.splits.output())
    ids = [ingest(seed_variant(i, f"Database outage {i}")) for i in range(sizes.db_batch_small)]
    ids += [
        ingest(news_text(sizes.db_medium, f"Database outage, long {i}"))
        for i in range(sizes.db_batch_medium)
    ]
    database = sql.Identifier(DB_NAME)
    with admin_connection() as admin:
        try:
            admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(database))
            killed = backends_terminate(admin)
            time.sleep(sizes.db_outage_seconds)
        finally:
            admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(database))
    took = wait_split(ids, timeout=sizes.db_outage_wait)
    counted = statuses(ids)
    stuck = Article.objects.filter(pk__in=ids).exclude(status__in=FINISHED)
    stuck_sent = stuck.filter(split_sent_at__isnull=False).count()
    without_reason = Article.objects.filter(
        pk__in=ids, status=Article.Status.FAILED, failure_reason=""
    ).count()
    log = stack.splits.output()[log_before:]
    gave_up = log.count("raised unexpected: OperationalError")
    if took is None:
        settled = f"still unfinished {sizes.db_outage_wait:.0f} s after it was back"
    else:
        settled = f"all finished {took:.1f} s after it was back"
    figure = (
        f"{killed} backends killed, then refused; {settled}: {counted.get('split', 0)} split, "
        f"{counted.get('failed', 0)} failed, {stuck.count()} unfinished ({stuck_sent} of them "
        f"with a message already sent); {gave_up} split tasks gave up retrying"
    )
    return Row(
        f"3d database refusing connections for {sizes.db_outage_seconds:.0f} s with {count} "
        "articles waiting",
        figure,
        "all split or failed with a reason < 60 s after it is back",
        judged(took is not None and took < 60 and without_reason == 0, timed_out=took is None),
    )


def lease_after_connection_kill() -> Row:
    """Renew a lease every second (claims.services.leases, as splits and exports do), kill the
    renewing thread's connection, and see whether the renewals come back."""
    from claims.services.leases import lease_renewed

    say("3c: a lease renewed every second, its connection killed")
    now = timezone.now()
    user = make_user(f"faults-lease-{RUN_ID}")
    probe = ReportExport.objects.create(
        requested_by=user,
        format="csv",
        status=ReportExport.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        sent_at=now,
    )
    held = ReportExport.objects.filter(
        pk=probe.pk, status=ReportExport.Status.RUNNING, started_at=now
    )
    renewal = 'UPDATE "claims_reportexport" SET "heartbeat_at"%'
    log = WORK_DIR / "bench.log"
    warnings_before = log.read_text(errors="replace").count("Could not renew the lease")
    with admin_connection() as admin, lease_renewed(held, field="heartbeat_at", every=1.0):
        time.sleep(2.5)
        row = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> %s AND query LIKE %s",
            (DB_NAME, bench_backend_pid(), renewal),
        ).fetchone()
        killed_at = timezone.now()
        resumed = wait_until(
            lambda: held.filter(heartbeat_at__gt=killed_at).exists(), timeout=5, every=0.1
        )
    held.update(status=ReportExport.Status.FAILED, error="lease probe of bench/faults.py")
    lines = log.read_text(errors="replace").splitlines()
    failures = [line for line in lines if "Could not renew the lease" in line][warnings_before:]
    killed = int(row[0]) if row else 0
    if resumed is not None:
        figure = f"renewed again {resumed:.1f} s after its connection was killed"
    else:
        figure = "no renewal in the 5 s after its connection was killed"
    figure += f" ({killed} killed); {len(failures)} failed renewals logged"
    if failures:
        figure += f": {failures[-1].partition('Could not renew the lease')[2][:90].strip()}"
    return Row(
        "3c a lease (renewed every 1 s) whose connection is killed",
        figure,
        "renewals resume at the next beat (< 2 s)",
        judged(killed > 0 and resumed is not None and resumed < 2),
    )


def http_status(url: str, token: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return int(response.status), ""
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()[:300].decode(errors="replace")
    except OSError as exc:
        return 0, str(exc)


def web_connection_kills(stack: Stack) -> Row:
    say("3b: gunicorn with CONN_MAX_AGE=60, every connection killed under it")
    port = free_port()
    web = Service(
        "gunicorn",
        [
            str(Path(PYTHON).with_name("gunicorn")),
            "factcheck.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
        ],
        ready_text="Booting worker",
        env={**os.environ, "CONN_MAX_AGE": "60"},
    )
    stack.others.append(web)
    web.start()
    web.wait_ready(timeout=60)
    token = token_for(make_user(f"faults-web-{RUN_ID}", "Reviewer"))
    base = f"http://127.0.0.1:{port}"
    urls = [f"{base}/health/ready/", f"{base}/api/articles/"]
    if wait_until(lambda: http_status(urls[0], token)[0] == 200, timeout=60) is None:
        web.stop()
        return Row(
            "3b web: connections killed under gunicorn",
            f"/health/ready/ never answered 200: {http_status(urls[0], token)}",
            "no 500",
            "FAIL",
        )
    for _ in range(10):  # every gunicorn worker now holds a connection it means to keep
        for url in urls:
            http_status(url, token)
    codes: Counter[int] = Counter()
    first_bad = ""
    killed = 0
    with admin_connection() as admin:
        for _ in range(3):
            killed += backends_terminate(admin)
            for _ in range(10):
                for url in urls:
                    code, body = http_status(url, token)
                    codes[code] += 1
                    if code != 200 and not first_bad:
                        first_bad = f"{url.removeprefix(base)} {code}: {body[:120]}"
    web.stop()
    stack.others.remove(web)
    errors = sum(n for code, n in codes.items() if code >= 500 or code == 0)
    figure = (
        f"{sum(codes.values())} requests after 3 kills ({killed} backends): "
        + ", ".join(f"{n}× {code}" for code, n in sorted(codes.items()))
        + (f"; first: {first_bad}" if first_bad else "")
    )
    return Row(
        "3b web: every connection killed under gunicorn (CONN_MAX_AGE=60)",
        figure,
        "no 500 (nor 503)",
        judged(errors == 0),
    )


# --- 4. The largest article -------------------------------------------------------------------


def largest_article(stack: Stack, sizes: Sizes) -> list[Row]:
    from django.conf import settings

    size = sizes.big or settings.ARTICLE_MAX_BYTES
    body = news_text(size, "The largest article")
    say(f"4: a {len(body.encode()) / MB:.2f} MB article, then a 7-sentence one")
    # Fresh children: the peak then belongs to this split (and the model it loads), not to an
    # earlier one.
    stack.splits.stop()
    stack.splits.start()
    stack.splits.wait_ready()
    ingested = time.monotonic()
    big = ingest(body)
    pid = child_running(SPLIT_TASK, "article_id", big, timeout=60) or 0
    before = memory_mb(pid)
    peak = 0.0

    def watch() -> None:
        nonlocal peak
        peak = max(peak, memory_mb(pid))

    wait_until(
        lambda: Article.objects.filter(pk=big).exclude(status=Article.Status.QUEUED).exists(),
        timeout=60,
        every=0.1,
    )
    small_at = time.monotonic()
    small = ingest(SEVEN_SENTENCES)

    def small_done() -> bool:
        watch()
        return unfinished([small]) == 0

    small_wait = wait_until(small_done, timeout=120, every=0.1)
    small_wait = None if small_wait is None else time.monotonic() - small_at

    def big_done() -> bool:
        watch()
        return unfinished([big]) == 0

    # The task's hard time limit ends a split that runs away; a minute more for the rescue.
    big_wait = wait_until(big_done, timeout=SPLIT_SOFT_TIME_LIMIT + 90, every=0.5)
    big_took = None if big_wait is None else time.monotonic() - ingested
    article = Article.objects.get(pk=big)
    limit = settings.WORKER_MEMORY_LIMIT_MB
    ok, described = outcome([big])
    figure = (
        f"{seconds(big_took)} from ingest to split; {article.claims.count()} claims, {described}"
    )
    if article.failure_reason:
        figure += f"; reason: {article.failure_reason[:100]}"
    small_ok, small_described = outcome([small])
    return [
        Row(
            f"4a {len(body.encode()) / MB:.2f} MB article (ARTICLE_MAX_BYTES "
            f"{settings.ARTICLE_MAX_BYTES / MB:.0f} MB)",
            figure,
            f"split within the {SPLIT_SOFT_TIME_LIMIT} s task limit (was 64.7 min)",
            judged(ok and big_took is not None, timed_out=big_took is None),
        ),
        Row(
            "4b peak memory of the splits child that split it",
            f"{peak:.0f} MB peak resident (VmHWM; {before:.0f} MB when it took the task)",
            f"< {limit} MB (WORKER_MEMORY_LIMIT_MB)",
            judged(0 < peak < limit),
        ),
        Row(
            "4c 7-sentence article ingested right after it",
            f"split {seconds(small_wait)} after ingest; {small_described}",
            "< 10 s (the other child takes it)",
            judged(
                small_ok and small_wait is not None and small_wait < 10,
                timed_out=small_wait is None,
            ),
        ),
    ]


# --- Running it -------------------------------------------------------------------------------


def run_phase(rows: list[Row], name: str, phase: Callable[[], list[Row]]) -> None:
    """Run one fault; an exception becomes an ERROR row and the next fault still runs."""
    started = time.monotonic()
    try:
        rows += phase()
    except KeyboardInterrupt:
        raise
    except Exception as exc:
        logger.exception("%s failed", name)
        traceback.print_exc()
        rows.append(Row(name, f"{type(exc).__name__}: {exc}"[:300], "", "ERROR"))
    say(f"{name}: {time.monotonic() - started:.0f} s")


def print_table(rows: list[Row]) -> None:
    headers = ("fault", "figure", "target", "result")
    cells = [headers, *((r.fault, r.figure, r.target, r.result) for r in rows)]
    print()
    for index, cell in enumerate(cells):
        print("| " + " | ".join(cell) + " |")
        if index == 0:
            print("|" + "|".join("---" for _ in headers) + "|")


def log_summary(stack: Stack) -> list[str]:
    """Count the lines in the workers' logs that tell of trouble, with one example each."""
    patterns = {
        "lease renewal failed": "Could not renew the lease",
        "worker lost": "WorkerLostError",
        "broker unreachable": "Broker unreachable",
        "task failed": "ERROR/ForkPoolWorker",
        "task retried": "Retry in",
        "beat send failed": "Message Error",
    }
    lines = []
    for service in stack.workers():
        if not service.log_path.exists():
            continue
        text = service.log_path.read_text(errors="replace").splitlines()
        for label, needle in patterns.items():
            hits = [line for line in text if needle in line]
            if hits:
                lines.append(f"{service.name}: {len(hits)}× {label}, e.g. {hits[0][:160]}")
    return lines


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller articles, 1 MB at most")
    parser.add_argument("--keep-logs", action="store_true", help=f"keep {WORK_DIR}")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    # Clean up on any of these too; SIGINT is set explicitly because a shell starting the bench
    # in the background hands it down ignored.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    # The bench's own warnings (a send refused while Redis is down) go to its log, not the table.
    logging.basicConfig(filename=WORK_DIR / "bench.log", level=logging.INFO, force=True)
    started = time.monotonic()
    rows: list[Row] = []
    stack = Stack()
    created = False
    try:
        say(f"private database {DB_NAME}, Redis on port {REDIS_PORT}, logs in {WORK_DIR}")
        database_create()
        created = True
        stack.start_redis()
        stack.start_workers()
        say(f"set up in {time.monotonic() - started:.0f} s")
        run_phase(rows, "1 broker outage", lambda: broker_outage(stack, sizes))
        stack.start_workers()  # whatever a failed phase left stopped
        run_phase(rows, "2 SIGKILL at five moments", lambda: worker_kills(stack, sizes))
        stack.start_workers()
        run_phase(rows, "3a connection kills", lambda: [connection_kills(stack, sizes)])
        run_phase(rows, "3b web connection kills", lambda: [web_connection_kills(stack)])
        run_phase(rows, "3c lease after a connection kill", lambda: [lease_after_connection_kill()])
        stack.start_workers()
        run_phase(rows, "3d database outage", lambda: [database_outage(stack, sizes)])
        stack.start_workers()
        run_phase(rows, "4 largest article", lambda: largest_article(stack, sizes))
    except KeyboardInterrupt:
        print("\ninterrupted: cleaning up", file=sys.stderr)
        rows.append(Row("(interrupted)", "", "", "ERROR"))
    finally:
        summary = log_summary(stack)
        stack.close()
        if created:
            try:
                database_drop()
            except Exception as exc:
                print(f"could not drop {DB_NAME}: {exc}", file=sys.stderr)
    mode = "--quick" if args.quick else "full"
    print_table(rows)
    print(f"\n{mode} run: {time.monotonic() - started:.0f} s in all")
    if summary:
        print("\nWorker logs:\n" + "\n".join(f"- {line}" for line in summary))
    passed = bool(rows) and all(row.result == "PASS" for row in rows)
    if args.keep_logs or not passed:
        print(f"\nLogs kept in {WORK_DIR}")
    else:
        shutil.rmtree(WORK_DIR, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
