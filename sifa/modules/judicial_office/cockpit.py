"""驾驶舱 (cockpit): the work-log figures of any org's subtree for a period, and their data quality.

Figures are read straight from ``WorkDailyTotal`` (kept exact by the work-log services in the
transaction that submits, edits or corrects a log, and by the auto-item pull), so a log submitted
at a township shows in the county and province cockpit on the next page load: there is no cache
and no nightly batch. A page costs the same few queries whatever the org's level:

- the orgs above (breadcrumb), right below (children) and the offices of the subtree: one query;
- ``rollup``: one statement over the rollup rows (one indexed prefix range on ``org_path`` plus a
  day range) summed by child × item, by office and by day or month; items, children, the child ×
  item table, the top/bottom lists and the trend all fold from it;
- ``log_figures``: per office, working days with a log (上报率) and logs submitted later than the next
  working day (迟报): whole months from ``WorkLogMonthTotal`` (rows stamped with the current holiday
  calendar), the other days from one pass over the submitted logs;
- offices with no submitted log for ``SIFA_WORKLOG_MISSING_DAYS`` working days (数据质量); open
  alerts in the subtree by rule, level and state; the latest assessment scores, if any.

Drilling down is the same page for a child org; every step checks the actor's scope again.
The module's alert rule ``judicial_office.worklog_missing`` opens an alert for the county bureau
when one of its offices has stopped logging for N working days (``missing_log_conditions``).
"""

from __future__ import annotations

import calendar as month_calendar
import datetime
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Avg, Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Substr
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from openpyxl import Workbook

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.alerts.choices import LEVEL_BADGE, LEVEL_ORDER, OPEN_STATES, AlertLevel, AlertState
from sifa.core.alerts.models import Alert
from sifa.core.alerts.rules import AlertCondition, AlertRule
from sifa.core.audit.recorder import record
from sifa.core.deadlines.calendar import CalendarMissing, WorkingCalendar
from sifa.core.deadlines.selectors import working_calendar
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404
from sifa.core.services import service
from sifa.core.ui.cockpit import Period
from sifa.core.ui.cockpit import period_from as core_period_from
from sifa.modules.judicial_office.alerts import RULES as GAMING_RULES
from sifa.modules.judicial_office.choices import WorkLogStatus
from sifa.modules.judicial_office.log_totals import day_rows, month_end, month_stamp, values_list
from sifa.modules.judicial_office.models import (
    WorkCatalogueItem,
    WorkCountyMonthTotal,
    WorkDailyTotal,
    WorkLog,
    WorkLogMonthTotal,
    WorkMonthTotal,
    WorkOfficeDayTotal,
    WorkOfficeMonthTotal,
)

PERMISSION = "judicial_office.cockpit.view"
EXPORT_ACTION = "judicial_office.cockpit.exported"
MISSING_RULE = "judicial_office.worklog_missing"
# Orgs a cockpit drills down through (the others in the tree — courts, committees — hold no work logs).
DRILL_TYPES = (OrgType.JUSTICE_DEPARTMENT, OrgType.JUSTICE_BUREAU, OrgType.JUDICIAL_OFFICE)
ANOMALY_RULES = frozenset(r.code for r in GAMING_RULES)  # the work log's anti-gaming checks (异常)
DAILY_SERIES_MAX_DAYS = 62  # longer periods are charted by month
TOP_N = 10
LIST_LIMIT = 20  # rows of a data-quality list on the page (the Excel export has them all)
CHILD_ITEM_COLUMNS = 6  # item columns in the child table (the busiest items)



def missing_days() -> int:
    """N of "no submitted log for N working days" (``SIFA_WORKLOG_MISSING_DAYS``, default 3, at least 1)."""
    return max(1, int(getattr(settings, "SIFA_WORKLOG_MISSING_DAYS", 3)))


# --- the period ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CockpitPeriod(Period):
    """The shared cockpit period (sifa.core.ui.cockpit.Period), charted by day or, when long, by month."""

    @property
    def by_month(self) -> bool:
        return (self.end - self.start).days + 1 > DAILY_SERIES_MAX_DAYS


def period_from(*, preset: str | None = None, start: str | None = None, end: str | None = None,
                today: datetime.date | None = None) -> CockpitPeriod:
    """The period asked for (sifa.core.ui.cockpit.period_from: custom start/end or a preset, default 本月)."""
    chosen = core_period_from(preset=preset, start=start, end=end, today=today)
    return CockpitPeriod(chosen.start, chosen.end, chosen.preset)


# --- figures ---------------------------------------------------------------------------------------


@dataclass
class ItemFigure:
    code: str
    name: str
    unit: str
    manual: int = 0
    auto: int = 0
    total: int = 0
    url: str = ""  # drill-through: the work logs behind the figure


@dataclass
class Rate:
    """Submission rate (上报率): working days with a submitted log, over offices × working days."""

    reported: int = 0
    expected: int = 0

    @property
    def percent(self) -> float | None:
        return round(100 * self.reported / self.expected, 1) if self.expected else None


@dataclass
class ChildFigure:
    """One org directly below the cockpit's org (a city, county or office), with its subtree's figures."""

    id: int
    name: str
    type: str
    path: str
    offices: int = 0
    total: int = 0
    items: dict[str, int] = field(default_factory=dict)
    rate: Rate = field(default_factory=Rate)
    score: Decimal | None = None  # average current score of its offices, None = 未计算
    scored: int = 0
    url: str = ""


