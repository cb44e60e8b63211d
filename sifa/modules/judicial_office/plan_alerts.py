"""Reminders (提醒) and 督办 of plan items on the core alert loop (sifa/core/alerts).

Two scheduled rules, evaluated by the core scan (``alerts.scan``) like the deadline rules:

- 「规划事项即将到期」 (yellow): an occurrence not done whose due date is today or within the item's
  ``remind_days`` days;
- 「规划事项逾期督办」 (orange): an occurrence not done after its due date.

Each condition targets the office that must do the work (``org`` = the occurrence's office), so the
office signs and handles it. The assigning org is always that office or an org above it (a plan's
occurrences are at offices in its subtree), and alert scope is the subtree: the county, city or
province that assigned the plan sees the 督办 in its alert inbox without moving it. A step not taken
in time escalates to the parent as every alert does.

The scan keeps one open alert per rule and occurrence and notes 「预警条件已消除」 once the occurrence
is done (or the reminder turns into a 督办). An alert closed by a person is not raised again for the
same occurrence: closing it is the decision that the matter is handled.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Max, QuerySet

from sifa.core.alerts.choices import AlertLevel, AlertState
from sifa.core.alerts.rules import AlertCondition, AlertRule
from sifa.modules.judicial_office.choices import OccurrenceStatus
from sifa.modules.judicial_office.models import PlanItem, PlanOccurrence

OBJECT_TYPE = "judicial_office.planoccurrence"


def _closed(rule_code: str) -> set[str]:
    from sifa.core.alerts.models import Alert

    return set(Alert.objects.filter(rule_code=rule_code, object_type=OBJECT_TYPE, state=AlertState.CLOSED)
               .values_list("object_id", flat=True))


def _condition(occurrence: PlanOccurrence, title: str) -> AlertCondition:
    from sifa.modules.judicial_office.plans import occurrence_label

    plan = occurrence.item.plan
    how = "下达" if plan.assigned else "制定"
    return AlertCondition(
        object_type=OBJECT_TYPE, object_id=str(occurrence.pk), org_id=occurrence.org_id, title=title,
        detail=(f"工作规划「{plan.title}」（{plan.org.name}{how}）· {occurrence_label(occurrence)} · "
                f"周期 {occurrence.period_start:%Y-%m-%d} 至 {occurrence.due_date:%Y-%m-%d} · "
                f"已完成 {occurrence.done}/{occurrence.target}"),
        legal_basis=f"工作规划：{plan.title}"[:255],
    )


def _pending() -> QuerySet[PlanOccurrence]:
    return (PlanOccurrence.objects.exclude(status=OccurrenceStatus.DONE)
            .select_related("item", "item__plan", "item__plan__org", "org").order_by("due_date", "id"))


def due_soon_conditions(today: datetime.date) -> Iterator[AlertCondition]:
    """Occurrences not done, due today or within their item's ``remind_days``."""
    longest = PlanItem.objects.aggregate(n=Max("remind_days"))["n"]
    if longest is None:
        return
    closed = _closed(DUE_SOON.code)
    qs = _pending().filter(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=longest))
    for o in qs.iterator(chunk_size=2000):
        if (o.due_date - today).days > o.item.remind_days or str(o.pk) in closed:
            continue
        yield _condition(o, f"{o.org.name}「{o.item.title}」将于 {o.due_date:%Y-%m-%d} 到期，"
                            f"尚未完成（{o.done}/{o.target}）")


def overdue_conditions(today: datetime.date) -> Iterator[AlertCondition]:
    """Occurrences not done after their due date (督办)."""
    closed = _closed(SUPERVISION.code)
    for o in _pending().filter(due_date__lt=today).iterator(chunk_size=2000):
        if str(o.pk) in closed:
            continue
        yield _condition(o, f"【督办】{o.org.name}「{o.item.title}」已过期限 {o.due_date:%Y-%m-%d} 仍未完成"
                            f"（{o.done}/{o.target}）")


DUE_SOON = AlertRule(
    code="judicial_office.plan.due_soon",
    label="规划事项即将到期",
    level=AlertLevel.YELLOW,
    description="工作规划事项在提前提醒天数内到期而尚未完成（提醒）",
    legal_basis="工作规划",
    evaluate=due_soon_conditions,
)

SUPERVISION = AlertRule(
    code="judicial_office.plan.supervision_notice",
    label="规划事项逾期督办",
    level=AlertLevel.ORANGE,
    description="工作规划事项已过完成期限仍未完成，由下达机构督办",
    legal_basis="工作规划",
    evaluate=overdue_conditions,
    sign_hours=24,
    handle_hours=72,
)

RULES = (DUE_SOON, SUPERVISION)
