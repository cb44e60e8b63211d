"""The cockpit's month, office-day, office-month and county month rollups (``WorkMonthTotal``, ``WorkOfficeDayTotal``,
``WorkOfficeMonthTotal``, ``WorkCountyMonthTotal``): kept exact by every
service that rewrites ``WorkDailyTotal`` (saving and editing a day, a correction's approval, the auto-item
pull), rebuilt identically from the daily rows, and read so that a period covering part of a month sums
exactly the period's days."""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.deadlines.calendar import CalendarMissing
from sifa.core.deadlines.models import CalendarYear
from sifa.core.deadlines.selectors import working_calendar
from sifa.core.deadlines.services import load_calendar_year
from sifa.core.deadlines.tests.test_services import MAKEUP_2027, REST_2027
from sifa.core.orgs.models import Org
from sifa.core.testing import actor_for
from sifa.modules.judicial_office import cockpit
from sifa.modules.judicial_office.cockpit import CockpitPeriod
from sifa.modules.judicial_office.log_totals import month_stamp
from sifa.modules.judicial_office.models import (
    WorkCountyMonthTotal,
    WorkDailyTotal,
    WorkLog,
    WorkLogMonthTotal,
    WorkMonthTotal,
    WorkOfficeDayTotal,
    WorkOfficeMonthTotal,
)
from sifa.modules.judicial_office.services import (
    decide_correction,
    pull_auto_items,
    rebuild_month_totals,
    request_correction,
    save_work_log,
)
from sifa.modules.judicial_office.tests import cockpit_factories as f
from sifa.modules.judicial_office.tests.test_worklog_pull import closed_alert
from sifa.modules.judicial_office.tests.worklog_factories import new_staff, office1, on_day

D = datetime.date


def month_rows() -> dict[tuple[int, datetime.date, str], tuple[int, int, int]]:
    return {(r.org_id, r.month, r.item_code): (r.manual, r.auto, r.total) for r in WorkMonthTotal.objects.all()}


def office_day_rows() -> dict[tuple[int, datetime.date], tuple[int, int, int]]:
    return {(r.org_id, r.day): (r.manual, r.auto, r.total) for r in WorkOfficeDayTotal.objects.all()}


def office_month_rows() -> dict[tuple[int, datetime.date], tuple[int, int, int]]:
    return {(r.org_id, r.month): (r.manual, r.auto, r.total) for r in WorkOfficeMonthTotal.objects.all()}


def county_rows() -> dict[tuple[int, datetime.date, str], tuple[int, int, int]]:
    return {(r.org_id, r.month, r.item_code): (r.manual, r.auto, r.total) for r in WorkCountyMonthTotal.objects.all()}


def all_rollups() -> tuple[dict[Any, tuple[int, int, int]], ...]:
    return month_rows(), office_day_rows(), office_month_rows(), county_rows()


def empty_rollups() -> None:
    for model in (WorkMonthTotal, WorkOfficeDayTotal, WorkOfficeMonthTotal, WorkCountyMonthTotal):
        model.objects.all().delete()


