"""Time articles through the whole pipeline against the bare extractor on the same texts.

    .venv/bin/python bench/pipeline.py [--articles N | --small] [--timeout S] [--keep-logs]

The issue's target: 2,000 articles ingested through Redis with two workers finish within 1.5×
of the bare extractor's time for the same articles in one process, and throughput grows when
a worker is added.

1. N articles are built from the seeds: shuffled paragraphs, a headline and shifted numbers of
   their own, so every content hash differs (2,000 by default, 100 with --small).
2. The bare extractor (`claims.extraction.extract_claims`) runs over the same texts in this
   one process, with no database: its wall and CPU time, and the claims it finds per text.
3. The real pipeline, once with one split worker and once with two: a private PostgreSQL
   database (factcheck_benchpipe, dropped, created and migrated for each run), a private Redis
   database (flushed), a queue of the run's own, the split workers started as production
   starts them (`celery -A factcheck worker`, one child each) and the background worker with
   beat (the sweep). Every article goes through `article_ingest` as fast as this process can
   send it; the run is timed from the first ingest to the last article split.
4. Every article must end split with the claims the bare extractor found in its text, each
   split once; then PASS or FAIL against the targets.

Needs PostgreSQL (BENCH_POSTGRES_URL, default the machine's at 127.0.0.1:5432, trust auth) and
Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/9: that database is flushed). Exits 0
when every target passes, 1 when one fails, 2 when the services or the set-up fail.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import IO, Any

# One core per process, as the workers run the model (onnxruntime, BLAS).
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("FACTCHECK_MODEL_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "factcheck_benchpipe"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
RUN_ID = secrets.token_hex(4)
WORK_DIR = Path(tempfile.mkdtemp(prefix=f"factcheck-benchpipe-{RUN_ID}-"))
# What every process of the run reads: its own database, broker and queues. CONN_MAX_AGE is
# production's (.env.example); `make run` leaves it at 0, a new connection for every task.
ENV = {
    "DATABASE_URL": f"{POSTGRES_URL}/{DB_NAME}",
    "REDIS_URL": REDIS_URL,
    "CELERY_BROKER_URL": REDIS_URL,
    "CELERY_QUEUE": f"benchpipe-{RUN_ID}",
    "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
    "SECRET_KEY": secrets.token_urlsafe(50),
    "EXPORT_ROOT": str(WORK_DIR / "exports"),
    "DJANGO_SETTINGS_MODULE": "factcheck.settings",
    "PYTHONUNBUFFERED": "1",
}
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
import redis  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.db.models import Count, Max, Q  # noqa: E402
from psycopg import sql  # noqa: E402

from claims.extraction import extract_claims  # noqa: E402
from claims.models import Article, content_hash  # noqa: E402
from claims.services import article_ingest  # noqa: E402
from factcheck.celery import queue_names  # noqa: E402

PYTHON = sys.executable
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
DEFAULT_ARTICLES = 2000
SMALL_ARTICLES = 100
# News-length bodies: 1,500 to 6,000 characters of paragraphs (about 250 to 1,000 words),
# more when the last paragraph drawn is a long one.
BODY_CHARS = (1500, 6000)
TARGET_RATIO = 1.5  # two workers' wall time over the bare extractor's, at most
FINISHED = [Article.Status.SPLIT, Article.Status.FAILED]
TASK_LINE = re.compile(r"Task claims\.tasks\.split_article\[[^\]]+\] succeeded in ([\d.]+)s: (\d+)")
SWEEP_LINE = re.compile(
    r"Task claims\.tasks\.requeue_stalled_articles\[[^\]]+\] succeeded in [\d.]+s: (\d+)"
)
TROUBLE = {
    "task failed": re.compile(r"ERROR/"),
    "task retried": re.compile(r"Retry in"),
    "broker unreachable": re.compile(r"Broker unreachable"),
    "lease renewal failed": re.compile(r"Could not renew the lease"),
    "worker lost": re.compile(r"WorkerLostError"),
}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class BenchError(RuntimeError):
    """The bench cannot run or finish a phase: printed as is, exit status 2."""


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Articles ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchArticle:
    title: str
    body: str
    digest: str


def seed_paragraphs() -> list[str]:
    """Return every non-empty line of the seeds: their paragraphs, headings and bullets."""
    return [line.strip() for text in SEED_TEXTS for line in text.splitlines() if line.strip()]


def _shift_numbers(text: str, by: int) -> str:
    return re.sub(r"\d+", lambda match: str(int(match.group()) + by), text)


def build_articles(count: int) -> list[BenchArticle]:
    """Return `count` different news-length articles made of the seeds' paragraphs, shuffled.

    Each has a headline of its own and its numbers shifted by a small amount of its own, so no
    two texts are the same and the extractor sees a different mix of sentences every time.
    The same `count` always gives the same articles.
    """
    pool = seed_paragraphs()
    rng = random.Random(20261201)
    articles = []
    for index in range(count):
        target = rng.randint(*BODY_CHARS)
        shift = index % 7
        paragraphs: list[str] = []
        size = 0
        for paragraph in rng.sample(pool, len(pool)):
            if size >= target:
                break
            paragraphs.append(_shift_numbers(paragraph, shift) if shift else paragraph)
            size += len(paragraphs[-1]) + 2
        words = re.sub(r"[^\w\s’'-]", "", paragraphs[0]).split()[:8]
        title = f"Wire {index + 1:04d}: {' '.join(words)}"
        body = f"{title}\n\n" + "\n\n".join(paragraphs)
        articles.append(BenchArticle(title=title, body=body, digest=content_hash(body)))
    if len({a.digest for a in articles}) != count:
        raise BenchError("two bench articles have the same text")
    return articles


# --- The bare extractor -----------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    wall: float
    cpu: float
    model_load: float
    claims: dict[str, int]  # content hash -> claims found
    others: float  # CPU seconds the rest of the machine used meanwhile

    @property
    def total_claims(self) -> int:
        return sum(self.claims.values())


def bare_extractor(articles: list[BenchArticle], timeout: float) -> Baseline:
    """Extract every article in this process, one after another, the model already loaded."""
    started = time.perf_counter()
    extract_claims(SEED_TEXTS[0])  # loads the models, as a worker child's first split does
    model_load = time.perf_counter() - started
    claims = {}
    machine_start = machine_busy_seconds()
    wall_start = time.perf_counter()
    cpu_start = time.process_time()
    for article in articles:
        claims[article.digest] = len(extract_claims(article.body))
        if time.perf_counter() - wall_start > timeout:
            raise BenchError(f"the bare extractor took more than {timeout:.0f} s")
    cpu = time.process_time() - cpu_start
    return Baseline(
        wall=time.perf_counter() - wall_start,
        cpu=cpu,
        model_load=model_load,
        claims=claims,
        others=max(0.0, machine_busy_seconds() - machine_start - cpu),
    )


# --- Processes --------------------------------------------------------------------------------


def _stat_fields(pid: int | str) -> list[str]:
    # The command may hold spaces and brackets: the fields after its closing ")" are fixed.
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()


def _cpu_ticks(fields: list[str]) -> int:
    # utime, stime, and cutime, cstime: the children it reaped (a replaced worker child, a
    # PostgreSQL backend that closed) count for it.
    return sum(int(value) for value in fields[11:15])


def machine_busy_seconds() -> float:
    """Return the CPU seconds every core of the machine has spent busy since it booted."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = values
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


