"""Loading a year's rest-day arrangement: audited, every bad line named, nothing half-written."""

from __future__ import annotations

import datetime

import pytest

from sifa.core.audit.models import AuditEvent
from sifa.core.deadlines import selectors, services
from sifa.core.deadlines.calendar import CalendarMissing
from sifa.core.deadlines.errors import CalendarYearExists
from sifa.core.deadlines.models import CalendarYear
from sifa.core.errors import PermissionDeniedError, ValidationFailed
from sifa.core.testing import actor_for

pytestmark = pytest.mark.django_db

REST_2027 = ["2027-01-01 元旦", "2027-02-06~2027-02-12 春节", "2027-04-05 清明节", "2027-05-01~2027-05-05 劳动节",
             "2027-06-09 端午节", "2027-09-15 中秋节", "2027-10-01~2027-10-07 国庆节"]
MAKEUP_2027 = ["2027-02-20", "2027-04-25", "2027-09-26", "2027-10-09"]  # made-up example data for the tests


def test_shipped_years_are_in_the_database() -> None:
    rows = {row.year: row for row in CalendarYear.objects.all()}
    assert {2025, 2026} <= set(rows)
    assert rows[2025].notice == "国办发明电〔2024〕12号"
    assert "2025-10-11" in rows[2025].makeup_days
    assert selectors.working_calendar().is_working_day(datetime.date(2025, 10, 11))


def test_sync_leaves_existing_years_alone() -> None:
    assert services.sync_shipped_calendar() == 0


def test_admin_loads_a_new_year_and_it_is_audited() -> None:
    # given
    admin = actor_for("admin")
    with pytest.raises(CalendarMissing):
        selectors.working_calendar().is_working_day(datetime.date(2027, 2, 8))
    # when
    row = services.load_calendar_year(actor=admin, year=2027, notice="国办发明电〔2026〕1号（测试）",
                                      rest_days=REST_2027, makeup_days=MAKEUP_2027, source="测试")
    # then
    assert row.loaded_by == admin.name
    assert "2027-02-08" in row.rest_days and len(row.rest_days) == 23
    calendar = selectors.working_calendar()
    assert calendar.is_working_day(datetime.date(2027, 2, 8)) is False
    assert calendar.is_working_day(datetime.date(2027, 2, 20)) is True
    event = AuditEvent.objects.filter(action="deadlines.calendar.loaded").latest("id")
    assert event.changes["year"] == 2027 and event.changes["rest_days"] == 23 and event.changes["replaced"] is None
    assert event.object_id == str(row.pk)


def test_every_bad_line_is_named_and_nothing_is_written() -> None:
    # given
    before = (CalendarYear.objects.count(), AuditEvent.objects.count())
    # when
    with pytest.raises(ValidationFailed) as raised:
        services.load_calendar_year(actor=actor_for("admin"), year=2027, notice="测试",
                                    rest_days=["2027-01-01", "2027-02-30", "2027-02-06~2027-02-01"],
                                    makeup_days=["2027-02-22", "2027-01-01", "2028-01-02"])
    # then
    errors = raised.value.errors
    assert errors == [
        {"field": "rest_days", "message": "法定节假日第 2 行「2027-02-30」：「2027-02-30」不是有效日期（格式 YYYY-MM-DD）"},
        {"field": "rest_days", "message": "法定节假日第 3 行「2027-02-06~2027-02-01」：结束日期早于开始日期"},
        {"field": "makeup_days", "message": "调休上班日第 3 行「2028-01-02」：日期须在 2027 年内（跨年的周末无需填写）"},
        {"field": "makeup_days", "message": "调休上班日第 1 行「2027-02-22」：2027-02-22 本是工作日，调休上班日应为星期六或星期日"},
        {"field": "makeup_days", "message": "调休上班日第 2 行「2027-01-01」：2027-01-01 本是工作日，调休上班日应为星期六或星期日"},
        {"field": "makeup_days", "message": "调休上班日第 2 行「2027-01-01」：2027-01-01 同时填为法定节假日"},
    ]
    assert (CalendarYear.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(("year", "notice", "rest", "field"), [
    (1999, "x", ["1999-01-01"], "year"),
    (2027, "  ", ["2027-01-01"], "notice"),
    (2027, "x", [], "rest_days"),
])
def test_year_notice_and_empty_rest_days_are_named(year: int, notice: str, rest: list[str], field: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        services.load_calendar_year(actor=actor_for("admin"), year=year, notice=notice, rest_days=rest, makeup_days=[])
    assert field in [e["field"] for e in raised.value.errors]
    assert not CalendarYear.objects.filter(year=year).exists()


def test_loaded_year_is_not_overwritten_without_replace() -> None:
    before = CalendarYear.objects.get(year=2026).rest_days
    with pytest.raises(CalendarYearExists) as raised:
        services.load_calendar_year(actor=actor_for("admin"), year=2026, notice="x", rest_days=["2026-01-01"],
                                    makeup_days=[])
    assert raised.value.status == 409 and raised.value.field == "year"
    assert CalendarYear.objects.get(year=2026).rest_days == before


def test_replace_corrects_a_year_and_records_the_old_counts() -> None:
    row = services.load_calendar_year(actor=actor_for("admin"), year=2026, notice="更正", rest_days=["2026-01-01"],
                                      makeup_days=[], replace=True)
    assert row.rest_days == ["2026-01-01"]
    event = AuditEvent.objects.filter(action="deadlines.calendar.loaded").latest("id")
    assert event.changes["replaced"]["rest_days"] == 33
    assert selectors.working_calendar().is_working_day(datetime.date(2026, 2, 16)) is True


@pytest.mark.parametrize("username", ["province", "county", "office1", "officer", "reviewer"])
def test_only_the_system_administrator_may_load(username: str) -> None:
    with pytest.raises(PermissionDeniedError):
        services.load_calendar_year(actor=actor_for(username), year=2027, notice="x", rest_days=REST_2027, makeup_days=[])
    assert not CalendarYear.objects.filter(year=2027).exists()