def assert_rollups_are_the_daily_sums() -> None:
    """Every rollup equals the daily rows summed by hand, row for row (and with the office's, or the county's, path)."""
    months: dict[tuple[int, datetime.date, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    days: dict[tuple[int, datetime.date], list[int]] = defaultdict(lambda: [0, 0, 0])
    office_months: dict[tuple[int, datetime.date], list[int]] = defaultdict(lambda: [0, 0, 0])
    counties: dict[tuple[int, datetime.date, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    parents = dict(Org.objects.values_list("pk", "parent_id"))
    for r in WorkDailyTotal.objects.all():
        month = r.day.replace(day=1)
        for target in (months[(r.org_id, month, r.item_code)], days[(r.org_id, r.day)],
                       office_months[(r.org_id, month)], counties[(parents[r.org_id], month, r.item_code)]):
            target[0] += r.manual
            target[1] += r.auto
            target[2] += r.total
    assert month_rows() == {k: tuple(v) for k, v in months.items() if v[2]}
    assert office_day_rows() == {k: tuple(v) for k, v in days.items() if v[2]}
    assert office_month_rows() == {k: tuple(v) for k, v in office_months.items() if v[2]}
    assert county_rows() == {k: tuple(v) for k, v in counties.items() if v[2]}
    paths = dict(Org.objects.values_list("pk", "path"))
    for model in (WorkMonthTotal, WorkOfficeMonthTotal, WorkCountyMonthTotal):
        assert all(r.org_path == paths[r.org_id] for r in model.objects.all())


@pytest.fixture
def clean(db: Any) -> None:
    f.clean_slate()


def test_saving_editing_and_drafts_keep_every_rollup_exact(clean: None) -> None:
    # given two staff of office1 logging two days of November
    first, second = new_staff(), new_staff()
    with on_day(D(2026, 11, 20)):
        # when one submits two days, the other one day, and a third keeps a draft
        save_work_log(actor=first, day=D(2026, 11, 18), submit=True, items=[{"code": "mediation", "count": 2}])
        save_work_log(actor=first, day=D(2026, 11, 19), submit=True, items=[{"code": "legal_consultation", "count": 4}])
        save_work_log(actor=second, day=D(2026, 11, 19), submit=True, items=[{"code": "mediation", "count": 1}])
        save_work_log(actor=new_staff(), day=D(2026, 11, 19), submit=False, items=[{"code": "mediation", "count": 50}])
        # then the month row holds November's sums, the office-day rows each day's
        office = office1().pk
        assert month_rows() == {(office, D(2026, 11, 1), "mediation"): (3, 0, 3),
                                (office, D(2026, 11, 1), "legal_consultation"): (4, 0, 4)}
        assert office_day_rows() == {(office, D(2026, 11, 18)): (2, 0, 2), (office, D(2026, 11, 19)): (5, 0, 5)}
        # and the county's month rows (富阳区, office1's parent) the same sums, the office-month row their total
        county = f.fuyang().pk
        assert county_rows() == {(county, D(2026, 11, 1), "mediation"): (3, 0, 3),
                                 (county, D(2026, 11, 1), "legal_consultation"): (4, 0, 4)}
        assert office_month_rows() == {(office, D(2026, 11, 1)): (7, 0, 7)}
        # when the first edits 11-18 down to nothing but one consultation
        save_work_log(actor=first, day=D(2026, 11, 18), submit=True, items=[{"code": "legal_consultation", "count": 1}])
    # then the rollups follow in the same step
    assert month_rows() == {(office, D(2026, 11, 1), "mediation"): (1, 0, 1),
                            (office, D(2026, 11, 1), "legal_consultation"): (5, 0, 5)}
    assert office_day_rows()[(office, D(2026, 11, 18))] == (1, 0, 1)
    assert county_rows()[(county, D(2026, 11, 1), "mediation")] == (1, 0, 1)
    assert_rollups_are_the_daily_sums()


def test_a_correction_approval_rewrites_the_month_of_the_corrected_day(clean: None) -> None:
    # given a log of 2026-09-30, locked after the holiday, corrected from mediation 1 to mediation 3
    actor = new_staff()
    day = D(2026, 9, 30)
    with on_day(day):
        log = save_work_log(actor=actor, day=day, submit=True, items=[{"code": "mediation", "count": 1}])
    with on_day(D(2026, 10, 12)):
        correction = request_correction(actor=actor, log=log, reason="漏记两次调解",
                                        items=[{"code": "mediation", "count": 3}])
        assert month_rows()[(office1().pk, D(2026, 9, 1), "mediation")] == (1, 0, 1)
        # when the county bureau approves
        decide_correction(actor=actor_for("county"), correction=correction, approve=True, note="同意")
    # then September's month row and the day's office total say 3
    assert month_rows()[(office1().pk, D(2026, 9, 1), "mediation")] == (3, 0, 3)
    assert office_day_rows()[(office1().pk, day)] == (3, 0, 3)
    assert county_rows()[(f.fuyang().pk, D(2026, 9, 1), "mediation")] == (3, 0, 3)
    assert_rollups_are_the_daily_sums()


def test_the_auto_item_pull_counts_in_the_rollups_as_auto(clean: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # given an alert office1 closed on 11-17 (only the work log's own source pulls)
    monkeypatch.setattr(registry.work_sources, "_items",
                        {k: v for k, v in registry.work_sources._items.items() if k == "alerts.closed"})
    closed_alert(office1(), D(2026, 11, 17), "走访逾期预警")
    # when the pull runs
    with on_day(D(2026, 11, 20)):
        pull_auto_items(actor=Actor.system("test-pull"))
    # then the month and the day hold it as an auto count
    assert month_rows()[(office1().pk, D(2026, 11, 1), "warning_handling")] == (0, 1, 1)
    assert office_day_rows()[(office1().pk, D(2026, 11, 17))] == (0, 1, 1)
    assert county_rows()[(f.fuyang().pk, D(2026, 11, 1), "warning_handling")] == (0, 1, 1)
    assert_rollups_are_the_daily_sums()


def test_the_rebuild_writes_what_the_services_kept(clean: None) -> None:
    # given rollups kept by the services over two months and two offices
    with on_day(D(2026, 11, 20)):
        save_work_log(actor=new_staff(), day=D(2026, 11, 2), submit=True, items=[{"code": "mediation", "count": 2}])
        save_work_log(actor=new_staff(), day=D(2026, 11, 19), submit=True, items=[{"code": "mediation", "count": 3},
                                                                                  {"code": "legal_consultation", "count": 1}])
    f.total(f.office_of("office2"), D(2026, 10, 30), "mediation", manual=4, auto=1)
    with on_day(D(2026, 11, 20)):  # and office2 in November too: the county row of November sums two offices
        save_work_log(actor=new_staff(f.office_of("office2")), day=D(2026, 11, 19), submit=True,
                      items=[{"code": "mediation", "count": 5}])
    kept = all_rollups()
    assert kept[3][(f.fuyang().pk, D(2026, 11, 1), "mediation")] == (10, 0, 10)
    assert_rollups_are_the_daily_sums()
    # when all are emptied and rebuilt from the daily rows (as after a bulk load)
    empty_rollups()
    counts = rebuild_month_totals()
    # then they are row for row what the services had written
    assert all_rollups() == kept
    assert counts == tuple(len(rows) for rows in kept) == (4, 4, 3, 3)
    # and a rebuild of one office leaves the other offices' rows alone and the county rows whole
    assert rebuild_month_totals([office1().pk]) == (2, 2, 1, 3)
    assert all_rollups() == kept


@pytest.fixture
def november(clean: None) -> dict[str, Any]:
    """office1: mediation on 11-03 (before the period below), 11-12 and 11-20 (in it); office2: 11-25 (after it)."""
    a, b = f.office_of("office1"), f.office_of("office2")
    f.total(a, D(2026, 11, 3), "mediation", manual=100)
    f.total(a, D(2026, 11, 12), "mediation", manual=2, auto=1)
    f.total(a, D(2026, 11, 20), "legal_consultation", manual=5)
    f.total(b, D(2026, 11, 25), "mediation", manual=40)
    return {"a": a, "b": b}


def test_a_period_covering_part_of_a_month_sums_only_its_days(november: dict[str, Any]) -> None:
    # when the county's cockpit is read for 11-10 … 11-21 (rows on both sides of it in the same month)
    period = CockpitPeriod(D(2026, 11, 10), D(2026, 11, 21))
    c = cockpit.cockpit_for(actor_for("county"), f.fuyang(), period, today=D(2026, 11, 30))
    # then only 11-12 and 11-20 count, in the items, the children, the offices and the daily trend
    assert {i.code: (i.manual, i.auto, i.total) for i in c.items} == {"mediation": (2, 1, 3),
                                                                      "legal_consultation": (5, 0, 5)}
    assert c.total == 8 and sum(ch.total for ch in c.children) == 8
    assert {o.id: o.total for o in c.offices if o.total} == {november["a"].pk: 8}
    assert {p.start: p.total for p in c.series if p.total} == {D(2026, 11, 12): 3, D(2026, 11, 20): 5}


def test_the_month_so_far_reads_the_month_row_when_no_later_day_has_rows(november: dict[str, Any]) -> None:
    # given 本月 on 11-25: the days after today hold no rows, so the month row is the month so far
    period = cockpit.period_from(preset="month", today=D(2026, 11, 25))
    whole, days = cockpit._month_parts(f.fuyang(), period)
    assert (whole, days) == ([D(2026, 11, 1)], [])
    # when read, then every row of November counts (100 + 3 + 5 + 40)
    c = cockpit.cockpit_for(actor_for("county"), f.fuyang(), period, today=D(2026, 11, 25))
    assert c.total == 148
    # and with today 11-24 the row of 11-25 lies outside: the days are read instead, without it
    earlier = cockpit.period_from(preset="month", today=D(2026, 11, 24))
    assert cockpit._month_parts(f.fuyang(), earlier) == ([], [(D(2026, 11, 1), D(2026, 11, 24))])
    assert cockpit.cockpit_for(actor_for("county"), f.fuyang(), earlier, today=D(2026, 11, 24)).total == 108


def test_a_year_is_charted_by_month_from_the_month_rows(november: dict[str, Any]) -> None:
    # given a whole-year custom period (by month), with a row in March too
    f.total(november["a"], D(2026, 3, 9), "mediation", manual=6)
    period = CockpitPeriod(D(2026, 1, 1), D(2026, 12, 31))
    # when the county's cockpit is read
    c = cockpit.cockpit_for(actor_for("county"), f.fuyang(), period, today=D(2026, 12, 31))
    # then the months carry their sums and the offices theirs
    assert {p.label: p.total for p in c.series if p.total} == {"2026-03": 6, "2026-11": 148}
    assert {o.id: o.total for o in c.offices if o.total} == {november["a"].pk: 114, november["b"].pk: 40}


def test_the_rebuild_command_restores_emptied_rollups(clean: None) -> None:
    # given a day kept by the services, then both rollups emptied (as a bulk load leaves them)
    with on_day(D(2026, 11, 20)):
        save_work_log(actor=new_staff(), day=D(2026, 11, 19), submit=True, items=[{"code": "mediation", "count": 3}])
    kept = all_rollups()
    empty_rollups()
    out = io.StringIO()
    # when the command runs
    call_command("rebuild_work_totals", stdout=out)
    # then the rows are back and it says how many
    assert all_rollups() == kept
    assert "月汇总 1 行，司法所日合计 1 行，司法所月合计 1 行，县级月汇总 1 行" in out.getvalue()


def test_a_province_or_city_reads_the_county_rows_with_the_office_rows_figures(november: dict[str, Any]) -> None:
    # given rows in two counties (富阳区 and 西湖区) over several months, one of them partly in the period below
    xihu = f.xihu_office()
    f.total(xihu, D(2026, 3, 9), "mediation", manual=6, auto=2)
    f.total(xihu, D(2026, 11, 12), "legal_consultation", manual=7)
    f.total(november["a"], D(2026, 10, 5), "mediation", manual=9)
    province, hangzhou = f.province(), f.hangzhou()
    assert cockpit.reads_county_rows(province) and cockpit.reads_county_rows(hangzhou)
    assert not cockpit.reads_county_rows(f.fuyang()) and not cockpit.reads_county_rows(november["a"])
    # when a year (by month), a whole month, and a range ending inside November are summed both ways
    for period in (CockpitPeriod(D(2026, 1, 1), D(2026, 12, 31)), CockpitPeriod(D(2026, 10, 1), D(2026, 10, 31)),
                   CockpitPeriod(D(2026, 3, 1), D(2026, 11, 21))):
        for org in (province, hangzhou):
            from_counties = cockpit.rollup(org, period, county_rows=True)
            from_offices = cockpit.rollup(org, period, county_rows=False)
            # then every sum is the same
            assert from_counties == from_offices, (org.name, period)
    # and the province's year holds each county under its city, each office its own total
    year = cockpit.rollup(province, CockpitPeriod(D(2026, 1, 1), D(2026, 12, 31)))
    assert sum(t for _, _, t in year.by_child_item.values()) == 148 + 8 + 7 + 9
    assert year.by_office == {november["a"].pk: 117, november["b"].pk: 40, xihu.pk: 15}
    assert year.by_bucket == {D(2026, 3, 1): 8, D(2026, 10, 1): 9, D(2026, 11, 1): 155}


def test_an_office_right_below_a_city_makes_the_city_read_the_office_rows(november: dict[str, Any]) -> None:
    # given an office hanging directly under 杭州市司法局 (no county between), with a row in November
    hangzhou = f.hangzhou()
    direct = f._child(hangzhou, "驾驶舱测试市直司法所", "judicial_office", hangzhou.region)
    f.total(direct, D(2026, 11, 4), "mediation", manual=3)
    # then the city cannot be read from county rows (that office's row would have no child to go to)
    assert not cockpit.reads_county_rows(hangzhou)
    # and the city's cockpit counts it under the office itself, the county's offices under 富阳区
    c = cockpit.cockpit_for(actor_for("admin"), hangzhou, CockpitPeriod(D(2026, 11, 1), D(2026, 11, 30)),
                            today=D(2026, 11, 30))
    totals = {ch.id: ch.total for ch in c.children if ch.total}
    assert totals == {direct.pk: 3, f.fuyang().pk: 148}


# --- the month rollup of the log figures (WorkLogMonthTotal: 上报天数, 迟报日志数) ------------------------------


def log_rows() -> dict[tuple[int, datetime.date], tuple[int, int, str]]:
    return {(r.org_id, r.month): (r.reported_days, r.late_logs, r.calendar) for r in WorkLogMonthTotal.objects.all()}


def assert_log_rows_are_the_log_counts() -> None:
    """Every ``WorkLogMonthTotal`` row equals the submitted logs counted by hand under the current calendar (a working
    day with a log; a log submitted, local time, after the working day following its day), stamped with it."""
    cal = working_calendar()
    reported: dict[tuple[int, datetime.date], set[datetime.date]] = defaultdict(set)
    late: dict[tuple[int, datetime.date], int] = defaultdict(int)
    for log in WorkLog.objects.filter(status="submitted"):
        key = (log.org_id, log.day.replace(day=1))
        reported[key]  # noqa: B018 (a row for every office and month with a submitted log)
        if cal.is_working_day(log.day):
            reported[key].add(log.day)
        try:
            deadline = cal.add_working_days(log.day, 1)
        except CalendarMissing:
            continue
        if log.submitted_at is not None and timezone.localtime(log.submitted_at).date() > deadline:
            late[key] += 1
    assert log_rows() == {k: (len(days), late[k], month_stamp(cal, k[1])) for k, days in reported.items()}
    paths = dict(Org.objects.values_list("pk", "path"))
    assert all(r.org_path == paths[r.org_id] for r in WorkLogMonthTotal.objects.all())


def test_c_log_month_rows_follow_saving_editing_and_corrections(clean: None) -> None:
    """The office's month row of 上报天数 and 迟报日志数 is rewritten in the transaction that submits or corrects a log."""
    first, second = new_staff(), new_staff()
    office = office1().pk
    # given two staff submitting 11-18 and 11-19, a draft, and a Saturday (submitted now: lateness by the clock)
    with on_day(D(2026, 11, 19)):
        save_work_log(actor=first, day=D(2026, 11, 18), submit=True, items=[{"code": "mediation", "count": 1}])
        save_work_log(actor=second, day=D(2026, 11, 18), submit=True, items=[{"code": "mediation", "count": 1}])
        save_work_log(actor=new_staff(), day=D(2026, 11, 17), submit=False, items=[{"code": "mediation", "count": 1}])
    with on_day(D(2026, 11, 23)):
        save_work_log(actor=first, day=D(2026, 11, 19), submit=True, items=[{"code": "mediation", "count": 1}])
        save_work_log(actor=first, day=D(2026, 11, 21), submit=True, items=[{"code": "mediation", "count": 1}])
    # then two working days reported (11-21 is a Saturday), under today's calendar
    assert {k: v[0] for k, v in log_rows().items()} == {(office, D(2026, 11, 1)): 2}
    assert_log_rows_are_the_log_counts()
    # and a correction's approval rewrites the month of the corrected day
    with on_day(D(2026, 9, 30)):
        log = save_work_log(actor=first, day=D(2026, 9, 30), submit=True, items=[{"code": "mediation", "count": 1}])
    with on_day(D(2026, 10, 12)):
        correction = request_correction(actor=first, log=log, reason="漏记", items=[{"code": "mediation", "count": 2}])
        decide_correction(actor=actor_for("county"), correction=correction, approve=True, note="同意")
    assert log_rows()[(office, D(2026, 9, 1))][0] == 1
    assert_log_rows_are_the_log_counts()
    # and a rebuild writes the same rows
    kept = log_rows()
    WorkLogMonthTotal.objects.all().delete()
    rebuild_month_totals()
    assert log_rows() == kept


@pytest.fixture
def logs_of_a_year(clean: None) -> dict[str, Any]:
    """Logs of three offices in two counties over 2026, some late, some on rest days, two authors on one day."""
    a, b, xihu = f.office_of("office1"), f.office_of("office2"), f.xihu_office()
    f.log(a, D(2026, 1, 5))
    f.log(a, D(2026, 1, 5), username="office2")  # a second author the same day: one day reported
    f.log(a, D(2026, 3, 3), submitted=f.at(D(2026, 3, 5), 9))  # late
    f.log(a, D(2026, 3, 7))  # a Saturday: not a working day
    f.log(b, D(2026, 3, 16), submitted=f.at(D(2026, 3, 17), 23))  # on time
    f.log(b, D(2026, 9, 30), submitted=f.at(D(2026, 10, 8), 9))  # 国庆 10-01…10-07: due 10-08, on time
    f.log(b, D(2026, 9, 29), submitted=f.at(D(2026, 10, 9), 9))  # due 09-30: late
    f.log(xihu, D(2026, 6, 10), submitted=f.at(D(2026, 6, 20), 9))  # late
    f.log(xihu, D(2026, 11, 2))
    f.log(xihu, D(2026, 11, 20), submitted=f.at(D(2026, 11, 24), 9))  # late (due 11-23)
    f.log(a, D(2026, 12, 31), submitted=f.at(D(2027, 1, 5), 9))  # due in 2027: not late while 2027 is not loaded
    return {"a": a, "b": b, "xihu": xihu}


PERIODS = [CockpitPeriod(D(2026, 1, 1), D(2026, 12, 31)), CockpitPeriod(D(2026, 3, 1), D(2026, 3, 31)),
           CockpitPeriod(D(2026, 3, 15), D(2026, 11, 21)), CockpitPeriod(D(2026, 11, 1), D(2026, 11, 22)),
           CockpitPeriod(D(2026, 9, 30), D(2026, 10, 2))]


def assert_figures_are_the_log_counts(orgs: list[Org]) -> None:
    cal = working_calendar()
    for period in PERIODS:
        for org in orgs:
            days, figures = cockpit.log_figures(org, cal, period.start, period.end)
            assert figures == cockpit.log_figures_from_logs(org, cal, period.start, period.end), (org.name, period)
            assert days == [d for d in (period.start + datetime.timedelta(n)
                                        for n in range((period.end - period.start).days + 1)) if cal.is_working_day(d)]


def test_c_log_figures_read_whole_months_from_the_rows_and_equal_the_log_pass(logs_of_a_year: dict[str, Any]) -> None:
    """上报 and 迟报 read from the month rows (whole months) plus the logs (part months) equal one pass over the logs."""
    assert_log_rows_are_the_log_counts()
    assert_figures_are_the_log_counts([f.province(), f.hangzhou(), f.fuyang(), logs_of_a_year["a"]])
    # the province's year, office by office
    _, year = cockpit.log_figures(f.province(), working_calendar(), D(2026, 1, 1), D(2026, 12, 31))
    a, b, xihu = logs_of_a_year["a"].pk, logs_of_a_year["b"].pk, logs_of_a_year["xihu"].pk
    assert year.reported == {a: 3, b: 3, xihu: 3}
    assert year.late == {a: 1, b: 1, xihu: 2}
    # and whole months do come from the rows (a row changed by hand shows; the part month of 11-22 does not read it)
    WorkLogMonthTotal.objects.filter(org_id=a, month=D(2026, 3, 1)).update(reported_days=40)
    _, changed = cockpit.log_figures(f.province(), working_calendar(), D(2026, 1, 1), D(2026, 11, 22))
    assert changed.reported[a] == 1 + 40  # 01-05, and March's row (12-31 is after the period)


def test_c_a_calendar_loaded_rewrites_the_rows_it_changes(logs_of_a_year: dict[str, Any]) -> None:
    """Loading 2027 (``registry.calendar_hooks``) rewrites December 2026: the 12-31 log is now due 2027-01-04."""
    assert log_rows()[(logs_of_a_year["a"].pk, D(2026, 12, 1))][1:] == (0, "2026:" + month_stamp(
        working_calendar(), D(2026, 1, 1)).split(":")[1] + ";2027:-")
    load_calendar_year(actor=actor_for("admin"), year=2027, notice="测试通知", rest_days=REST_2027,
                       makeup_days=MAKEUP_2027)
    row = log_rows()[(logs_of_a_year["a"].pk, D(2026, 12, 1))]
    assert row[1] == 1 and row[2].endswith(";" + month_stamp(working_calendar(), D(2027, 1, 1)))
    assert_log_rows_are_the_log_counts()
    assert_figures_are_the_log_counts([f.province(), f.fuyang()])


def test_c_rows_of_a_calendar_since_changed_are_not_read(logs_of_a_year: dict[str, Any]) -> None:
    """A 2026 calendar replaced without the hooks (03-16 made a rest day, 03-04 a make-up working day — as a
    correction written straight to the table would): March's rows are stale and counted from the logs instead."""
    before = log_rows()
    year = CalendarYear.objects.get(year=2026)
    year.rest_days = sorted([*year.rest_days, "2026-03-16"])
    year.loaded_at = timezone.now()
    year.save()
    assert log_rows() == before  # nothing rewritten: every 2026 row now carries an old stamp
    cal = working_calendar()
    assert all(stamp != month_stamp(cal, month) for (_, month), (_, _, stamp) in before.items())
    # then the figures are those of the logs under the new calendar (office b's 03-16 no longer a working day)
    assert_figures_are_the_log_counts([f.province(), f.fuyang(), logs_of_a_year["b"]])
    _, march = cockpit.log_figures(f.fuyang(), cal, D(2026, 3, 1), D(2026, 3, 31))
    assert march.reported.get(logs_of_a_year["b"].pk, 0) == 0
    # and when one office's month is rewritten under the new calendar, the month still reads right (other rows stale)
    with on_day(D(2026, 3, 20)):
        save_work_log(actor=new_staff(), day=D(2026, 3, 18), submit=True, items=[{"code": "mediation", "count": 1}])
    assert_figures_are_the_log_counts([f.province(), f.fuyang()])
    # and a rebuild stamps every row with the current calendar again
    rebuild_month_totals()
    assert_log_rows_are_the_log_counts()
