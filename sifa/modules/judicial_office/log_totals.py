"""The month rollup of the two log figures of the cockpit (上报天数, 迟报日志数): ``WorkLogMonthTotal``.

Per office and month: the working days with a submitted log, and the logs submitted after their deadline
(the working day after the log's day; late from local midnight after it). Both depend on the holiday
calendar, so each row carries the signature of the calendar it was computed under (``month_stamp``): the
month's year, and for December the next year too (the deadline of the last days of December falls in
January). The cockpit (``cockpit.log_figures``) reads a whole month from these rows only when every row of the
month carries the current signature, and counts it from the logs otherwise.

Kept by ``services.rewrite_month_totals`` in the transaction that submits, edits or corrects a log;
rebuilt for December of the year before and every month of a year when that year's calendar is loaded
or replaced (``registry.calendar_hooks``, ``on_calendar_year_loaded``), and by
``services.rebuild_month_totals`` after a bulk load.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Collection, Iterable
from typing import Any

from django.db import connection
from django.utils import timezone

from sifa.core.deadlines.calendar import CalendarMissing, WorkingCalendar
from sifa.core.deadlines.selectors import working_calendar
from sifa.core.orgs.models import Org
from sifa.modules.judicial_office.choices import WorkLogStatus
from sifa.modules.judicial_office.models import WorkLog, WorkLogMonthTotal

DayRow = tuple[datetime.date, Any, int]  # (day, late_from instant or None, 1 if a working day)


def month_end(month: datetime.date) -> datetime.date:
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def day_rows(cal: WorkingCalendar, start: datetime.date, end: datetime.date, *, strict: bool = True) -> list[DayRow]:
    """Each day of ``start``..``end`` with the instant from which a log of that day is late (local midnight after
    the next working day; None when the next year is not loaded: lateness unknown, not late) and whether it
    is a working day. A day of a year without a calendar raises CalendarMissing, or with ``strict=False``
    counts as a rest day with no deadline (the month's row is then stamped "" and never read)."""
    tz = timezone.get_default_timezone()
    rows: list[DayRow] = []
    day = start
    while day <= end:
        if not strict and not cal.has_year(day.year):
            rows.append((day, None, 0))
            day += datetime.timedelta(days=1)
            continue
        try:
            deadline: datetime.date | None = cal.add_working_days(day, 1)
        except CalendarMissing:
            deadline = None
        late_from = None if deadline is None else connection.ops.adapt_datetimefield_value(
            datetime.datetime.combine(deadline + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz))
        rows.append((day, late_from, 1 if cal.is_working_day(day) else 0))
        day += datetime.timedelta(days=1)
    return rows


def _year_signature(cal: WorkingCalendar, year: int) -> str:
    if not cal.has_year(year):
        return f"{year}:-"
    arrangement = cal.arrangement(year)
    content = repr((sorted(arrangement.rest_days), sorted(arrangement.makeup_days)))
    return f"{year}:{hashlib.sha256(content.encode()).hexdigest()[:12]}"


def month_stamp(cal: WorkingCalendar, month: datetime.date) -> str:
    """The signature of the calendar a month's log figures depend on: a hash of the rest and make-up days of
    the month's year, plus the next year's for December ("2026:ab12…;2027:-" while 2027 is not loaded);
    "" when the month's year is not loaded (such a row is never read as current)."""
    if not cal.has_year(month.year):
        return ""
    stamp = _year_signature(cal, month.year)
    if month.month == 12:
        stamp += ";" + _year_signature(cal, month.year + 1)
    return stamp


def values_list(rows: list[DayRow]) -> tuple[str, list[Any]]:
    """The days as a VALUES list (day, late_from, working) and its parameters."""
    pg = connection.vendor == "postgresql"
    date = "%s::date" if pg else "%s"
    instant = "%s::timestamptz" if pg else "%s"
    return ", ".join([f"({date}, {instant}, %s)"] * len(rows)), [v for row in rows for v in row]


def write_log_month_totals(month: datetime.date, org_ids: Collection[int] | None = None,
                           cal: WorkingCalendar | None = None) -> int:
    """Recompute the month's rows of ``org_ids`` (or of every office) from their submitted logs, stamped with
    the calendar's signature. No transaction of its own (the caller's). Returns the number of rows written."""
    cal = cal or working_calendar()
    month = month.replace(day=1)
    last = month_end(month)
    ids = sorted(set(org_ids)) if org_ids is not None else None
    if ids == []:
        return 0
    old = WorkLogMonthTotal.objects.filter(month=month)
    (old if ids is None else old.filter(org_id__in=ids)).delete()
    table, logs, orgs = (connection.ops.quote_name(m._meta.db_table) for m in (WorkLogMonthTotal, WorkLog, Org))
    date = "%s::date" if connection.vendor == "postgresql" else "%s"
    values, params = values_list(day_rows(cal, month, last, strict=False))
    among = "" if ids is None else f"AND w.org_id IN ({', '.join(['%s'] * len(ids))})"
    with connection.cursor() as cursor:
        # an upsert: a second writer of the same office that committed first leaves a row this one replaces
        cursor.execute(
            f"WITH dl (day, late_from, working) AS (VALUES {values}) "  # noqa: S608 (our names; values parameters)
            f"INSERT INTO {table} (org_id, org_path, month, reported_days, late_logs, calendar) "
            f"SELECT w.org_id, o.path, {date}, COUNT(DISTINCT CASE WHEN dl.working = 1 THEN w.day END), "
            f"SUM(CASE WHEN w.submitted_at >= dl.late_from THEN 1 ELSE 0 END), %s "
            f"FROM {logs} w JOIN {orgs} o ON o.id = w.org_id JOIN dl ON dl.day = w.day "
            f"WHERE w.status = %s AND w.day >= {date} AND w.day <= {date} {among} GROUP BY w.org_id, o.path "
            f"ON CONFLICT (org_id, month) DO UPDATE SET reported_days = excluded.reported_days, "
            f"late_logs = excluded.late_logs, calendar = excluded.calendar, org_path = excluded.org_path",
            [*params, month, month_stamp(cal, month), WorkLogStatus.SUBMITTED, month, last, *(ids or [])])
        return cursor.rowcount


def rebuild_log_month_totals(org_ids: Iterable[int] | None = None,
                             months: Iterable[datetime.date] | None = None) -> int:
    """Rewrite the rows of ``months`` (default: every month with a submitted log) for ``org_ids`` (default: every
    office; the rows of those months or, with no months given, all rows are deleted first). The caller holds the
    transaction. Returns the number of rows written."""
    ids = sorted(set(org_ids)) if org_ids is not None else None
    if ids == []:
        return 0
    if months is None:
        logs = WorkLog.objects.filter(status=WorkLogStatus.SUBMITTED)
        if ids is not None:
            logs = logs.filter(org_id__in=ids)
        wanted = sorted(logs.dates("day", "month"))
        old = WorkLogMonthTotal.objects.all()
        (old if ids is None else old.filter(org_id__in=ids)).delete()
    else:
        wanted = sorted({m.replace(day=1) for m in months})
    cal = working_calendar()
    return sum(write_log_month_totals(month, ids, cal) for month in wanted)


def on_calendar_year_loaded(year: int) -> int:
    """A year's calendar was loaded or replaced (inside its transaction): the rows of that year's months and of
    the December before (whose late logs' deadlines fall in it) are recomputed under it; returns how many."""
    months = [datetime.date(year - 1, 12, 1), *(datetime.date(year, m, 1) for m in range(1, 13))]
    return rebuild_log_month_totals(months=months)


def register() -> None:
    from sifa.core import registry

    registry.calendar_hooks.register("judicial_office.log_month_totals", registry.CalendarHook(
        key="judicial_office.log_month_totals", label="工作日志月度上报统计", run=on_calendar_year_loaded))
