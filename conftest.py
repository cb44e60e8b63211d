"""Test-wide setup: the demo world is loaded once into the test database (SQLite or PostgreSQL)."""

from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # Playwright's sync API runs an event loop in the test thread; Django's ORM is still used synchronously there.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    with django_db_blocker.unblock():
        from sifa.core.orgs.models import Org

        if not Org.objects.exists():
            call_command("demo", scale="demo", seed=1, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    yield
