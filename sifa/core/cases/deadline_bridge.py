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


def compute(rule_id: str, start: datetime.date | datetime.datetime, adjustments: Sequence[Mapping[str, Any]] = (), *,
            variant: str | None = None, period: str | None = None, custody_days: int = 0) -> ComputedDeadline:
    """Compute ``rule_id`` (a RULES.md id in the deadlines engine's rule table) from ``start``,
    then apply the recorded suspensions (中止) and extensions (延长) in order.

    ``variant`` picks a rule variant (CC-29 "在押"); ``period`` is the stated period of a rule whose
    period comes from the decision (CC-34 terms: "1年"), with ``custody_days`` credited.

    Raises the engine's errors (unknown rule → 400, a year without calendar → CalendarMissing,
    a suspension outside the period → 400 naming the field).
    """
    from sifa.core.deadlines.periods import extend, parse_period, suspend
    from sifa.core.deadlines.rules import compute_rule, get_rule
    from sifa.core.deadlines.selectors import working_calendar

    rule = get_rule(rule_id)
    calendar = working_calendar()
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
