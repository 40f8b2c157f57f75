"""Serve the workbench: two Celery workers (splits; the sweep and exports) and the web server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from factcheck.celery import queue_names

# Hosts that mean "every interface": the server answers at any of the machine's addresses.
WILDCARD_HOSTS = {"0.0.0.0", "::", "[::]"}
DEFAULT_PORTS = {"http": 80, "https": 443}


def served_url(host: str, port: int) -> str:
    """Return the address `runserver host:port` answers at, as a browser would write it."""
    name = "127.0.0.1" if host in WILDCARD_HOSTS else host
    if ":" in name and not name.startswith("["):
        name = f"[{name}]"  # an IPv6 address
    return f"http://{name}:{port}"


def _answers_at(site_url: str, host: str, port: int) -> bool:
    """True when SITE_URL names the address being served (any host, on a wildcard bind)."""
    parts = urlsplit(site_url)
    try:
        site_port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:  # a port that is not a number
        return False
    if parts.scheme != "http" or site_port != port:
        return False
    return host in WILDCARD_HOSTS or (parts.hostname or "") == host.strip("[]").lower()


def site_url_for(configured: str, host: str, port: int) -> tuple[str, str]:
    """Return the SITE_URL to serve with, and a warning to print ("" when there is none).

    ClaimReview urls, report links, the sitemap and the feed are built from SITE_URL: unset, it
    must follow the served address, or `PORT=8080 make run` would publish links to :8000.
    """
    served = served_url(host, port)
    if not configured:
        if host in WILDCARD_HOSTS:
            return served, (
                f"Serving on every interface: public links say {served}. Set SITE_URL to the "
                "address readers use."
            )
        return served, ""
    if _answers_at(configured, host, port):
        return configured, ""
    return configured, (
        f"SITE_URL is {configured} but the workbench serves at {served}: ClaimReview urls, "
        "report links, the sitemap and the feed will point there. That is right behind a proxy "
        "that serves SITE_URL; otherwise unset SITE_URL or correct it."
    )


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:  # any failure means: do not use it
        return False


class Command(BaseCommand):
    help = "Run the web server and the Celery workers; Ctrl-C stops them all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))

    def handle(self, *args: Any, port: int, host: str, **options: Any) -> None:
        env = dict(os.environ)
        # Both the web server and the worker (which builds exports) need the same address.
        env["SITE_URL"], warning = site_url_for(os.environ.get("SITE_URL", ""), host, port)
        if warning:
            self.stdout.write(self.style.WARNING(warning))
        broker = settings.CELERY_BROKER_URL
        if broker.startswith("redis") and not redis_answers(broker):
            folder = settings.CELERY_BROKER_FOLDER
            folder.mkdir(parents=True, exist_ok=True)
            env["CELERY_BROKER_URL"] = "filesystem://"
            env["CELERY_BROKER_FOLDER"] = str(folder)
            self.stdout.write(
                self.style.WARNING(
                    f"Redis does not answer at {broker}: using the embedded broker in {folder} "
                    "(no server needed; slower)."
                )
            )
        else:
            self.stdout.write(f"Broker: {broker}")
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        queues = queue_names()
        celery = [python, "-m", "celery", "-A", "factcheck", "worker", "--loglevel=INFO"]
        # Two workers, as in compose: splits on their own, and the sweep, the heartbeat and
        # report exports on the other, so a long split never delays the rescue of stalled work.
        splits = subprocess.Popen(
            [*celery, "-Q", queues["splits"], "--concurrency=2", "-n", "splits@%h"], env=env
        )
        background = subprocess.Popen(
            [
                *celery,
                "-Q",
                f"{queues['maintenance']},{queues['exports']}",
                "--concurrency=2",
                "-n",
                "background@%h",
                "--beat",
                "--schedule",
                str(settings.BASE_DIR / ".celerybeat-schedule"),
            ],
            env=env,
        )
        web = subprocess.Popen(
            [python, manage, "runserver", f"{host}:{port}", "--noreload"], env=env
        )
        self.stdout.write(
            self.style.SUCCESS(f"Factcheck Workbench: {served_url(host, port)}/  (Ctrl-C stops)")
        )
        self.stdout.write(f"Public address (SITE_URL): {env['SITE_URL']}")
        children = [splits, background, web]

        def stop(*_: object) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
        failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM, -signal.SIGINT)]
        if failed:
            sys.exit(1)
