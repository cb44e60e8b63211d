"""Period arithmetic: parsing, month clamping, suspension, extension, and properties (hypothesis)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sifa.core.deadlines import periods
from sifa.core.deadlines.calendar import WorkingCalendar
from sifa.core.deadlines.periods import (
    STATUTES,
    Kind,
    Period,
    PeriodError,
    Policy,
    Rollover,
    Unit,
    add_months,
    compute,
    parse_period,
)
from sifa.core.deadlines.tests.conftest import d
from sifa.core.errors import ValidationFailed

LOADED = st.dates(min_value=datetime.date(2025, 3, 1), max_value=datetime.date(2026, 9, 30))
ANY_DAY = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2060, 12, 31))
CIVIL = Policy(rollover=Rollover.NONE)


@pytest.mark.parametrize(("text", "expected"), [
    ("五日", Period(5, Unit.DAY, "五日")),
    ("5日", Period(5, Unit.DAY, "5日")),
    ("5工作日", Period(5, Unit.WORKING_DAY, "5工作日")),
    ("7个工作日", Period(7, Unit.WORKING_DAY, "7个工作日")),
    ("十个工作日", Period(10, Unit.WORKING_DAY, "十个工作日")),
    ("十五日", Period(15, Unit.DAY, "十五日")),
    ("六十日", Period(60, Unit.DAY, "六十日")),
    ("一百八十日", Period(180, Unit.DAY, "一百八十日")),
    ("三个月", Period(3, Unit.MONTH, "三个月")),
    ("两个月", Period(2, Unit.MONTH, "两个月")),
    ("1年", Period(1, Unit.YEAR, "1年")),
    ("二十年", Period(20, Unit.YEAR, "二十年")),
    ("一年六个月", Period(18, Unit.MONTH, "一年六个月")),
    ("2年6个月", Period(30, Unit.MONTH, "2年6个月")),
    ("四十八小时", Period(48, Unit.HOUR, "四十八小时")),
    ("24小时", Period(24, Unit.HOUR, "24小时")),
    ("半个月", Period(0, Unit.MONTH, "半个月", extra_days=15)),
    ("１５天", Period(15, Unit.DAY, "１５天")),
])
def test_parse_period(text: str, expected: Period) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["", "五", "3周", "0日", "-1日", "abc", "9999999日", "五日五日"])
def test_bad_period_is_refused_with_field_and_examples(text: str) -> None:
    with pytest.raises(PeriodError) as raised:
        parse_period(text)
    assert raised.value.field == "period"
    assert "期间" in raised.value.message


def test_half_month_only_in_criminal_procedure(calendar: WorkingCalendar) -> None:
    half = parse_period("半个月")
    with pytest.raises(PeriodError, match="刑事诉讼"):
        compute(d("2025-03-01"), half, Policy(), calendar)
    criminal = compute(d("2025-03-01"), half, Policy(statute=STATUTES["刑事诉讼法"]), calendar)
    assert criminal.due == d("2025-03-17")  # 03-16 is a Sunday; 《刑事诉讼法》第一百零五条第四款


@pytest.mark.parametrize(("start", "months", "criminal", "expected"), [
    ("2025-01-31", 1, False, "2025-02-28"),
    ("2024-02-29", 12, False, "2025-02-28"),
    ("2025-03-15", 1, False, "2025-04-15"),
    ("2025-02-28", 1, False, "2025-03-28"),
    ("2025-02-28", 1, True, "2025-03-31"),  # 《刑诉法解释》第二百零二条第一款: month-end start
    ("2025-04-30", 1, True, "2025-05-31"),
    ("2025-04-30", 1, False, "2025-05-30"),
    ("2025-12-31", 2, False, "2026-02-28"),
])
def test_add_months_clamps_and_criminal_month_end(start: str, months: int, criminal: bool, expected: str) -> None:
    assert add_months(d(start), months, criminal_month_end=criminal)[0] == d(expected)


def test_working_day_conversion_is_statute_specific() -> None:
    five, fifteen, ten = parse_period("五日"), parse_period("十五日"), parse_period("十日")
    assert periods.converts_to_working_days(five, STATUTES["行政处罚法"])  # GEN-06
    assert not periods.converts_to_working_days(ten, STATUTES["行政处罚法"])
    assert not periods.converts_to_working_days(fifteen, STATUTES["行政处罚法"])
    assert periods.converts_to_working_days(ten, STATUTES["行政复议法"])  # GEN-07
    assert not periods.converts_to_working_days(parse_period("二日"), STATUTES["行政复议法"])
    assert periods.converts_to_working_days(parse_period("二日"), STATUTES["行政强制法"])  # GEN-08: 十日以内
    assert periods.converts_to_working_days(ten, STATUTES["行政强制法"])
    assert not periods.converts_to_working_days(fifteen, STATUTES["行政强制法"])
    assert not periods.converts_to_working_days(five, STATUTES["法律援助法"])  # GEN-09: bare 日
    assert not periods.converts_to_working_days(five, STATUTES["刑事诉讼法"])


def test_suspension_of_working_days_resumes_after_the_obstacle(calendar: WorkingCalendar) -> None:
    # given AR-12.reply style 十 工作日 from 2025-04-25, due 2025-05-13
    base = compute(d("2025-04-25"), parse_period("10工作日"), Policy(), calendar)
    # when stopped on 2025-04-30 (3 working days used: 04-27, 04-28, 04-29) and the obstacle ends 2025-05-09
    resumed = periods.suspend(base, calendar, stopped_on=d("2025-04-30"), resumed_on=d("2025-05-09"), reason="不可抗力")
    # then 7 working days are left, counted from 2025-05-12
    assert calendar.working_days_between(d("2025-04-25"), d("2025-04-29")) == 3
    assert resumed.due == calendar.add_working_days(d("2025-05-09"), 7) == d("2025-05-20")
    assert "不可抗力" in resumed.adjustments[0]


def test_suspension_of_calendar_days_moves_the_end(calendar: WorkingCalendar) -> None:
    # given the AR-04 sixty days from 2025-03-15, due 2025-05-14
    base = compute(d("2025-03-15"), parse_period("六十日"), Policy(statute=STATUTES["行政复议法"]), calendar)
    # when an obstacle lasts from 2025-04-01 to 2025-04-10 (ten days, 《行政复议法》第二十条第二款)
    resumed = periods.suspend(base, calendar, stopped_on=d("2025-04-01"), resumed_on=d("2025-04-10"))
    # then
    assert resumed.nominal == d("2025-05-24")
    assert resumed.due == d("2025-05-26")  # a Saturday rolls to Monday


def test_suspension_refused_after_expiry_and_before_start(calendar: WorkingCalendar) -> None:
    base = compute(d("2025-03-15"), parse_period("六十日"), Policy(), calendar)
    with pytest.raises(ValidationFailed) as late:
        periods.suspend(base, calendar, stopped_on=d("2025-06-01"), resumed_on=d("2025-06-02"))
    assert late.value.field == "suspend_from"
    with pytest.raises(ValidationFailed):
        periods.suspend(base, calendar, stopped_on=d("2025-03-15"), resumed_on=d("2025-03-20"))
    with pytest.raises(ValidationFailed) as backwards:
        periods.suspend(base, calendar, stopped_on=d("2025-04-10"), resumed_on=d("2025-04-01"))
    assert backwards.value.field == "suspend_to"


def test_extension_needs_reason_and_approver(calendar: WorkingCalendar) -> None:
    base = compute(d("2025-10-11"), parse_period("六十日"), Policy(), calendar)
    with pytest.raises(ValidationFailed) as no_reason:
        periods.extend(base, calendar, period=parse_period("三十日"), reason=" ", approver="负责人")
    assert no_reason.value.field == "extend_reason"
    with pytest.raises(ValidationFailed) as no_approver:
        periods.extend(base, calendar, period=parse_period("三十日"), reason="复杂", approver="")
    assert no_approver.value.field == "extend_approver"
    extended = periods.extend(base, calendar, period=parse_period("三十日"), reason="复杂", approver="负责人")
    assert any("负责人" in s.text and "复杂" in s.text for s in extended.steps)


def test_hours_need_a_time_and_ignore_holidays(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValidationFailed) as raised:
        compute(d("2025-10-01"), parse_period("24小时"), Policy(), calendar)
    assert raised.value.field == "start"
    result = compute(datetime.datetime(2025, 9, 30, 23, 30), parse_period("24小时"), Policy(), calendar)
    assert result.due == datetime.datetime(2025, 10, 1, 23, 30)
    assert result.due_iso == "2025-10-01T23:30"


def test_no_rollover_period_outside_loaded_years_still_computes(calendar: WorkingCalendar) -> None:
    result = compute(d("2026-12-20"), parse_period("三十日"), CIVIL, calendar)
    assert result.due == d("2027-01-19")
    assert result.alert_on is None
    assert any("缺少 2027 年节假日安排" in s.text for s in result.steps)


def test_rollover_outside_loaded_years_raises(calendar: WorkingCalendar) -> None:
    with pytest.raises(periods.CalendarMissing):
        compute(d("2026-12-20"), parse_period("三十日"), Policy(), calendar)


def test_gen12_helpers() -> None:
    assert periods.within(10, 10) and not periods.exceeds(10, 10) and periods.exceeds(11, 10)
    assert periods.less_than(6, 7) and not periods.less_than(7, 7)
    assert periods.days_late(d("2025-03-13"), d("2025-03-13")) == 0


# --- properties ---------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(start=LOADED, n=st.integers(min_value=1, max_value=40))
def test_adding_n_working_days_then_counting_gives_n(start: datetime.date, n: int, calendar: WorkingCalendar) -> None:
    end = calendar.add_working_days(start, n)
    assert calendar.working_days_between(start, end) == n
    assert calendar.is_working_day(end)
    assert calendar.subtract_working_days(end, n) <= start
    assert calendar.working_days_between(calendar.subtract_working_days(end, n), end) == n


@settings(max_examples=300, deadline=None)
@given(start=LOADED, n=st.integers(min_value=1, max_value=40))
def test_start_day_is_never_counted(start: datetime.date, n: int, calendar: WorkingCalendar) -> None:
    # GEN-01: the result is the same whether the start day is a working day or not
    assert calendar.add_working_days(start, n) > start
    days = compute(start, Period(n, Unit.DAY), CIVIL, calendar)
    assert days.due == start + datetime.timedelta(days=n)
    if calendar.is_working_day(start):
        assert calendar.add_working_days(start, n) == calendar.add_working_days(start - datetime.timedelta(days=1), n + 1)


@settings(max_examples=300, deadline=None)
@given(a=LOADED, b=LOADED, n=st.integers(min_value=1, max_value=40))
def test_working_days_are_monotonic(a: datetime.date, b: datetime.date, n: int, calendar: WorkingCalendar) -> None:
    early, late = min(a, b), max(a, b)
    assert calendar.add_working_days(early, n) <= calendar.add_working_days(late, n)
    assert calendar.add_working_days(early, n) < calendar.add_working_days(early, n + 1)


@settings(max_examples=300, deadline=None)
@given(a=LOADED, b=LOADED, n=st.integers(min_value=1, max_value=120))
def test_rolled_calendar_periods_are_monotonic_and_end_on_working_days(a: datetime.date, b: datetime.date, n: int,
                                                                       calendar: WorkingCalendar) -> None:
    early, late = min(a, b), max(a, b)
    policy = Policy()
    try:
        first = compute(early, Period(n, Unit.DAY), policy, calendar, explain=False)
        second = compute(late, Period(n, Unit.DAY), policy, calendar, explain=False)
    except periods.CalendarMissing:
        return
    assert first.due <= second.due
    assert calendar.is_working_day(second.due)  # type: ignore[arg-type]
    assert second.nominal <= second.due
    # no working day lies strictly between the nominal end and the rolled one
    assert calendar.working_days_between(second.nominal, second.due - datetime.timedelta(days=1)) == 0  # type: ignore[operator]


@settings(max_examples=400, deadline=None)
@given(start=ANY_DAY, months=st.integers(min_value=1, max_value=240))
def test_month_end_clamp(start: datetime.date, months: int) -> None:
    end, clamped = add_months(start, months)
    index = start.year * 12 + start.month - 1 + months
    assert (end.year, end.month) == (index // 12, index % 12 + 1)
    if clamped:
        assert end.day < start.day and (end + datetime.timedelta(days=1)).day == 1
    else:
        assert end.day == start.day


@settings(max_examples=300, deadline=None)
@given(a=ANY_DAY, b=ANY_DAY, months=st.integers(min_value=1, max_value=240))
def test_sentence_terms_are_monotonic_and_end_before_the_corresponding_day(
        a: datetime.date, b: datetime.date, months: int, calendar: WorkingCalendar) -> None:
    early, late = min(a, b), max(a, b)
    policy = Policy(kind=Kind.TERM, rollover=Rollover.NONE)
    first = compute(early, Period(months, Unit.MONTH), policy, calendar, explain=False)
    second = compute(late, Period(months, Unit.MONTH), policy, calendar, explain=False)
    assert first.due <= second.due
    corresponding, clamped = add_months(early, months)
    assert first.due == (corresponding if clamped else corresponding - datetime.timedelta(days=1))
    eligible = compute(early, Period(months, Unit.MONTH), Policy(kind=Kind.ELIGIBLE, rollover=Rollover.NONE), calendar,
                       explain=False)
    assert eligible.due == first.due + datetime.timedelta(days=1)  # type: ignore[operator]


@settings(max_examples=200, deadline=None)
@given(event=st.dates(min_value=datetime.date(2025, 2, 1), max_value=datetime.date(2026, 12, 15)),
       n=st.integers(min_value=1, max_value=10))
def test_notice_n_working_days_before_is_the_latest_timely_working_day(event: datetime.date, n: int,
                                                                       calendar: WorkingCalendar) -> None:
    result = compute(event, Period(n, Unit.WORKING_DAY), Policy(kind=Kind.NOTICE), calendar, explain=False)
    latest = result.due
    assert isinstance(latest, datetime.date)
    assert calendar.add_working_days(latest, n) <= event
    later = calendar.next_working_day(latest + datetime.timedelta(days=1))
    assert calendar.add_working_days(later, n) > event


@settings(max_examples=200, deadline=None)
@given(start=LOADED, n=st.integers(min_value=1, max_value=30), stop=st.integers(min_value=1, max_value=30),
       pause=st.integers(min_value=0, max_value=20))
def test_suspension_never_shortens_a_period(start: datetime.date, n: int, stop: int, pause: int,
                                            calendar: WorkingCalendar) -> None:
    base = compute(start, Period(n, Unit.WORKING_DAY), Policy(), calendar, explain=False)
    stopped = start + datetime.timedelta(days=min(stop, (base.nominal - start).days))  # type: ignore[operator]
    try:
        resumed = periods.suspend(base, calendar, stopped_on=stopped, resumed_on=stopped + datetime.timedelta(days=pause),
                                  explain=False)
    except periods.CalendarMissing:
        return
    assert resumed.due >= base.due
    # the working days counted before and after the pause add up to n
    before = calendar.working_days_between(start, stopped - datetime.timedelta(days=1))
    after = calendar.working_days_between(stopped + datetime.timedelta(days=pause), resumed.due)  # type: ignore[arg-type]
    assert before + after == n


@settings(max_examples=300, deadline=None)
@given(start=LOADED, index=st.integers(min_value=0, max_value=10_000))
def test_due_date_only_path_agrees_with_the_explained_path(start: datetime.date, index: int,
                                                           calendar: WorkingCalendar) -> None:
    from sifa.core.deadlines.rules import compute_rule, rules

    table = [r for r in rules().values() if not r.period_required]
    rule = table[index % len(table)]
    begin: datetime.date | datetime.datetime = start
    if rule.stated is not None and rule.stated.unit is Unit.HOUR:
        begin = datetime.datetime(start.year, start.month, start.day, 9, 30)
    try:
        fast = compute_rule(rule.id, begin, calendar, explain=False)
    except periods.CalendarMissing:
        with pytest.raises(periods.CalendarMissing):
            compute_rule(rule.id, begin, calendar, explain=True)
        return
    slow = compute_rule(rule.id, begin, calendar, explain=True)
    assert fast._replace(steps=()) == slow._replace(steps=())
    assert slow.steps and not fast.steps
