"""Periods: month, quarter, year and custom ranges, their text forms and Chinese labels."""

from __future__ import annotations

import datetime

import pytest

from sifa.core.scoring import periods
from sifa.core.scoring.periods import PeriodInvalid, parse_period

D = datetime.date


@pytest.mark.parametrize(("text", "start", "end", "label", "key"), [
    ("2026-11", D(2026, 11, 1), D(2026, 11, 30), "2026年11月", "2026-11"),
    ("2024-2", D(2024, 2, 1), D(2024, 2, 29), "2024年2月", "2024-02"),
    ("2026-Q4", D(2026, 10, 1), D(2026, 12, 31), "2026年第四季度", "2026-Q4"),
    ("2026q1", D(2026, 1, 1), D(2026, 3, 31), "2026年第一季度", "2026-Q1"),
    ("2026", D(2026, 1, 1), D(2026, 12, 31), "2026年度", "2026"),
    ("2026-01-01..2026-03-15", D(2026, 1, 1), D(2026, 3, 15), "2026年1月1日至2026年3月15日", "2026-01-01..2026-03-15"),
    ("2026-01-01 至 2026-01-01", D(2026, 1, 1), D(2026, 1, 1), "2026年1月1日至2026年1月1日", "2026-01-01..2026-01-01"),
])
def test_parse_and_label(text: str, start: datetime.date, end: datetime.date, label: str, key: str) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.label, period.key) == (start, end, label, key)
    assert parse_period(period.key) == period


@pytest.mark.parametrize("text", ["", "2026-13", "2026-Q5", "26-11", "2026-03-01..2026-02-01", "2026-02-30..2026-03-01"])
def test_invalid_periods_are_refused_on_the_period_field(text: str) -> None:
    with pytest.raises(PeriodInvalid) as info:
        parse_period(text)
    assert info.value.field == "period" and info.value.message


def test_containing_previous_and_recent() -> None:
    day = D(2026, 1, 15)
    assert periods.containing("quarter", day).label == "2026年第一季度"
    assert periods.previous(periods.containing("month", day)).label == "2025年12月"
    assert periods.previous(periods.containing("quarter", day)).label == "2025年第四季度"
    recent = periods.recent(day, months=2, quarters=1, years=1)
    assert [p.key for p in recent] == ["2026-01", "2025-12", "2026-Q1", "2026"]
