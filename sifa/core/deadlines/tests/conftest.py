"""Fixtures of the deadlines tests: the shipped 2025/2026 calendar without a database."""

from __future__ import annotations

import datetime

import pytest

from sifa.core.deadlines.calendar import WorkingCalendar
from sifa.core.deadlines.shipped import shipped_years


@pytest.fixture(scope="session")
def calendar() -> WorkingCalendar:
    return WorkingCalendar(y.arrangement() for y in shipped_years())


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)
