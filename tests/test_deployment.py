from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
# Read by compose or the containers' commands rather than by the settings.
COMPOSE_ONLY = {
    "POSTGRES_PASSWORD",
    "PORT",
    "WEB_CONCURRENCY",
    "GUNICORN_TIMEOUT",
    "WORKER_CONCURRENCY",
    "DEMO",
    "DEMO_PASSWORD",
}


def settings_variables() -> set[str]:
    source = (ROOT / "factcheck" / "settings.py").read_text()
    names = set(re.findall(r'(?:env_\w+|os\.environ\.get)\(\s*"([A-Z0-9_]+)"', source))
    # Set by pytest itself, never by an operator.
    return names - {"PYTEST_VERSION"}


def env_example() -> dict[str, str]:
    """Return every variable .env.example names, set or commented out (`# NAME=value`)."""
    found: dict[str, str] = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            found[match.group(2)] = match.group(3)
    return found


def production_environment() -> dict[str, str]:
    """The environment an operator gets from .env.example with a real key filled in."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def run_manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_env_example_lists_every_variable_the_settings_read() -> None:
    listed = set(env_example())
    assert settings_variables() - listed == set(), "missing from .env.example"
    assert listed - settings_variables() - COMPOSE_ONLY == set(), "not read by anything"


def test_check_deploy_is_clean_with_the_production_template() -> None:
    result = run_manage(production_environment(), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("key", [None, "", "CHANGE-ME", "change-me-in-dot-env"])
def test_start_up_refuses_a_missing_or_public_secret_key(key: str | None) -> None:
    env = production_environment()
    env.pop("SECRET_KEY")
    if key is not None:
        env["SECRET_KEY"] = key
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert "SECRET_KEY is missing or a public default" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECURE_HSTS_SECONDS", "a-year"),
        ("SECURE_SSL_REDIRECT", "maybe"),
        ("SESSION_COOKIE_SECURE", "sure"),
        ("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto"),
    ],
)
def test_a_bad_security_value_stops_start_up_naming_it(name: str, value: str) -> None:
    env = {**production_environment(), name: value}
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert f"{name}={value!r}" in result.stderr


def test_settings_read_the_proxy_header_and_health_checked_connections() -> None:
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    env = production_environment()
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "factcheck.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["('HTTP_X_FORWARDED_PROTO',", "'https')", "31536000", "True"]


def test_compose_runs_web_worker_beat_redis_and_postgres_from_dot_env() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "redis", "postgres"} <= set(services)
    for name in ["web", "redis", "postgres", "worker"]:
        assert "healthcheck" in services[name], name
    for name in ["web", "worker", "beat"]:
        assert services[name]["env_file"] == ".env", name
        # Nothing in compose may override what .env says about secrets or services.
        assert not {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"} & set(
            services[name].get("environment", {})
        ), name
    assert set(compose["volumes"]) >= {"pgdata"}
    assert "/health/ready/" in " ".join(services["web"]["healthcheck"]["test"])
    # Beat runs once, on its own: scaling workers must not repeat the sweep.
    worker = " ".join(services["worker"]["command"])
    assert "worker" in worker and "--beat" not in worker and " -B" not in worker
    assert services["beat"]["command"][:4] == ["celery", "-A", "factcheck", "beat"]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith(
        "${POSTGRES_PASSWORD:?"
    )


def test_compose_runs_splits_apart_from_the_sweep_and_exports() -> None:
    # A long split must never hold up the sweep that rescues stalled work, the heartbeat
    # /health/ready/ reads, or an export: they are routed to queues another worker consumes.
    from factcheck.celery import route_task

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    splits = " ".join(services["worker"]["command"])
    background = " ".join(services["worker-background"]["command"])
    assert "-Q $${CELERY_QUEUE:-factcheck} " in splits
    assert ".maintenance" not in splits and ".exports" not in splits
    assert (
        "-Q $${CELERY_QUEUE:-factcheck}.maintenance,$${CELERY_QUEUE:-factcheck}.exports"
        in background
    )
    assert services["worker-background"]["env_file"] == ".env"
    for task, queue in [
        ("claims.tasks.requeue_stalled_articles", "maintenance"),
        ("factcheck.health.worker_heartbeat", "maintenance"),
        ("claims.tasks.build_report_export", "exports"),
    ]:
        routed = route_task(task, (), {}, {})
        assert routed is not None and routed["queue"].endswith(f".{queue}"), task
    assert route_task("claims.tasks.split_article", (), {}, {}) is None


def test_compose_serves_gunicorn_and_makes_demo_users_only_when_asked() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web = " ".join(compose["services"]["web"]["command"])
    assert "gunicorn" in web and "--timeout" in web and "--workers" in web
    before, _, after = web.partition('if [ "$${DEMO:-false}" = "true" ]; then')
    assert "create_demo_users" not in before
    assert "create_demo_users" in after.split("fi")[0]
    assert env_example()["DEMO"] == "false"


def test_readme_opens_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    top = readme[: readme.index("## Environment variables")]
    assert "make run" in top and "make test" in top


def _dockerfile_build_env() -> dict[str, str]:
    """The variables the image sets (ENV) up to and including its collectstatic step."""
    env: dict[str, str] = {}
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("ENV "):
            env.update(dict(re.findall(r"([A-Z_][A-Z0-9_]*)=(\S+)", line[4:])))
        if "collectstatic" in line:
            run = line.removeprefix("RUN ").split("python")[0]
            env.update(dict(re.findall(r"([A-Z_][A-Z0-9_]*)=(\S+)", run)))
            return env
    raise AssertionError("the Dockerfile runs no collectstatic")


def test_pages_render_with_the_static_files_the_image_collects(tmp_path: Path) -> None:
    # Build the static files as the image does, then serve a page as compose runs web (its
    # `environment` on top of the image's): the page must find every file it names.
    build = {**production_environment(), **_dockerfile_build_env()}
    build["STATIC_ROOT"] = str(tmp_path)
    collected = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup()\n"
            # Brotli and gzip copies are not what this checks, and take 100 s to make.
            "from whitenoise.compress import Compressor\n"
            "Compressor.should_compress = lambda self, name: False\n"
            "from django.core.management import call_command\n"
            "call_command('collectstatic', '--noinput', verbosity=0)",
        ],
        cwd=ROOT,
        env={**build, "DJANGO_SETTINGS_MODULE": "factcheck.settings"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collected.returncode == 0, collected.stderr[-2000:]
    assert (tmp_path / "staticfiles.json").is_file()
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    runtime = {**build, **compose["services"]["web"]["environment"]}
    page = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup()\n"
            "from django.test import Client\n"
            "r = Client().get('/login/', HTTP_HOST='factcheck.example.org', secure=True)\n"
            "import re\n"
            "hashed = re.search(r'/static/css/app\\.[0-9a-f]{12}\\.css', r.content.decode())\n"
            "print(r.status_code, bool(hashed))",
        ],
        cwd=ROOT,
        env={**runtime, "DJANGO_SETTINGS_MODULE": "factcheck.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert page.stdout.split()[-2:] == ["200", "True"], page.stderr[-2000:]


def _compose_command() -> list[str] | None:
    """Docker's own compose (the v2 plugin or the v1 `docker-compose`), when installed."""
    if (
        shutil.which("docker")
        and subprocess.run(
            ["docker", "compose", "version"], capture_output=True, check=False
        ).returncode
        == 0
    ):
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


@pytest.mark.skipif(_compose_command() is None, reason="no docker compose on this machine")
def test_compose_validates_the_file_with_the_production_template(tmp_path: Path) -> None:
    # The "validated with docker-compose config where available": compose itself
    # parses the file, with .env made from the template, as an operator's server would.
    for name in ("docker-compose.yml", "Dockerfile"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    env = production_environment()
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in env.items() if k.isupper()))
    command = _compose_command()
    assert command is not None
    result = subprocess.run(
        [*command, "config"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    rendered = yaml.safe_load(result.stdout)
    for service in ("web", "worker", "worker-background", "beat"):
        environment = rendered["services"][service]["environment"]
        # .env reached every app container, and compose's own settings too.
        assert environment["SECRET_KEY"] == env["SECRET_KEY"], service
        assert environment["STATIC_MANIFEST"] == "true", service
