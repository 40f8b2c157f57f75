"""Serve the workbench: a Celery worker (with its sweep) and the web server, stopped together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:  # any failure means: do not use it
        return False


class Command(BaseCommand):
    help = "Run the web server and a Celery worker; Ctrl-C stops both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))

    def handle(self, *args: Any, port: int, host: str, **options: Any) -> None:
        env = dict(os.environ)
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
        worker = subprocess.Popen(
            [
                python,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "worker",
                "--beat",
                "--loglevel=INFO",
                "--concurrency=2",
                "--schedule",
                str(settings.BASE_DIR / ".celerybeat-schedule"),
            ],
            env=env,
        )
        web = subprocess.Popen(
            [python, manage, "runserver", f"{host}:{port}", "--noreload"], env=env
        )
        self.stdout.write(
            self.style.SUCCESS(f"Factcheck Workbench: http://{host}:{port}/  (Ctrl-C stops)")
        )
        children = [worker, web]

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