@dataclass
class OfficeFigure:
    id: int
    name: str
    parent_name: str
    total: int = 0
    rate: Rate = field(default_factory=Rate)
    url: str = ""


@dataclass
class SeriesPoint:
    start: datetime.date
    end: datetime.date
    label: str
    total: int = 0
    url: str = ""


@dataclass
class MissingOffice:
    id: int
    name: str
    parent_name: str
    parent_id: int | None
    last_day: datetime.date | None
    url: str = ""


@dataclass
class LateOffice:
    id: int
    name: str
    parent_name: str
    count: int
    url: str = ""


@dataclass
class RuleCount:
    code: str
    label: str
    level: str
    count: int
    url: str = ""

    @property
    def badge(self) -> str:
        return LEVEL_BADGE.get(self.level, "bg-secondary")


@dataclass
class KeyCount:
    """Open alerts of one level or one state, with the link to them."""

    key: str
    label: str
    count: int
    url: str = ""

    @property
    def badge(self) -> str:
        return LEVEL_BADGE.get(self.key, "bg-secondary")


@dataclass
class AlertSummary:
    """Open alerts in the subtree (shown only to roles with alerts.view)."""

    total: int = 0
    by_level: list[KeyCount] = field(default_factory=list)
    by_state: list[KeyCount] = field(default_factory=list)
    by_rule: list[RuleCount] = field(default_factory=list)
    url: str = ""


@dataclass
class Quality:
    """Data quality (数据质量): offices with no submitted log for N working days before ``as_of``, late logs, anomalies."""

    as_of: datetime.date
    days: int
    window_start: datetime.date | None = None
    missing: list[MissingOffice] = field(default_factory=list)
    late_total: int = 0
    late: list[LateOffice] = field(default_factory=list)
    anomalies: list[RuleCount] = field(default_factory=list)
    error: str = ""


@dataclass
class ScoreSummary:
    """The latest assessment scores of the subtree's offices within the period (考核得分)."""

    scheme_id: int
    scheme_name: str
    period_key: str
    period_label: str
    average: Decimal | None
    count: int
    url: str = ""


