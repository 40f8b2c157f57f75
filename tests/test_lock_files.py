"""Installs are reproducible: the lock files pin what pyproject.toml asks for, with hashes, and
the image and CI install from them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIN = re.compile(r"^([A-Za-z0-9_.\[\]-]+)==([^\s;\\]+)")


def pins(name: str) -> dict[str, str]:
    """Return {package: version} of a lock file, checking each pin carries a hash."""
    found: dict[str, str] = {}
    lines = (ROOT / name).read_text().splitlines()
    for number, line in enumerate(lines):
        match = PIN.match(line)
        if not match:
            continue
        package = canonicalize_name(match.group(1).split("[")[0])
        assert "--hash=sha256:" in lines[number + 1], f"{name}: {package} has no hash"
        found[package] = match.group(2)
    return found


@pytest.mark.parametrize(
    ("lock", "extras"),
    [
        ("requirements.txt", []),
        ("requirements-dev.txt", ["dev"]),
        ("requirements-bench.txt", ["dev", "bench"]),
    ],
)
def test_each_lock_file_pins_every_dependency_within_its_range(
    lock: str, extras: list[str]
) -> None:
    locked = pins(lock)
    wanted = list(PYPROJECT["project"]["dependencies"])
    for extra in extras:
        wanted += PYPROJECT["project"]["optional-dependencies"][extra]
    for line in wanted:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is missing from {lock}: run `make lock`"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"{lock} pins {name}=={locked[name]}, outside {requirement.specifier}: run `make lock`"
        )


def test_the_lock_files_agree_on_shared_pins() -> None:
    runtime, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    assert {name: dev[name] for name in runtime if name in dev} == {
        name: runtime[name] for name in runtime if name in dev
    }


def test_image_and_make_install_from_the_lock_files_with_hashes_checked() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements.txt" in dockerfile
    assert "--no-deps ." in dockerfile  # the project itself adds no unpinned package
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements-dev.txt" in makefile  # what `make test` and CI use
    assert "--require-hashes -r requirements.txt" in makefile
