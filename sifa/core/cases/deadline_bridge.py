"""The cases engine's view of the deadlines engine: a rule's due date from a start date."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ComputedDeadline:
    due_date: datetime.date
    label: str
    article: str
    flag: str  # "[NV]" / "[INT]" / "[V-local]" for rules that need a visible flag, else ""
    steps: list[str]
    provisional_year: int | None = None  # the first year whose holiday notice is missing (due date provisional)


def compute(rule_id: str, start: datetime.date | datetime.datetime, adjustments: Sequence[Mapping[str, Any]] = (), *,
            variant: str | None = None, period: str | None = None, custody_days: int = 0) -> ComputedDeadline:
    """Compute ``rule_id`` (a RULES.md id in the deadlines engine's rule table) from ``start``,
    then apply the recorded suspensions (中止) and extensions (延长) in order.

    ``variant`` picks a rule variant (CC-29 "在押"); ``period`` is the stated period of a rule whose
    period comes from the decision (CC-34 terms: "1年"), with ``custody_days`` credited.

    A forward deadline (届满日 or 期满日) that runs into a FUTURE year whose holiday notice is not
    loaded yet is not refused: it gets a provisional due date, the earliest the period could end
    whatever that notice will say (every day of the missing years counted as a working day, so no
    rollover), marked with ``provisional_year``; loading that year recomputes it
    (``recompute_provisional``). Alerts on it come early, never late. The engine itself still refuses
    the missing year (C-02); other kinds (最早可为之日, 最迟通知日, 超过之日) are refused too, since
    an early bound would permit acting too soon.

    Raises the engine's errors (unknown rule → 400, a year without calendar → CalendarMissing,
    a suspension outside the period → 400 naming the field).
    """
    from sifa.core.deadlines.calendar import CalendarMissing
    from sifa.core.deadlines.periods import Kind
    from sifa.core.deadlines.rules import get_rule
    from sifa.core.deadlines.selectors import working_calendar

    rule = get_rule(rule_id)
    calendar = working_calendar()
    try:
        return _compute(rule_id, start, adjustments, calendar, variant=variant, period=period,
                        custody_days=custody_days)
    except CalendarMissing as exc:
        loaded = calendar.years
        if rule.kind not in (Kind.DEADLINE, Kind.TERM) or not loaded or exc.year <= max(loaded):
            raise
        bounded = calendar.with_earliest_bound(max(loaded) + PROVISIONAL_YEARS)
        computed = _compute(rule_id, start, adjustments, bounded, variant=variant, period=period,
                            custody_days=custody_days)
        note = (f"暂定：缺少 {exc.year} 年节假日安排，按最早可能的届满日计（该年每日均按工作日计、不顺延）；"
                f"系统管理员载入 {exc.year} 年安排后自动重算。")
        return ComputedDeadline(due_date=computed.due_date, label=computed.label, article=computed.article,
                                flag=computed.flag, steps=[note, *computed.steps], provisional_year=exc.year)


PROVISIONAL_YEARS = 10  # how far past the last loaded year a provisional deadline may run (CC-34 terms: years)


def _compute(rule_id: str, start: datetime.date | datetime.datetime, adjustments: Sequence[Mapping[str, Any]],
             calendar: Any, *, variant: str | None, period: str | None, custody_days: int) -> ComputedDeadline:
    from sifa.core.deadlines.periods import extend, parse_period, suspend
    from sifa.core.deadlines.rules import compute_rule, get_rule

    rule = get_rule(rule_id)
    stated = parse_period(period, field="period") if period else None
    result = compute_rule(rule_id, start, calendar, variant=variant, period=stated, custody_days=custody_days)
    for adj in adjustments:
        if adj["kind"] == "suspend":
            result = suspend(result, calendar, stopped_on=datetime.date.fromisoformat(adj["from"]),
                             resumed_on=datetime.date.fromisoformat(adj["to"]), reason=adj.get("reason", ""))
        else:
            result = extend(result, calendar, period=parse_period(adj["period"], field="period"),
                            reason=adj.get("reason", ""), approver=adj.get("approver", ""))
    due = result.due.date() if isinstance(result.due, datetime.datetime) else result.due
    steps = [step.text + (f"（{step.basis}）" if step.basis else "") for step in result.steps]
    return ComputedDeadline(due_date=due, label=rule.title, article=rule.article,
                            flag=f"[{rule.status}]" if rule.flagged else "", steps=steps)


def working_days_between(after: datetime.date, until: datetime.date) -> int | None:
    """Working days after ``after`` up to and including ``until``; None when a year has no calendar."""
    from sifa.core.deadlines.calendar import CalendarMissing
    from sifa.core.deadlines.selectors import working_calendar

    try:
        return working_calendar().working_days_between(after, until)
    except CalendarMissing:
        return None
