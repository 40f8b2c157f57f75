"""The personas the workflow tests share: two reviewers, two editors, logged-in clients."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.claims.factories import make_user


@pytest.fixture
def rita(db: None) -> User:
    return make_user("rita", "Reviewer")


@pytest.fixture
def rob(db: None) -> User:
    return make_user("rob", "Reviewer")


@pytest.fixture
def eddie(db: None) -> User:
    return make_user("eddie", "Editor")


@pytest.fixture
def erin(db: None) -> User:
    return make_user("erin", "Editor")