@dataclass
class Cockpit:
    org: Org
    period: CockpitPeriod
    today: datetime.date
    breadcrumb: list[Org]
    is_office: bool
    items: list[ItemFigure]
    manual: int
    auto: int
    total: int
    children: list[ChildFigure]
    offices: list[OfficeFigure]  # every office in force, busiest first
    series: list[SeriesPoint]
    rate: Rate
    rate_error: str
    quality: Quality
    alerts: AlertSummary | None
    scores: ScoreSummary | None
    logs_url: str

    @property
    def office_count(self) -> int:
        return len(self.offices)

    @property
    def top(self) -> list[OfficeFigure]:
        return self.offices[:self._list_size]

    @property
    def bottom(self) -> list[OfficeFigure]:
        return list(reversed(self.offices))[:self._list_size]

    @property
    def _list_size(self) -> int:
        return min(TOP_N, len(self.offices) // 2)

    @property
    def child_item_columns(self) -> list[ItemFigure]:
        return [i for i in self.items if i.total][:CHILD_ITEM_COLUMNS]

    @property
    def child_rows(self) -> list[tuple[ChildFigure, list[int]]]:
        """Each child with its counts of the ``child_item_columns`` (for the child table)."""
        columns = self.child_item_columns
        return [(ch, [ch.items.get(i.code, 0) for i in columns]) for ch in self.children]

    @property
    def missing_shown(self) -> list[MissingOffice]:
        return self.quality.missing[:LIST_LIMIT]

    @property
    def late_shown(self) -> list[LateOffice]:
        return self.quality.late[:LIST_LIMIT]


# --- reads -----------------------------------------------------------------------------------------


def org_for(actor: Actor, org_id: int) -> Org:
    """The org whose cockpit is asked for: in the actor's scope (404 otherwise, like a missing one)."""
    actor.require(PERMISSION)
    return get_visible_or_404(Org, actor, pk=org_id)


def own_org(actor: Actor) -> Org:
    actor.require(PERMISSION)
    if actor.org is None:
        raise ValidationFailed("当前身份没有所属机构，无法查看驾驶舱")
    return actor.org


_urls: dict[str, str] = {}


def _url_base(name: str) -> str:
    """A route's path once per process (a page links hundreds of offices; ``reverse`` each time is costly)."""
    if name not in _urls:
        try:
            _urls[name] = reverse(name, args=[0]).replace("/0/", "/{}/") if name.startswith("cockpit:") else reverse(name)
        except NoReverseMatch:
            _urls[name] = ""
    return _urls[name]


def log_list_url(org_id: int, start: datetime.date, end: datetime.date, item: str = "") -> str:
    """The submitted work logs of an org's subtree on those days (and of one item): the records behind a figure.

    The list's filters are ``org``, ``since``, ``until`` and ``status``; ``item`` narrows it to logs with that
    catalogue item where the list supports it. "" when the work-log list is not installed.
    """
    base = _url_base("judicial_office:log_list")
    if not base:
        return ""
    query = f"org={org_id}&since={start.isoformat()}&until={end.isoformat()}&status=submitted"
    return f"{base}?{query}&item={item}" if item else f"{base}?{query}"


def cockpit_url(org_id: int, period: CockpitPeriod) -> str:
    return f"{_url_base('cockpit:org').format(org_id)}?{period.query}"


def alerts_url(org_id: int, period: CockpitPeriod, **filters: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return f"{_url_base('cockpit:alerts').format(org_id)}?{period.query}" + (f"&{query}" if query else "")


def _catalogue(codes: Iterable[str]) -> dict[str, WorkCatalogueItem]:
    return {i.code: i for i in WorkCatalogueItem.objects.filter(code__in=set(codes))}


def _in_force(row: dict[str, Any], day: datetime.date) -> bool:
    return bool(row["valid_from"] <= day and (row["valid_to"] is None or row["valid_to"] > day))


def _as_date(value: datetime.date | str) -> datetime.date:
    """A date column of a raw query: a date (PostgreSQL), a datetime (date_trunc) or ISO text (SQLite)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def _date_param(placeholder: str = "%s") -> str:
    return f"{placeholder}::date" if connection.vendor == "postgresql" else placeholder


@dataclass
class Rollup:
    """The period's sums from ``WorkDailyTotal`` over one subtree, from one statement."""

    by_child_item: dict[tuple[str, str], tuple[int, int, int]]  # (child path, item) → (manual, auto, total)
    by_office: dict[int, int]  # office id → total
    by_bucket: dict[datetime.date, int]  # day (or first day of the month) → total


def _months(period: CockpitPeriod) -> list[tuple[datetime.date, datetime.date, datetime.date, datetime.date]]:
    """The months the period touches: (month's first day, its last day, first and last day inside the period)."""
    months = []
    month = period.start.replace(day=1)
    while month <= period.end:
        last = month.replace(day=month_calendar.monthrange(month.year, month.month)[1])
        months.append((month, last, max(month, period.start), min(last, period.end)))
        month = last + datetime.timedelta(days=1)
    return months


def _month_parts(org: Org, period: CockpitPeriod) -> tuple[list[datetime.date], list[tuple[datetime.date, datetime.date]]]:
    """Which months of the period are read from ``WorkMonthTotal`` and which day ranges from ``WorkDailyTotal``.

    A month the period covers whole is read whole. A month it covers in part (the 本月 preset, a custom
    range) is read whole too when the subtree has no daily row on its days outside the period — usually
    the days after today — which one indexed EXISTS per such month tells; otherwise its days in the
    period are read from the daily rows. Either way the sums are those of the period's days exactly.
    """
    whole: list[datetime.date] = []
    days: list[tuple[datetime.date, datetime.date]] = []
    for first, last, lo, hi in _months(period):
        if (lo, hi) == (first, last):
            whole.append(first)
            continue
        outside = Q(day__gte=first, day__lt=lo) | Q(day__gt=hi, day__lte=last)
        if WorkDailyTotal.objects.filter(outside, org_path__startswith=org.path).exists():
            days.append((lo, hi))
        else:
            whole.append(first)
    return whole, days


def reads_county_rows(org: Org, office_parents: Iterable[int | None] | None = None) -> bool:
    """Whether ``org``'s whole months can be read from ``WorkCountyMonthTotal`` (one row per county) instead of
    the office rows: ``org`` is above the offices' parents (a province or city: no office sits right below it),
    so each county row falls inside one child org. A county bureau's children are its offices, and an
    office is its own area: those read the office rows. ``office_parents``: the parent ids of the subtree's
    offices, when the caller has them (else one query)."""
    if org.type == OrgType.JUDICIAL_OFFICE:
        return False
    if office_parents is None:
        return not Org.objects.filter(parent=org, type=OrgType.JUDICIAL_OFFICE).exists()
    return org.pk not in set(office_parents)


def rollup(org: Org, period: CockpitPeriod, *, county_rows: bool | None = None) -> Rollup:
    """The period's sums over ``org``'s subtree three ways: by child org (the org path cut to the child's depth)
    × item, by office, and by day or month — at the grain each needs, from the rollups the work-log services
    keep in their transaction:

    - child × item (and by month): whole months the period covers from ``WorkCountyMonthTotal`` (one row per
      county, month and item) for a province or city (``reads_county_rows``; ``county_rows`` overrides), else
      from ``WorkMonthTotal`` (one per office, month and item); plus ``WorkDailyTotal`` for the days of a month
      the period covers only in part (``_month_parts``);
    - by office: periods up to ``DAILY_SERIES_MAX_DAYS`` from ``WorkOfficeDayTotal`` (with the by-day sums; one
      row per office and day); longer periods from ``WorkOfficeMonthTotal`` (one row per office and month)
      plus the daily rows of partly covered months.

    Each is one indexed range (month or day, then the ``org_path`` prefix; paths are digits and "/", nothing
    to escape in LIKE). On PostgreSQL the sums of one source share one scan (GROUPING SETS); elsewhere
    (SQLite) they are UNION ALL parts.
    """
    quote = connection.ops.quote_name
    month_t, county_t, office_month_t, daily_t, day_t = (
        quote(m._meta.db_table)
        for m in (WorkMonthTotal, WorkCountyMonthTotal, WorkOfficeMonthTotal, WorkDailyTotal, WorkOfficeDayTotal))
    if county_rows is None:
        county_rows = reads_county_rows(org)
    child_len = len(org.path) + len(Org.path_segment(org.pk))
    child = f"substr(org_path, 1, {child_len})"
    pg = connection.vendor == "postgresql"
    date = _date_param()
    prefix = org.path + "%"
    whole, days = _month_parts(org, period)
    day_bucket = "date_trunc('month', day)::date" if pg else "date(day, 'start of month')"

    def source(whole_table: str, columns: str, day_columns: str) -> tuple[str, list[Any]]:
        """Whole months from ``whole_table``, then the days of partly covered months from the daily rows."""
        parts: list[str] = []
        params: list[Any] = []
        if whole:
            parts.append(f"SELECT {columns} FROM {whole_table} "  # noqa: S608 (names are ours)
                         f"WHERE month IN ({', '.join([date] * len(whole))}) AND org_path LIKE %s")
            params += [*whole, prefix]
        for lo, hi in days:
            parts.append(f"SELECT {day_columns} FROM {daily_t} "  # noqa: S608 (names are ours)
                         f"WHERE day >= {date} AND day <= {date} AND org_path LIKE %s")
            params += [lo, hi, prefix]
        return " UNION ALL ".join(parts), params

    items, item_params = source(county_t if county_rows else month_t,
                                "org_path, item_code, manual, auto, total, month AS bucket",
                                f"org_path, item_code, manual, auto, total, {day_bucket} AS bucket")
    statements: list[tuple[str, list[Any]]] = []
    if items:
        if pg:
            sets = f"({child}, item_code)" + (", (bucket)" if period.by_month else "")
            bucket = "bucket" if period.by_month else "NULL"
            statements.append((f"SELECT {child}, item_code, NULL, {bucket}, SUM(manual), SUM(auto), SUM(total) "  # noqa: S608
                               f"FROM ({items}) src GROUP BY GROUPING SETS ({sets})", item_params))
        else:
            statements.append((f"SELECT {child}, item_code, NULL, NULL, SUM(manual), SUM(auto), SUM(total) "  # noqa: S608
                               f"FROM ({items}) src GROUP BY {child}, item_code", item_params))
            if period.by_month:
                statements.append((f"SELECT NULL, NULL, NULL, bucket, NULL, NULL, SUM(total) "  # noqa: S608
                                   f"FROM ({items}) src GROUP BY bucket", item_params))
    if period.by_month:
        offices, office_params = source(office_month_t, "org_id, total", "org_id, total")
        if offices:
            statements.append((f"SELECT NULL, NULL, org_id, NULL, NULL, NULL, SUM(total) "  # noqa: S608
                               f"FROM ({offices}) src GROUP BY org_id", office_params))
    elif pg:
        statements.append((f"SELECT NULL, NULL, org_id, day, NULL, NULL, SUM(total) FROM {day_t} "  # noqa: S608
                           f"WHERE day >= {date} AND day <= {date} AND org_path LIKE %s "
                           "GROUP BY GROUPING SETS ((org_id), (day))", [period.start, period.end, prefix]))
    else:
        for group in ("org_id", "day"):
            columns = "org_id, NULL" if group == "org_id" else "NULL, day"
            statements.append((f"SELECT NULL, NULL, {columns}, NULL, NULL, SUM(total) FROM {day_t} "  # noqa: S608
                               f"WHERE day >= {date} AND day <= {date} AND org_path LIKE %s GROUP BY {group}",
                               [period.start, period.end, prefix]))
    result = Rollup({}, {}, {})
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            for child_path, code, org_id, bucket_day, manual, auto, total in cursor.fetchall():
                if code is not None:
                    result.by_child_item[(child_path, code)] = (int(manual or 0), int(auto or 0), int(total or 0))
                elif org_id is not None:
                    result.by_office[org_id] = int(total or 0)
                elif bucket_day is not None:
                    result.by_bucket[_as_date(bucket_day)] = int(total or 0)
    return result


def _series(period: CockpitPeriod, sums: dict[datetime.date, int]) -> list[SeriesPoint]:
    points: list[SeriesPoint] = []
    if period.by_month:
        month = period.start.replace(day=1)
        while month <= period.end:
            last = month.replace(day=month_calendar.monthrange(month.year, month.month)[1])
            points.append(SeriesPoint(max(month, period.start), min(last, period.end), f"{month:%Y-%m}",
                                      sums.get(month, 0)))
            month = last + datetime.timedelta(days=1)
        return points
    day = period.start
    while day <= period.end:
        points.append(SeriesPoint(day, day, f"{day:%m-%d}", sums.get(day, 0)))
        day += datetime.timedelta(days=1)
    return points


@dataclass
class LogFigures:
    reported: dict[int, int]  # office id → working days with a submitted log
    late: dict[int, int]  # office id → logs submitted after the working day following their day


def log_figures(org: Org, cal: WorkingCalendar, start: datetime.date, end: datetime.date) -> tuple[list[datetime.date], LogFigures]:
    """Per office of ``org``'s subtree, over ``start``..``end``: the working days with a submitted log (上报) and
    the logs submitted later than the working day after their day (迟报); and the range's working days.

    Months the range covers whole are read from ``WorkLogMonthTotal`` (one row per office and month) when every
    row of the month carries the current calendar's signature (``log_totals.month_stamp``); a month with a
    row computed under another calendar, and the days of months covered in part, are counted from the logs
    (``log_figures_from_logs``). The figures are the same either way. Raises CalendarMissing when a day of the
    range has no loaded calendar.
    """
    working = [d for d, _, w in day_rows(cal, start, end) if w]  # (raises CalendarMissing for a year not loaded)
    whole: list[datetime.date] = []
    ranges: list[tuple[datetime.date, datetime.date]] = []
    for first, last, lo, hi in _months(CockpitPeriod(start, end)):
        if (lo, hi) == (first, last):
            whole.append(first)
        else:
            ranges.append((lo, hi))
    figures = LogFigures({}, {})
    if whole:
        stale = _month_log_rows(org, cal, whole, figures)
        if stale:  # a calendar changed under some rows: those months from the logs, the others read again
            figures = LogFigures({}, {})
            current = [m for m in whole if m not in stale]
            if current:
                _month_log_rows(org, cal, current, figures)
            ranges += [(m, month_end(m)) for m in sorted(stale)]
    for lo, hi in ranges:
        part = log_figures_from_logs(org, cal, lo, hi)
        for source, target in ((part.reported, figures.reported), (part.late, figures.late)):
            for pk, n in source.items():
                target[pk] = target.get(pk, 0) + n
    return working, figures


def _month_log_rows(org: Org, cal: WorkingCalendar, months: list[datetime.date], figures: LogFigures) -> set[datetime.date]:
    """Add the ``WorkLogMonthTotal`` rows of ``months`` in the subtree to ``figures`` (one statement over the
    rows' index); returns the months with a row stamped with another calendar (then ``figures`` is partial)."""
    table = connection.ops.quote_name(WorkLogMonthTotal._meta.db_table)
    date = _date_param()
    stamps = ", ".join([f"({date}, %s)"] * len(months))
    sql = (f"WITH s (month, stamp) AS (VALUES {stamps}) "  # noqa: S608 (our names; values parameters)
           f"SELECT CASE WHEN t.calendar = s.stamp THEN t.org_id END, "
           f"CASE WHEN t.calendar = s.stamp THEN NULL ELSE t.month END, SUM(t.reported_days), SUM(t.late_logs) "
           f"FROM {table} t JOIN s ON s.month = t.month "
           f"WHERE t.month IN ({', '.join([date] * len(months))}) AND t.org_path LIKE %s GROUP BY 1, 2")
    params: list[Any] = [v for m in months for v in (m, month_stamp(cal, m))]
    stale: set[datetime.date] = set()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *months, org.path + "%"])
        for org_id, stale_month, reported, late in cursor.fetchall():
            if stale_month is not None:
                stale.add(_as_date(stale_month))
                continue
            if reported:
                figures.reported[org_id] = figures.reported.get(org_id, 0) + int(reported)
            if late:
                figures.late[org_id] = figures.late.get(org_id, 0) + int(late)
    return stale


