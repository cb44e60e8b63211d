"""One entry point for the page, the API and the CLI: raw text in, a Deadline (or a named error) out.

Pure Python: the caller passes the working calendar (``selectors.working_calendar()``).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from sifa.core.deadlines import periods, rules
from sifa.core.deadlines.calendar import CalendarMissing, WorkingCalendar
from sifa.core.deadlines.periods import Deadline, parse_period
from sifa.core.deadlines.rules import Rule, Variant
from sifa.core.errors import ValidationFailed

_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}):(\d{2})(?::\d{2})?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(text: str, *, field: str, label: str) -> datetime.date:
    value = (text or "").strip()
    if not value:
        raise ValidationFailed(f"{label}不能为空（格式 YYYY-MM-DD）", field=field)
    if _DATE.match(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass  # shaped like a date but not one (2025-02-30): same message as any other bad text
    raise ValidationFailed(f"{label}「{value}」不是有效日期（格式 YYYY-MM-DD）", field=field)


def parse_start(text: str, *, field: str = "start") -> datetime.date | datetime.datetime:
    """``2025-09-28`` or, for 小时 periods, ``2025-12-19T10:00`` / ``2025-12-19 10:00``."""
    value = (text or "").strip()
    match = _DATETIME.match(value)
    if match:
        day = parse_day(match[1], field=field, label="起算日期")
        hour, minute = int(match[2]), int(match[3])
        if hour > 23 or minute > 59:
            raise ValidationFailed(f"起算时刻「{value}」不是有效时间", field=field)
        return datetime.datetime(day.year, day.month, day.day, hour, minute)
    return parse_day(value, field=field, label="起算日期")


@dataclass(frozen=True)
class CalculatorInput:
    """What a person types: every field is text, as on the page and in the query string."""

    rule: str = ""
    start: str = ""
    period: str = ""
    variant: str = ""
    statute: str = ""
    custody_days: str = ""
    extend: str = ""
    extend_reason: str = ""
    extend_approver: str = ""
    suspend_from: str = ""
    suspend_to: str = ""


@dataclass(frozen=True)
class Outcome:
    deadline: Deadline
    rule: Rule | None
    variant: Variant | None = None

    @property
    def status(self) -> tuple[str, str]:
        """(status tag, flag) of the rule with its variant; ("", "") for a bare period."""
        return self.rule.status_of(self.variant) if self.rule else ("", "")


def _int(text: str, *, field: str, label: str) -> int:
    value = (text or "").strip()
    if not value:
        return 0
    if not value.isdigit():
        raise ValidationFailed(f"{label}应为非负整数", field=field)
    return int(value)


def calculate(data: CalculatorInput, calendar: WorkingCalendar, *, explain: bool = True) -> Outcome:
    """Compute a rule's deadline (``rule``) or a bare period (``period``), then 中止 and 延长 if given."""
    rule = rules.get_rule(data.rule) if data.rule.strip() else None
    chosen = rule.variant(data.variant.strip() or None) if rule else None
    start = parse_start(data.start)
    custody = _int(data.custody_days, field="custody_days", label="羁押天数")
    if custody > 36500:
        raise ValidationFailed("羁押天数过大", field="custody_days")
    period = parse_period(data.period) if data.period.strip() else None
    try:
        if rule is not None:
            deadline = rules.compute_rule(rule.id, start, calendar, variant=data.variant.strip() or None, period=period,
                                          custody_days=custody, explain=explain)
        else:
            if period is None:
                raise ValidationFailed("请选择期限规则，或填写期间（如 5工作日、15日、3个月）", field="period")
            if custody:
                raise ValidationFailed("羁押折抵只适用于刑期类规则", field="custody_days")
            deadline = rules.compute_free(start, period, calendar, statute=data.statute.strip(),
                                          variant=data.variant.strip() or None, explain=explain)
        if data.suspend_from.strip() or data.suspend_to.strip():
            stopped = parse_day(data.suspend_from, field="suspend_from", label="中止开始日")
            resumed = parse_day(data.suspend_to, field="suspend_to", label="障碍消除日")
            deadline = periods.suspend(deadline, calendar, stopped_on=stopped, resumed_on=resumed, explain=explain)
        if data.extend.strip():
            deadline = periods.extend(deadline, calendar, period=parse_period(data.extend, field="extend"),
                                      reason=data.extend_reason, approver=data.extend_approver, explain=explain)
    except CalendarMissing as exc:
        if exc.field is None:
            raise CalendarMissing(exc.year, field="start") from exc
        raise
    return Outcome(deadline, rule, chosen)


def payload(outcome: Outcome, *, explain: bool) -> dict[str, Any]:
    """The API / JSON view of an outcome."""
    d, rule = outcome.deadline, outcome.rule
    status, flag = outcome.status
    nominal = d.nominal.strftime("%Y-%m-%dT%H:%M") if isinstance(d.nominal, datetime.datetime) else d.nominal.isoformat()
    start = d.start.strftime("%Y-%m-%dT%H:%M") if isinstance(d.start, datetime.datetime) else d.start.isoformat()
    return {
        "rule": rule.id if rule else None,
        "title": rule.title if rule else None,
        "article": rule.article if rule else None,
        "status": status or None,
        "flag": flag or None,
        "variant": outcome.variant.name if outcome.variant else None,
        "kind": d.policy.kind.value,
        "label": d.label,
        "start": start,
        "period": d.stated.label(),
        "counted_period": d.period.label(),
        "nominal": nominal,
        "due": d.due_iso,
        "alert_on": d.alert_on,
        "adjustments": list(d.adjustments),
        "flags": d.tags,
        "steps": [{"text": s.text, "basis": s.basis, "tag": s.tag} for s in d.steps] if explain else [],
    }
