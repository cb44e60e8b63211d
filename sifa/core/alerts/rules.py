"""Alert rules (预警规则): registered by code, with level, description, legal basis and an evaluation.

A scheduled rule's ``evaluate(today)`` returns the conditions that hold now; the scan opens an alert
for each new one and notes on open alerts when their condition has cleared. Modules register their
own rules in ``AppConfig.ready()`` with ``sifa.core.registry.alert_rules.register(rule.code, rule)``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings

from sifa.core.alerts.choices import AlertLevel


@dataclass(frozen=True)
class AlertCondition:
    """A condition found true for one object; ``org_id`` is who must act on it."""

    object_type: str
    object_id: str
    org_id: int
    title: str
    detail: str = ""
    case_id: int | None = None
    legal_basis: str = ""

    @property
    def dedup_suffix(self) -> str:
        return f"{self.object_type}:{self.object_id}"


@dataclass(frozen=True)
class AlertRule:
    code: str
    label: str
    level: AlertLevel
    description: str
    legal_basis: str
    evaluate: Callable[[datetime.date], Iterable[AlertCondition]] | None = None  # None: raised by events
    sign_hours: int = 24
    handle_hours: int = 72
    verify_hours: int = 48
    # Besides alerts.view, the permission needed to see this rule's alerts (their titles name people: a
    # 社区矫正 alert is for those who may see correction files, not every alerts.view holder in scope).
    permission: str | None = None


def due_soon_lead_working_days() -> int:
    return int(getattr(settings, "SIFA_ALERT_DUE_SOON_WORKING_DAYS", 3))


def _deadline_conditions(today: datetime.date, *, overdue: bool) -> Iterable[AlertCondition]:
    from sifa.core.cases.deadline_bridge import working_days_between
    from sifa.core.cases.models import CaseDeadline, DeadlineStatus

    lead = due_soon_lead_working_days()
    running = CaseDeadline.objects.filter(status=DeadlineStatus.RUNNING).select_related("case", "case__org")
    for d in running.iterator():
        if overdue:
            if d.due_date >= today:
                continue
            late = (today - d.due_date).days
            title = f"{d.case.number}「{d.label}」已超期 {late} 天"
        else:
            if d.due_date < today:
                continue
            left = working_days_between(today, d.due_date)
            if left is None or left > lead:
                continue
            title = f"{d.case.number}「{d.label}」将于 {d.due_date:%Y-%m-%d} 届满（剩余 {left} 个工作日）"
        yield AlertCondition(
            object_type="cases.casedeadline", object_id=str(d.pk), org_id=d.case.org_id, case_id=d.case_id,
            title=title, detail=f"{d.rule_id} · {d.article}", legal_basis=d.article,
        )


DEADLINE_DUE_SOON = AlertRule(
    code="deadline.due_soon",
    label="期限即将届满",
    level=AlertLevel.YELLOW,
    description="案件期限在设定的工作日数内（默认 3 个工作日）届满",
    legal_basis="各期限所依据的法律条文",
    evaluate=lambda today: _deadline_conditions(today, overdue=False),
)

DEADLINE_OVERDUE = AlertRule(
    code="deadline.overdue",
    label="期限已超期",
    level=AlertLevel.RED,
    description="案件期限已届满而相应环节仍未办理",
    legal_basis="各期限所依据的法律条文",
    evaluate=lambda today: _deadline_conditions(today, overdue=True),
    sign_hours=8,
    handle_hours=24,
)

BUILT_IN_RULES = (DEADLINE_DUE_SOON, DEADLINE_OVERDUE)