def log_figures_from_logs(org: Org, cal: WorkingCalendar, start: datetime.date, end: datetime.date) -> LogFigures:
    """``log_figures`` counted from one pass over the submitted logs of ``start``..``end`` (per office).

    Each day of the range is joined to its working-day flag and its deadline (the next working day) from
    the holiday calendar, given as a VALUES list, so no calendar is needed in SQL (and the planner knows the
    list's size: a derived UNION drove a nested loop over the whole log index). The deadline is given as the
    instant it has passed — local midnight after it — so a log is late when ``submitted_at`` is at or after it
    (the same as its local submission date being after the deadline, without converting every row's time
    zone). ``log_totals.write_log_month_totals`` counts a month's rows with the same statement.
    """
    rows = day_rows(cal, start, end)
    if not rows:
        return LogFigures({}, {})
    logs, orgs = (connection.ops.quote_name(m._meta.db_table) for m in (WorkLog, Org))
    date = _date_param()
    days, day_params = values_list(rows)
    sql = (f"WITH dl (day, late_from, working) AS (VALUES {days}) "  # noqa: S608 (names are ours, values parameters)
           f"SELECT w.org_id, COUNT(DISTINCT CASE WHEN dl.working = 1 THEN w.day END), "
           f"SUM(CASE WHEN w.submitted_at >= dl.late_from THEN 1 ELSE 0 END) "
           f"FROM {logs} w JOIN {orgs} o ON o.id = w.org_id JOIN dl ON dl.day = w.day "
           f"WHERE o.path LIKE %s AND w.status = %s AND w.day >= {date} AND w.day <= {date} GROUP BY w.org_id")
    params: list[Any] = [*day_params, org.path + "%", WorkLogStatus.SUBMITTED, start, end]
    figures = LogFigures({}, {})
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for org_id, reported, late in cursor.fetchall():
            if reported:
                figures.reported[org_id] = int(reported)
            if late:
                figures.late[org_id] = int(late)
    return figures