class Worker:
    """A Celery worker in a session of its own, so stopping it reaches every child it forked."""

    def __init__(self, name: str, queues: str, *extra: str) -> None:
        self.name = name
        # As `manage.py workbench` and compose start them, named per role.
        self.argv = [PYTHON, "-m", "celery", "-A", "factcheck", "worker", "--loglevel=INFO"]
        self.argv += ["-Q", queues, "-n", f"{name}-{RUN_ID}@%h", *extra]
        self.log_path = WORK_DIR / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> None:
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=dict(os.environ),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_ready(self, deadline: float) -> None:
        while " ready." not in self.output():
            if not self.alive():
                raise BenchError(f"worker {self.name} exited:\n{self.output()[-2000:]}")
            if time.monotonic() > deadline:
                raise BenchError(f"worker {self.name} did not start; see {self.log_path}")
            time.sleep(0.2)

    @property
    def session(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def stop(self) -> None:
        """Stop with SIGTERM (a warm shutdown), then SIGKILL whatever is left of the session."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None


# --- Services ---------------------------------------------------------------------------------


def admin_connection() -> psycopg.Connection[Any]:
    return psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True, connect_timeout=5)


def broker() -> redis.Redis:
    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3, socket_timeout=10)


def services_check() -> None:
    """Fail with a clear message when PostgreSQL or Redis does not answer."""
    try:
        with admin_connection() as admin:
            admin.execute("SELECT 1")
    except psycopg.Error as exc:
        raise BenchError(f"PostgreSQL does not answer at {POSTGRES_URL}: {exc}") from exc
    try:
        broker().ping()
    except redis.RedisError as exc:
        raise BenchError(f"Redis does not answer at {REDIS_URL}: {exc}") from exc


def database_drop() -> None:
    connections.close_all()
    with admin_connection() as admin:
        # FORCE ends this run's leftover connections; no other database is touched.
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB_NAME))
        )


def database_reset() -> None:
    """Drop, create and migrate the bench's own database."""
    database_drop()
    with admin_connection() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
    try:
        migrated = subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=dict(os.environ),
            capture_output=True,
            text=True,
            timeout=600,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError("manage.py migrate took more than 600 s") from exc
    if migrated.returncode != 0:
        raise BenchError(f"migrate failed:\n{migrated.stdout[-2000:]}{migrated.stderr[-3000:]}")


def postmaster_pid() -> int | None:
    """Return the pid of the PostgreSQL server this process talks to, if it runs here."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        row = cursor.fetchone()
    try:
        return int(_stat_fields(int(row[0]))[1]) if row else None
    except OSError:
        return None  # the server runs elsewhere (another host, a container)


def redis_pid() -> int | None:
    pid = int(broker().info("server").get("process_id", 0))
    return pid if pid and Path(f"/proc/{pid}").exists() else None


# --- The pipeline -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CpuUse:
    """CPU seconds each part used during a phase; None where it cannot be seen from here."""

    workers: float
    postgres: float | None  # the backends of the bench's database only
    redis: float | None  # the whole server, which other databases may share
    bench: float
    machine: float  # every core of the machine, whoever used it

    @property
    def pipeline(self) -> float:
        return self.workers + (self.postgres or 0) + (self.redis or 0) + self.bench

    @property
    def others(self) -> float:
        # Everything else on the machine: other people's processes, PostgreSQL's WAL writer.
        return max(0.0, self.machine - self.pipeline)


class CpuMeter:
    """Count the CPU the pipeline's processes use from now on, process by process.

    Per process, and read again every second while the phase runs, so one that exits (a
    replaced worker child, a closed database connection) loses only its last second.
    """

    def __init__(self, workers: list[Worker]) -> None:
        self.sessions = {w.session for w in workers if w.session is not None}
        self.postmaster = postmaster_pid()
        self.redis = redis_pid()
        self.bench = os.getpid()
        self._start = self._scan()
        self._last = dict(self._start)
        self._sampled = time.monotonic()
        self._machine = machine_busy_seconds()

    def _part(self, pid: int, fields: list[str]) -> str | None:
        if pid == self.bench:
            return "bench"
        if int(fields[3]) in self.sessions:
            return "workers"
        if pid == self.redis:
            return "redis"
        if self.postmaster is not None and int(fields[1]) == self.postmaster:
            # A backend's title names its database: "postgres: postgres factcheck_benchpipe ..."
            title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            if f" {DB_NAME} ".encode() in title:
                return "postgres"
        return None

    def _scan(self) -> dict[int, tuple[str, int]]:
        found = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            try:
                fields = _stat_fields(pid)
                part = self._part(pid, fields)
            except OSError:
                continue  # it ended meanwhile
            if part is not None:
                found[pid] = (part, _cpu_ticks(fields))
        return found

    def sample(self, every: float = 1.0) -> None:
        """Read the processes again, so one that exits later keeps what it used until now."""
        if time.monotonic() - self._sampled >= every:
            self._last.update(self._scan())
            self._sampled = time.monotonic()

    def used(self) -> CpuUse:
        self._last.update(self._scan())
        parts: Counter[str] = Counter()
        for pid, (part, ticks) in self._last.items():
            parts[part] += ticks - self._start.get(pid, (part, 0))[1]

        def seconds(part: str) -> float:
            return parts[part] / CLOCK_TICKS

        return CpuUse(
            workers=seconds("workers"),
            postgres=seconds("postgres") if self.postmaster is not None else None,
            redis=seconds("redis") if self.redis is not None else None,
            bench=seconds("bench"),
            machine=machine_busy_seconds() - self._machine,
        )


@dataclass
class Run:
    label: str
    split_workers: int
    wall: float = 0.0
    ingest_seconds: float = 0.0
    first_split: float = 0.0
    cpu: CpuUse | None = None
    statuses: Counter[str] = field(default_factory=Counter)
    claims: int = 0
    wrong_counts: list[str] = field(default_factory=list)
    split_more_than_once: int = 0
    task_seconds: list[float] = field(default_factory=list)
    resent: int = 0  # split messages the sweep sent again
    left_in_queue: int = 0  # split messages still waiting when the last article was split
    trouble: dict[str, int] = field(default_factory=dict)

    def throughput(self, articles: int) -> float:
        return articles / self.wall if self.wall else 0.0

    @property
    def work_is_exact(self) -> bool:
        return not self.wrong_counts and not self.split_more_than_once


def _split_workers(run: str, count: int, concurrency: int) -> list[Worker]:
    queue = queue_names()["splits"]
    return [
        Worker(f"{run}-splits{n + 1}", queue, f"--concurrency={concurrency}") for n in range(count)
    ]


def _background_worker(run: str) -> Worker:
    # The sweep, the heartbeat and exports on their own worker with beat, as `make run` does.
    queues = queue_names()
    return Worker(
        f"{run}-background",
        f"{queues['maintenance']},{queues['exports']}",
        "--concurrency=1",
        "--beat",
        "--schedule",
        str(WORK_DIR / "celerybeat-schedule"),
    )


def pipeline_run(
    label: str,
    processes: int,
    concurrency: int,
    articles: list[BenchArticle],
    baseline: Baseline,
    timeout: float,
) -> Run:
    """Ingest every article into a fresh database and wait until the workers split them all."""
    run = Run(label=label, split_workers=processes * concurrency)
    database_reset()
    broker().flushdb()
    prefix = f"{run.split_workers}w"
    split_workers = _split_workers(prefix, processes, concurrency)
    workers = [*split_workers, _background_worker(prefix)]
    try:
        for worker in workers:
            worker.start()
        ready_by = time.monotonic() + 120
        for worker in workers:
            worker.wait_ready(ready_by)
        meter = CpuMeter(workers)
        say(f"{label}: workers ready, ingesting {len(articles):,} articles")
        started_at = time.time()
        started = time.monotonic()
        deadline = started + timeout
        for article in articles:
            article_ingest(body=article.body, title=article.title)
            if time.monotonic() > deadline:
                raise BenchError(f"{label}: ingest took more than {timeout:.0f} s")
        run.ingest_seconds = time.monotonic() - started
        say(f"{label}: ingested in {run.ingest_seconds:.1f} s, waiting for the splits")
        unfinished = Article.objects.exclude(status__in=FINISHED)
        while unfinished.exists():
            if time.monotonic() > deadline:
                left = unfinished.count()
                raise BenchError(f"{label}: {left} articles not split after {timeout:.0f} s")
            meter.sample()
            time.sleep(0.25)
        run.cpu = meter.used()
        run.left_in_queue = int(broker().llen(queue_names()["splits"]))
    finally:
        for worker in workers:
            worker.stop()
    done = Article.objects.filter(status__in=FINISHED)
    last: datetime | None = done.aggregate(last=Max("updated_at"))["last"]
    first = done.order_by("updated_at").values_list("updated_at", flat=True).first()
    # The split's own stamp (claims.services.articles), not when the polling noticed it.
    run.wall = last.timestamp() - started_at if last else time.monotonic() - started
    run.first_split = first.timestamp() - started_at if first else 0.0
    _check_work(run, baseline)
    for worker in split_workers:
        text = worker.output()
        run.task_seconds += [float(seconds) for seconds, _ in TASK_LINE.findall(text)]
    for worker in workers:
        text = worker.output()
        run.resent += sum(int(sent) for sent in SWEEP_LINE.findall(text))
        for name, pattern in TROUBLE.items():
            if hits := len(pattern.findall(text)):
                run.trouble[f"{worker.name}: {name}"] = hits
    return run


def _check_work(run: Run, baseline: Baseline) -> None:
    """Compare every article's stored claims with what the bare extractor found in its text."""
    rows = Article.objects.annotate(
        n_claims=Count("claims", distinct=True),
        n_splits=Count("history", filter=Q(history__action="split"), distinct=True),
    ).values_list("content_hash", "status", "n_claims", "n_splits", "split_attempts")
    seen = set()
    for digest, status, n_claims, n_splits, attempts in rows:
        seen.add(digest)
        run.statuses[status] += 1
        run.claims += n_claims
        expected = baseline.claims.get(digest)
        if status != Article.Status.SPLIT or n_claims != expected:
            run.wrong_counts.append(f"{digest[:12]} {status} {n_claims} claims, bare {expected}")
        if n_splits > 1 or attempts > 1:
            run.split_more_than_once += 1
    for digest in baseline.claims.keys() - seen:
        run.wrong_counts.append(f"{digest[:12]} never stored")


# --- Report -----------------------------------------------------------------------------------


def _cpu_cell(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _load_warning(label: str, others: float, wall: float) -> str:
    cores = others / wall if wall else 0.0
    if cores < 0.25:
        return ""
    return (
        f"Warning: during {label} the rest of the machine kept {cores:.1f} cores busy: "
        "the wall times are slower than on an idle machine; the CPU figures are not."
    )


def print_report(
    articles: list[BenchArticle], baseline: Baseline, runs: list[Run], elapsed: float
) -> bool:
    count = len(articles)
    sizes = [len(a.body.encode()) for a in articles]
    bare_ms = baseline.wall / count * 1000
    print(
        f"\n## Pipeline at scale: {count:,} articles ({statistics.mean(sizes) / 1024:.1f} KB on "
        f"average, {sum(sizes) / 1024 / 1024:.1f} MB), {os.cpu_count()} cores, "
        f"CONN_MAX_AGE={ENV['CONN_MAX_AGE']}"
    )
    print(
        f"\nBare extractor, one process, no database: {baseline.wall:.1f} s wall, "
        f"{baseline.cpu:.1f} s CPU, {count / baseline.wall:.2f} articles/s, "
        f"{baseline.total_claims:,} claims ({bare_ms:.0f} ms wall and "
        f"{baseline.cpu / count * 1000:.0f} ms CPU an article; loading the models first took "
        f"{baseline.model_load:.1f} s, not counted)"
    )
    print(
        "\n| run | wall | articles/s | ÷ bare wall | ingest | first split "
        "| split task (worker log) | pipeline CPU an article | ÷ bare CPU |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for run in runs:
        in_task = statistics.mean(run.task_seconds) if run.task_seconds else 0.0
        cpu_ms = f"{run.cpu.pipeline / count * 1000:.0f} ms" if run.cpu else "n/a"
        cpu_ratio = f"{run.cpu.pipeline / baseline.cpu:.2f}×" if run.cpu else "n/a"
        print(
            f"| {run.label} | {run.wall:.1f} s | {run.throughput(count):.2f} "
            f"| {run.wall / baseline.wall:.2f}× | {run.ingest_seconds:.1f} s "
            f"| {run.first_split:.2f} s | {in_task * 1000:.0f} ms × {len(run.task_seconds):,} "
            f"| {cpu_ms} | {cpu_ratio} |"
        )
    print(
        "\n÷ bare wall: the pipeline's wall time over the bare extractor's on one core. Split "
        f"task: the mean time the worker log gives a split, against {bare_ms:.0f} ms of bare "
        "extraction. Pipeline CPU: the workers, the bench database's PostgreSQL backends, Redis "
        "and this process (ingesting), over the bare extractor's CPU."
    )
    print(
        "\n| run | CPU s: workers | PostgreSQL | Redis | bench (ingest, polling) "
        "| rest of machine |"
    )
    print("|---|---|---|---|---|---|")
    for run in runs:
        if run.cpu is not None:
            cpu = run.cpu
            print(
                f"| {run.label} | {cpu.workers:.1f} | {_cpu_cell(cpu.postgres)} "
                f"| {_cpu_cell(cpu.redis)} | {cpu.bench:.1f} | {cpu.others:.1f} |"
            )
    warnings = [_load_warning("the bare extractor", baseline.others, baseline.wall)]
    warnings += [
        _load_warning(f"the run with {run.label}", run.cpu.others, run.wall)
        for run in runs
        if run.cpu is not None
    ]
    if any(warnings):
        print()
        print("\n".join(w for w in warnings if w))
    print()
    for run in runs:
        states = ", ".join(f"{n:,} {s}" for s, n in sorted(run.statuses.items()))
        print(
            f"Work check, {run.label}: {states}; {run.claims:,} claims stored, bare extractor "
            f"{baseline.total_claims:,}; {len(run.wrong_counts)} articles differ; "
            f"{run.split_more_than_once} split more than once"
        )
        extra = len(run.task_seconds) - count
        if extra or run.resent or run.left_in_queue:
            print(
                f"  - {len(run.task_seconds):,} split tasks ran for {count:,} articles; the sweep "
                f"sent {run.resent:,} split messages again (articles still queued "
                f"TASK_RESEND_SECONDS after their message), {run.left_in_queue:,} messages were "
                "still queued when the last article was split: a message for an article already "
                "split is a task that does nothing"
            )
        for wrong in run.wrong_counts[:5]:
            print(f"  - {wrong}")
        for name, hits in run.trouble.items():
            print(f"  - worker log: {hits}× {name}")

    one = next((r for r in runs if r.split_workers == 1), None)
    two = next((r for r in runs if r.split_workers == 2), None)
    rows: list[tuple[str, str, bool]] = []
    if two is not None:
        ratio = two.wall / baseline.wall
        rows.append(
            (
                f"2 workers' wall ≤ {TARGET_RATIO}× the bare extractor's wall on one core "
                "(the issue's comparison; 0.5× is ideal on two cores)",
                f"{two.wall:.1f} s / {baseline.wall:.1f} s = {ratio:.2f}×",
                ratio <= TARGET_RATIO,
            )
        )
    if one is not None and two is not None:
        speedup = two.throughput(count) / one.throughput(count)
        rows.append(
            (
                "throughput with 2 workers > with 1",
                f"{two.throughput(count):.2f} > {one.throughput(count):.2f} articles/s "
                f"(speed-up {speedup:.2f}×, ideal 2.00×)",
                speedup > 1,
            )
        )
    rows.append(
        (
            "every article split once, with the bare extractor's claims",
            "; ".join(f"{r.label}: {count - len(r.wrong_counts):,} of {count:,}" for r in runs),
            all(r.work_is_exact for r in runs),
        )
    )
    print("\n| target | figure | result |\n|---|---|---|")
    for target, figure, ok in rows:
        print(f"| {target} | {figure} | {'PASS' if ok else 'FAIL'} |")
    if one is not None:
        # Like for like: one worker against the one-core extractor, the pipeline's overhead.
        print(
            f"\nLike for like, one core each: 1 worker's wall ÷ bare = "
            f"{one.wall / baseline.wall:.2f}× (1.00× is no overhead)"
        )
        if two is not None:
            print(
                f"Two cores: 2 workers' wall × 2 ÷ bare = {two.wall * 2 / baseline.wall:.2f}× "
                "(1.00× is perfect scaling)"
            )
    if two is not None and two.cpu is not None:
        # CPU does not depend on what else the machine runs: what two idle cores would give.
        print(
            f"From CPU, whatever else the machine runs: the pipeline with 2 workers needs "
            f"{two.cpu.pipeline / baseline.cpu:.2f}× the bare extractor's CPU, so on two idle "
            f"cores it would take about {two.cpu.pipeline / 2 / baseline.cpu:.2f}× its time "
            "(if the two cores are kept busy)"
        )
    print(f"\nBench run: {elapsed:.0f} s in all")
    return all(ok for _, _, ok in rows)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--articles", type=int, default=DEFAULT_ARTICLES, help="how many articles")
    size.add_argument("--small", action="store_true", help=f"{SMALL_ARTICLES} articles, for CI")
    parser.add_argument(
        "--timeout",
        type=float,
        default=0,
        help="seconds each phase may take (default: 3× the bare extractor's time + 120)",
    )
    parser.add_argument(
        "--two-as",
        choices=["processes", "concurrency"],
        default="processes",
        help="two worker processes with one child each, or one worker with --concurrency 2",
    )
    parser.add_argument("--keep-logs", action="store_true", help=f"keep {WORK_DIR}")
    args = parser.parse_args()
    count = SMALL_ARTICLES if args.small else args.articles
    if count < 1:
        parser.error("--articles must be at least 1")
    # Clean up on any of these too; SIGINT is set explicitly because a shell starting the bench
    # in the background hands it down ignored.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    started = time.monotonic()
    runs: list[Run] = []
    passed = False
    reachable = False
    try:
        services_check()
        reachable = True
        say(f"database {DB_NAME}, Redis {REDIS_URL}, queue {ENV['CELERY_QUEUE']}, logs {WORK_DIR}")
        articles = build_articles(count)
        say(f"bare extractor over {count:,} articles")
        baseline = bare_extractor(articles, timeout=args.timeout or 3600)
        timeout = args.timeout or 3 * baseline.wall + 120
        say(f"bare extractor: {baseline.wall:.1f} s; each pipeline run may take {timeout:.0f} s")
        layouts = [("1 worker", 1, 1)]
        if args.two_as == "processes":
            layouts.append(("2 workers (2 processes)", 2, 1))
        else:
            layouts.append(("2 workers (1 process, 2 children)", 1, 2))
        for label, processes, concurrency in layouts:
            runs.append(pipeline_run(label, processes, concurrency, articles, baseline, timeout))
            say(f"{label}: {runs[-1].wall:.1f} s")
        passed = print_report(articles, baseline, runs, time.monotonic() - started)
    except BenchError as exc:
        print(f"\nbench/pipeline.py cannot finish: {exc}", file=sys.stderr)
        if any(WORK_DIR.iterdir()):
            print(f"Logs kept in {WORK_DIR}", file=sys.stderr)
        else:
            WORK_DIR.rmdir()
        return 2
    except KeyboardInterrupt:
        print(f"\ninterrupted: cleaning up; logs kept in {WORK_DIR}", file=sys.stderr)
        return 2
    finally:
        if reachable:
            with contextlib.suppress(redis.RedisError):
                broker().flushdb()
            try:
                database_drop()
            except Exception as exc:
                print(f"could not drop {DB_NAME}: {exc}", file=sys.stderr)
    if args.keep_logs or not passed:
        print(f"\nLogs kept in {WORK_DIR}")
    else:
        shutil.rmtree(WORK_DIR, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
