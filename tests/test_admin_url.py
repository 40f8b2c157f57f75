"""The admin answers at ADMIN_URL, and only there."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.test import Client, override_settings
from django.urls import clear_url_caches, reverse

import factcheck.urls
from tests.claims.factories import client_for, make_user
from tests.test_deployment import production_environment, run_manage


def reload_urls() -> None:
    # factcheck/urls.py reads ADMIN_URL when it is imported, as a server does at start-up.
    importlib.reload(factcheck.urls)
    clear_url_caches()


@pytest.fixture
def admin_at_backstage() -> Iterator[None]:
    with override_settings(ADMIN_URL="backstage-7f3k/"):
        reload_urls()
        yield
    reload_urls()


@pytest.fixture
def root(db: None) -> Client:
    return client_for(make_user("root", superuser=True))


def test_the_admin_answers_at_admin_by_default(root: Client) -> None:
    assert reverse("admin:index") == "/admin/"
    assert root.get("/admin/").status_code == 200


@pytest.mark.usefixtures("admin_at_backstage")
def test_the_admin_moves_to_admin_url_and_leaves_admin_free(root: Client) -> None:
    assert reverse("admin:index") == "/backstage-7f3k/"
    assert root.get("/backstage-7f3k/").status_code == 200
    assert root.get("/backstage-7f3k/claims/article/").status_code == 200
    assert root.get("/admin/").status_code == 404
    assert root.get("/admin/claims/article/").status_code == 404
    # Its own login page moves with it, and the workbench links to the new address.
    anonymous = Client().get("/backstage-7f3k/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/backstage-7f3k/login/")
    assert 'href="/backstage-7f3k/"' in root.get("/queue/").content.decode()


@pytest.mark.parametrize("value", ["/admin/", "admin", "back stage/", "<slug:x>/", "/"])
def test_a_bad_admin_url_stops_start_up_naming_it(value: str) -> None:
    result = run_manage({**production_environment(), "ADMIN_URL": value}, "check")
    assert result.returncode != 0
    assert f"ADMIN_URL={value!r}" in result.stderr