def offices_without_logs(path: str | None, as_of: datetime.date, days: int, cal: WorkingCalendar | None = None, *,
                         stopped_only: bool = False) -> tuple[datetime.date, list[MissingOffice]]:
    """Offices (in ``path``'s subtree, or all) with no submitted log on the ``days`` working days before ``as_of``.

    The window runs from the ``days``-th working day before ``as_of`` up to the day before it (rest days
    inside it count if a log was submitted for them). Offices opened after the window began are left out;
    with ``stopped_only``, so are offices that never submitted a log before the window (not yet using
    the work log). Returns the window's first day and the offices, in tree order. Raises CalendarMissing
    for a year without a holiday arrangement.
    """
    cal = cal or working_calendar()
    first = cal.subtract_working_days(as_of, days)
    logs = WorkLog.objects.filter(org_id=OuterRef("pk"), status=WorkLogStatus.SUBMITTED)
    offices = Org.objects.filter(type=OrgType.JUDICIAL_OFFICE, valid_from__lte=first).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
    if path is not None:
        offices = offices.filter(path__startswith=path)
    if stopped_only:
        offices = offices.filter(Exists(logs.filter(day__lt=first)))
    rows = (offices.filter(~Exists(logs.filter(day__gte=first, day__lt=as_of)))
            .annotate(last_day=Subquery(logs.filter(day__lt=as_of).order_by("-day").values("day")[:1]))
            .values("pk", "name", "parent_id", "parent__name", "last_day").order_by("path"))
    return first, [MissingOffice(r["pk"], r["name"], r["parent__name"] or "", r["parent_id"], r["last_day"])
                   for r in rows]


