"""The working-day calendar: RULES.md Appendix A, the chinesecalendar cross-check, missing years, day lines."""

from __future__ import annotations

import datetime

import pytest

from sifa.core.deadlines.calendar import CalendarMissing, WorkingCalendar, YearArrangement, parse_day_entries
from sifa.core.deadlines.shipped import shipped_years
from sifa.core.deadlines.tests.conftest import d

# RULES.md Appendix A, typed out again here on purpose (not read from the data files).
APPENDIX_A = {
    2025: {
        "rest": ["2025-01-01", ("2025-01-28", "2025-02-04"), ("2025-04-04", "2025-04-06"), ("2025-05-01", "2025-05-05"),
                 ("2025-05-31", "2025-06-02"), ("2025-10-01", "2025-10-08")],
        "makeup": ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
    },
    2026: {
        "rest": [("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"), ("2026-04-04", "2026-04-06"),
                 ("2026-05-01", "2026-05-05"), ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"),
                 ("2026-10-01", "2026-10-07")],
        "makeup": ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
    },
}


def _days(items: list[object]) -> set[datetime.date]:
    out: set[datetime.date] = set()
    for item in items:
        first, last = (item, item) if isinstance(item, str) else item  # type: ignore[misc]
        day = d(first)
        while day <= d(last):
            out.add(day)
            day += datetime.timedelta(days=1)
    return out


@pytest.mark.parametrize("year", [2025, 2026])
def test_shipped_years_match_appendix_a(year: int) -> None:
    # given
    shipped = {y.year: y.arrangement() for y in shipped_years()}[year]
    # then
    assert shipped.rest_days == _days(APPENDIX_A[year]["rest"])
    assert shipped.makeup_days == _days(APPENDIX_A[year]["makeup"])
    assert all(day.weekday() >= 5 for day in shipped.makeup_days)


@pytest.mark.parametrize("year", [2025, 2026])
def test_shipped_years_agree_with_chinesecalendar_every_day(year: int, calendar: WorkingCalendar) -> None:
    # given the PyPI package chinesecalendar as an independent source
    import chinese_calendar  # PyPI chinesecalendar, a dev dependency (never skipped: the cross-check must run)

    day = datetime.date(year, 1, 1)
    differences = []
    # when every day of the year is compared
    while day.year == year:
        if calendar.is_working_day(day) != chinese_calendar.is_workday(day):
            differences.append(day)
        day += datetime.timedelta(days=1)
    # then
    assert differences == []


@pytest.mark.parametrize(("year", "weekday_rest", "makeup"), [(2025, 18, 5), (2026, 19, 6)])
def test_working_day_count_of_a_year(year: int, weekday_rest: int, makeup: int, calendar: WorkingCalendar) -> None:
    # given 261 weekdays in each of 2025 and 2026
    # when
    counted = calendar.working_days_between(datetime.date(year, 1, 1) - datetime.timedelta(days=1),
                                            datetime.date(year, 12, 31)) if year > 2025 else \
        calendar.working_days_between(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    # then (2025-01-01 is itself a rest day, so leaving it out of the count changes nothing)
    assert counted == 261 - weekday_rest + makeup == 248


@pytest.mark.parametrize(("day", "working"), [
    ("2025-09-28", True), ("2025-10-11", True), ("2025-10-08", False), ("2025-10-04", False),
    ("2026-02-14", True), ("2026-02-23", False), ("2026-01-04", True), ("2026-06-19", False), ("2026-10-09", True),
])
def test_single_days(day: str, working: bool, calendar: WorkingCalendar) -> None:
    assert calendar.is_working_day(d(day)) is working


def test_missing_year_raises_with_the_year_in_chinese(calendar: WorkingCalendar) -> None:
    with pytest.raises(CalendarMissing) as raised:
        calendar.is_working_day(d("2027-01-04"))
    assert raised.value.year == 2027
    assert raised.value.message.startswith("缺少 2027 年节假日安排")
    assert raised.value.code == "calendar_missing"


def test_counting_across_the_last_loaded_year_raises(calendar: WorkingCalendar) -> None:
    # 2026-12-31 is the last loaded day: the next working day lies in 2027
    with pytest.raises(CalendarMissing) as raised:
        calendar.add_working_days(d("2026-12-30"), 2)
    assert raised.value.year == 2027
    with pytest.raises(CalendarMissing) as before:
        calendar.subtract_working_days(d("2025-01-02"), 2)
    assert before.value.year == 2024


def test_never_falls_back_to_monday_to_friday_across_a_gap() -> None:
    # given 2025 and 2027 loaded but not 2026
    weekdays = YearArrangement(2027, frozenset(), frozenset())
    only = WorkingCalendar([YearArrangement(2025, frozenset(), frozenset()), weekdays])
    # when / then
    with pytest.raises(CalendarMissing) as raised:
        only.add_working_days(d("2025-12-30"), 5)
    assert raised.value.year == 2026


def test_describe_names_make_up_and_rest_days(calendar: WorkingCalendar) -> None:
    assert calendar.describe(d("2025-10-11")) == "2025-10-11（星期六，调休上班日）"
    assert calendar.describe(d("2025-10-01")) == "2025-10-01（星期三，法定节假日或调休休息日）"
    assert calendar.describe(d("2025-10-18")) == "2025-10-18（星期六，休息日）"


def test_day_lines_accept_ranges_labels_and_comments() -> None:
    entries, errors = parse_day_entries(["# 元旦", "2027-01-01 元旦", "2027-02-06 ~ 2027-02-08", "2027-03-01至2027-03-02", ""],
                                        year=2027)
    assert errors == []
    assert [e.line for e in entries] == [2, 3, 4]
    assert entries[1].days == (d("2027-02-06"), d("2027-02-07"), d("2027-02-08"))


def test_day_lines_name_every_bad_line() -> None:
    _, errors = parse_day_entries(["2027-02-30", "2027-01-01", "2027-03-05~2027-03-01", "2026-12-31", "hello",
                                   "2027-01-01~2027-03-01"], year=2027)
    assert [(e.line, e.reason) for e in errors] == [
        (1, "「2027-02-30」不是有效日期（格式 YYYY-MM-DD）"),
        (3, "结束日期早于开始日期"),
        (4, "日期须在 2027 年内（跨年的周末无需填写）"),
        (5, "「hello」不是有效日期（格式 YYYY-MM-DD）"),
        (6, "一段不能超过 31 天"),
    ]
    assert str(errors[0]) == "第 1 行「2027-02-30」：「2027-02-30」不是有效日期（格式 YYYY-MM-DD）"


def test_a_day_cannot_be_rest_and_make_up() -> None:
    with pytest.raises(ValueError):
        YearArrangement(2027, frozenset({d("2027-02-06")}), frozenset({d("2027-02-06")}))
