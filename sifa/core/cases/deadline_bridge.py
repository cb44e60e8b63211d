"""The cases engine's view of the deadlines engine: a rule's due date from a start date."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class ComputedDeadline:
    due_date: datetime.date
    label: str
    article: str
    flag: str  # "[NV]" / "[INT]" / "[V-local]" for rules that need a visible flag, else ""
    steps: list[str]


def compute(rule_id: str, start: datetime.date) -> ComputedDeadline:
    """Compute ``rule_id`` (a RULES.md id in the deadlines engine's rule table) from ``start``.

    Raises the engine's errors (unknown rule → 400, a year without calendar → CalendarMissing).
    """
    from sifa.core.deadlines.rules import compute_rule, get_rule
    from sifa.core.deadlines.selectors import working_calendar

    rule = get_rule(rule_id)
    result = compute_rule(rule_id, start, working_calendar())
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