def _alerts(org: Org, period: CockpitPeriod) -> AlertSummary:
    rows = list(Alert.objects.filter(org__path__startswith=org.path, state__in=OPEN_STATES)
                .values("rule_code", "level", "state").annotate(n=Count("id")).order_by())
    summary = AlertSummary(total=sum(r["n"] for r in rows), url=alerts_url(org.pk, period, state="open"))
    levels: dict[str, int] = {}
    states: dict[str, int] = {}
    rules: dict[str, RuleCount] = {}
    for r in rows:
        levels[r["level"]] = levels.get(r["level"], 0) + r["n"]
        states[r["state"]] = states.get(r["state"], 0) + r["n"]
        rule = registry.alert_rules[r["rule_code"]] if r["rule_code"] in registry.alert_rules else None
        entry = rules.setdefault(r["rule_code"], RuleCount(
            r["rule_code"], rule.label if rule else r["rule_code"], r["level"], 0,
            alerts_url(org.pk, period, state="open", rule=r["rule_code"])))
        entry.count += r["n"]
    summary.by_level = [KeyCount(lv, AlertLevel(lv).label, levels[lv], alerts_url(org.pk, period, state="open", level=lv))
                        for lv in sorted(levels, key=lambda v: LEVEL_ORDER.get(v, 9))]
    summary.by_state = [KeyCount(st, AlertState(st).label, states[st], alerts_url(org.pk, period, state=st))
                        for st in OPEN_STATES if st in states]
    summary.by_rule = sorted(rules.values(), key=lambda r: (LEVEL_ORDER.get(r.level, 9), -r.count, r.code))
    return summary


def _scores(org: Org, period: CockpitPeriod, child_len: int) -> tuple[ScoreSummary | None, dict[str, tuple[Decimal, int]]]:
    """The latest scored period starting within ``period`` (one scheme), averaged per child org."""
    from sifa.core.scoring.models import Score
    from sifa.core.scoring.periods import Period

    base = Score.objects.filter(org__path__startswith=org.path, org__type=OrgType.JUDICIAL_OFFICE, is_current=True,
                                subject_kind="org", period_start__gte=period.start, period_start__lte=period.end)
    latest = (base.order_by("-period_end", "period_start", "scheme_id")
              .values("scheme_id", "scheme__name", "period_kind", "period_start", "period_end", "period_label").first())
    if latest is None:
        return None, {}
    rows = (base.filter(scheme_id=latest["scheme_id"], period_start=latest["period_start"],
                        period_end=latest["period_end"])
            .annotate(child=Substr("org__path", 1, child_len)).values("child")
            .annotate(avg=Avg("total"), n=Count("id"), sum=Sum("total")).order_by())
    per_child = {r["child"]: (Decimal(r["avg"]).quantize(Decimal("0.01")), r["n"]) for r in rows}
    count = sum(r["n"] for r in rows)
    total = sum((Decimal(r["sum"]) for r in rows), Decimal(0))
    key = Period(latest["period_kind"], latest["period_start"], latest["period_end"]).key
    try:
        url = f"{reverse('scoring:ranking', args=[latest['scheme_id']])}?period={key}"
    except NoReverseMatch:
        url = ""
    return ScoreSummary(latest["scheme_id"], latest["scheme__name"], key, latest["period_label"],
                        (total / count).quantize(Decimal("0.01")) if count else None, count, url), per_child


