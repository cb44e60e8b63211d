"""Fixtures for the ledger's Django-side tests."""

from __future__ import annotations

import io
from typing import Any

import pytest


@pytest.fixture
def demo_world(transactional_db: Any) -> None:
    """The demo world, reloaded when an earlier transactional test's flush wiped it.

    pytest-django runs transactional tests after the ones in a rolled-back transaction, so only
    later transactional tests (which load it here, like tests/e2e/conftest.py) can see the flush.
    """
    from django.core.management import call_command

    from sifa.core.orgs.models import Org

    if not Org.objects.exists():
        call_command("demo", scale="demo", seed=1, verbosity=0, stdout=io.StringIO())