def cockpit_for(actor: Actor, org: Org, period: CockpitPeriod, *, today: datetime.date | None = None) -> Cockpit:
    """Every figure of ``org``'s cockpit for ``period`` (``org`` comes from ``org_for``/``own_org``)."""
    actor.require(PERMISSION)
    today = today or timezone.localdate()
    upto = min(period.end, today)  # figures that need "so far" (submission rate) stop at today
    scope = actor.scope_paths
    is_office = org.type == OrgType.JUDICIAL_OFFICE
    child_len = len(org.path) + len(Org.path_segment(org.pk))

    # one query: the orgs above (breadcrumb), the orgs right below (children) and the offices of the subtree
    above = [org.path[:i] for i in range(len(Org.path_segment(org.pk)), len(org.path) + 1, len(Org.path_segment(org.pk)))]
    below = Q(path__startswith=org.path, type=OrgType.JUDICIAL_OFFICE)
    if not is_office:
        below |= Q(parent=org, type__in=DRILL_TYPES)
    breadcrumb_paths: dict[str, Org] = {}
    children: dict[str, ChildFigure] = {}
    office_rows: dict[int, dict[str, Any]] = {}
    for r in (Org.objects.filter(below | Q(path__in=above)).order_by("path")
              .values("pk", "name", "type", "path", "parent_id", "parent__name", "valid_from", "valid_to")):
        if r["path"] in above:
            if actor.is_system or any(r["path"].startswith(p) for p in scope):
                breadcrumb_paths[r["path"]] = Org(pk=r["pk"], name=r["name"], type=r["type"], path=r["path"])
        elif r["parent_id"] == org.pk and r["type"] in DRILL_TYPES and (
                r["valid_from"] <= period.end and (r["valid_to"] is None or r["valid_to"] > period.start)):
            children[r["path"]] = ChildFigure(r["pk"], r["name"], r["type"], r["path"],
                                              url=cockpit_url(r["pk"], period))
        if r["type"] == OrgType.JUDICIAL_OFFICE and r["path"].startswith(org.path):
            office_rows[r["pk"]] = dict(r)
    breadcrumb = [breadcrumb_paths[p] for p in above if p in breadcrumb_paths]

    # 1. the rollup: items, children, child × item, offices, the trend
    sums = rollup(org, period, county_rows=reads_county_rows(org, (r["parent_id"] for r in office_rows.values())))
    items: dict[str, ItemFigure] = {}
    for (child_path, code), (manual, auto, total) in sums.by_child_item.items():
        item = items.setdefault(code, ItemFigure(code, code, ""))
        item.manual += manual
        item.auto += auto
        item.total += total
        child = children.get(child_path)
        if child is not None:
            child.total += total
            child.items[code] = child.items.get(code, 0) + total
    catalogue = _catalogue(items)
    for code, item in items.items():
        entry = catalogue.get(code)
        if entry is not None:
            item.name, item.unit = entry.name, entry.unit
        item.url = log_list_url(org.pk, period.start, period.end, code)
    order = {code: (catalogue[code].order if code in catalogue else 9999) for code in items}
    item_list = sorted(items.values(), key=lambda i: (-i.total, order[i.code], i.code))

    # 2. submission rate on the working days so far, and late logs (one pass over the logs)
    rate_error = ""
    days: list[datetime.date] = []
    cal: WorkingCalendar | None = None
    figures = LogFigures({}, {})
    try:
        cal = working_calendar()
        days, figures = log_figures(org, cal, period.start, upto)
    except CalendarMissing as exc:
        rate_error = exc.message
    offices: list[OfficeFigure] = []
    rate = Rate()
    for pk, row in office_rows.items():
        if not _in_force(row, upto):
            continue
        office_rate = Rate(figures.reported.get(pk, 0), len(days))
        offices.append(OfficeFigure(pk, row["name"], row["parent__name"] or "", sums.by_office.get(pk, 0),
                                    office_rate, cockpit_url(pk, period)))
        rate.reported += office_rate.reported
        rate.expected += office_rate.expected
        child = children.get(row["path"][:child_len])
        if child is not None:
            child.offices += 1
            child.rate.reported += office_rate.reported
            child.rate.expected += office_rate.expected
    offices.sort(key=lambda o: (-o.total, o.name, o.id))

    # 3. data quality, alerts, scores
    as_of = min(today, period.end + datetime.timedelta(days=1))
    quality = Quality(as_of=as_of, days=missing_days())
    if cal is None:
        quality.error = rate_error
    else:
        try:
            quality.window_start, quality.missing = offices_without_logs(org.path, as_of, quality.days, cal)
        except CalendarMissing as exc:
            quality.error = exc.message
        quality.late_total = sum(figures.late.values())
        quality.late = sorted((LateOffice(pk, office_rows[pk]["name"], office_rows[pk]["parent__name"] or "", n,
                                          log_list_url(pk, period.start, period.end))
                               for pk, n in figures.late.items() if pk in office_rows), key=lambda x: (-x.count, x.name))
        for m in quality.missing:
            m.url = cockpit_url(m.id, period)
    alerts = _alerts(org, period) if actor.has_perm("alerts.view") else None
    if alerts is not None:
        quality.anomalies = [r for r in alerts.by_rule if r.code in ANOMALY_RULES]
    scores: ScoreSummary | None = None
    if actor.has_perm("scoring.view"):
        scores, per_child = _scores(org, period, child_len)
        for path, child in children.items():
            if path in per_child:
                child.score, child.scored = per_child[path]

    series = _series(period, sums.by_bucket)
    for point in series:
        point.url = log_list_url(org.pk, point.start, point.end)
    return Cockpit(
        org=org, period=period, today=today, breadcrumb=breadcrumb, is_office=is_office, items=item_list,
        manual=sum(i.manual for i in item_list), auto=sum(i.auto for i in item_list),
        total=sum(i.total for i in item_list), children=list(children.values()), offices=offices, series=series,
        rate=rate, rate_error=rate_error, quality=quality, alerts=alerts, scores=scores,
        logs_url=log_list_url(org.pk, period.start, period.end),
    )


def alerts_in(actor: Actor, org: Org) -> Any:
    """The alerts of ``org``'s subtree (the records behind the alert figures), newest first."""
    actor.require(PERMISSION)
    actor.require("alerts.view")
    return (Alert.objects.visible_to(actor).filter(org__path__startswith=org.path)
            .select_related("org", "escalated_to"))


# --- Excel export ----------------------------------------------------------------------------------

TABLES: dict[str, str] = {
    "items": "工作事项", "children": "下级机构", "offices": "司法所排行", "series": "工作量趋势",
    "missing": "未按时填报", "late": "迟报", "alerts": "预警",
}


def check_table(table: str) -> None:
    if table not in TABLES:
        raise ValidationFailed(f"未知的表格「{table}」，可选：{'、'.join(f'{k}（{v}）' for k, v in TABLES.items())}",
                               field="table")


def _pct(rate: Rate) -> float | None:
    return rate.percent


def table_rows(cockpit: Cockpit, table: str) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of one cockpit table, as the page shows it (but every row)."""
    c = cockpit
    if table == "items":
        return (["事项编码", "工作事项", "单位", "手工填报", "自动汇入", "合计"],
                [[i.code, i.name, i.unit, i.manual, i.auto, i.total] for i in c.items])
    if table == "children":
        columns = c.items
        return (["机构", "司法所数", "上报率（%）", "工作量合计", "考核均分", *[i.name for i in columns]],
                [[ch.name, ch.offices, _pct(ch.rate), ch.total, ch.score, *[ch.items.get(i.code, 0) for i in columns]]
                 for ch in c.children])
    if table == "offices":
        return (["名次", "司法所", "所属机构", "工作量合计", "上报天数", "应报天数", "上报率（%）"],
                [[n, o.name, o.parent_name, o.total, o.rate.reported, o.rate.expected, _pct(o.rate)]
                 for n, o in enumerate(c.offices, start=1)])
    if table == "series":
        return (["起", "止", "工作量合计"], [[p.start, p.end, p.total] for p in c.series])
    if table == "missing":
        return (["司法所", "所属机构", "最后提交日期"],
                [[m.name, m.parent_name, m.last_day or "从未提交"] for m in c.quality.missing])
    if table == "late":
        return (["司法所", "所属机构", "迟报日志数"], [[x.name, x.parent_name, x.count] for x in c.quality.late])
    if table == "alerts":
        rules = c.alerts.by_rule if c.alerts else []
        return (["预警规则", "规则编码", "等级", "未办结数"],
                [[r.label, r.code, AlertLevel(r.level).label, r.count] for r in rules])
    check_table(table)
    return [], []


def table_workbook(cockpit: Cockpit, table: str) -> tuple[bytes, int]:
    """The table as an .xlsx file and its row count."""
    header, rows = table_rows(cockpit, table)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(TABLES[table])
    ws.append([f"{cockpit.org.name} 驾驶舱 · {TABLES[table]} · {cockpit.period.label}"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), len(rows)


@service(EXPORT_ACTION)
def export_cockpit_table(*, actor: Actor, org: Org, table: str, period: CockpitPeriod, row_count: int) -> None:
    """Record an Excel export of a cockpit table (its rows are the org's subtree, inside the actor's scope)."""
    actor.require(PERMISSION)
    check_table(table)
    record(actor=actor, action=EXPORT_ACTION, obj=org, changes={
        "table": table, "table_label": TABLES[table], "start": period.start.isoformat(), "end": period.end.isoformat(),
        "rows": row_count})


# --- the missing-log alert rule ----------------------------------------------------------------------


def missing_log_conditions(today: datetime.date) -> Iterator[AlertCondition]:
    """Each office that stopped logging (a submitted log before, none for N working days): an alert for the
    county bureau above it. Offices that never submitted a log are on the cockpit's data-quality list but
    raise no alert, so that offices starting to use the work log one by one do not flood their county."""
    days = missing_days()
    _, rows = offices_without_logs(None, today, days, stopped_only=True)
    for office in rows:
        if office.parent_id is None:
            continue
        last = f"{office.last_day:%Y-%m-%d}" if office.last_day else "从未提交"
        yield AlertCondition(
            object_type="orgs.org", object_id=str(office.id), org_id=office.parent_id,
            title=f"{office.name}已连续 {days} 个工作日未提交工作日志",
            detail=f"最后提交的工作日志：{last}。请督促{office.name}补报，或核实是否停止办公。",
        )


MISSING_LOG_RULE = AlertRule(
    code=MISSING_RULE,
    label="司法所未按时填报工作日志",
    level=AlertLevel.YELLOW,
    description="已使用工作日志的司法所连续 N 个工作日（SIFA_WORKLOG_MISSING_DAYS，默认 3）没有提交工作日志，"
                "预警发给所属县级司法局",
    legal_basis="",
    evaluate=missing_log_conditions,
    sign_hours=24,
    handle_hours=72,
)


def register() -> None:
    """The cockpit's registrations (called once from ``JudicialOfficeConfig.ready``)."""
    from sifa.core.registry import MenuEntry
    from sifa.modules.judicial_office.cockpit_api import router

    registry.register_permission(PERMISSION, "查看驾驶舱与工作统计")
    registry.register_audit_action(EXPORT_ACTION, "导出驾驶舱统计表")
    registry.menu.register("cockpit", MenuEntry("cockpit", "驾驶舱", "cockpit:home", icon="dashboard",
                                                permission=PERMISSION, order=15, group="数字司法所"))
    registry.alert_rules.register(MISSING_LOG_RULE.code, MISSING_LOG_RULE)
    registry.api_routers.register("/cockpit", router)
