"""Test helpers for work plans: orgs of the demo world, catalogue items, daily totals, the matrix's objects."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.testing import membership_of
from sifa.modules.judicial_office.choices import OccurrenceStatus, Recurrence
from sifa.modules.judicial_office.models import (
    PlanItem,
    PlanOccurrence,
    WorkCatalogueItem,
    WorkDailyTotal,
    WorkPlan,
)

_seq = itertools.count(1)


def fuyang() -> Org:
    return Org.objects.get(name="杭州市富阳区司法局")


def org_of(username: str) -> Org:
    return membership_of(username).org


def fuyang_offices() -> list[Org]:
    return list(Org.objects.current().filter(type=OrgType.JUDICIAL_OFFICE, path__startswith=fuyang().path))


def next_year() -> int:
    """A year wholly in the future, so that any due date in it may be planned."""
    return timezone.localdate().year + 1


def catalogue_item(code: str = "publicity_event", name: str = "法治宣传活动", unit: str = "场") -> WorkCatalogueItem:
    item, _ = WorkCatalogueItem.objects.get_or_create(code=code, defaults={"name": name, "unit": unit, "order": 50})
    if not item.active or item.org_id is not None:
        item.active, item.org = True, None
        item.save(update_fields=["active", "org"])
    return item


def daily_total(org: Org, day: datetime.date, code: str, total: int) -> WorkDailyTotal:
    row, _ = WorkDailyTotal.objects.update_or_create(org=org, day=day, item_code=code, defaults={
        "org_path": org.path, "manual": total, "auto": 0, "total": total})
    return row


def other_county_bureau() -> Org:
    """杭州市西湖区司法局: a county outside 富阳区's subtree."""
    return Org.objects.get(region__code="330106", type=OrgType.JUSTICE_BUREAU)


def other_county_office() -> Org:
    """A 司法所 under 西湖区 (outside 富阳区's subtree)."""
    xihu = other_county_bureau()
    office = Org.objects.create(name=f"规划测试西湖司法所{next(_seq)}", type=OrgType.JUDICIAL_OFFICE, region=xihu.region,
                                parent=xihu, depth=xihu.depth + 1, path=f"tmp-plans-{next(_seq)}",
                                valid_from=datetime.date(2000, 1, 1))
    office.path = xihu.path + Org.path_segment(office.pk)
    office.save(update_fields=["path"])
    return office


def plan_without_audit(org: Org, *, title: str = "", year: int | None = None) -> WorkPlan:
    """A plan written straight to the table (no service, so no audit row)."""
    return WorkPlan.objects.create(org=org, title=title or f"测试规划{next(_seq)}", year=year or next_year(),
                                   assigned=org.type != OrgType.JUDICIAL_OFFICE, created_by_name="测试")


def manual_task_without_audit(plan: WorkPlan, office: Org, *, due: datetime.date | None = None,
                              title: str = "") -> PlanOccurrence:
    """A manual one-off item of ``plan`` with one occurrence at ``office`` (no service, no audit row)."""
    due = due or datetime.date(plan.year, 6, 30)
    item = PlanItem.objects.create(plan=plan, title=title or f"测试任务{next(_seq)}", recurrence=Recurrence.ONCE,
                                   due_date=due, target=1, remind_days=3)
    return PlanOccurrence.objects.create(item=item, org=office, period_start=datetime.date(plan.year, 1, 1),
                                         due_date=due, target=1, status=OccurrenceStatus.OPEN)


# --- the authorization matrix's objects (tests/test_authz_matrix.py) ----------------------------

MATRIX_YEAR = 2099  # the matrix plans' year: its items' due dates are never in the past


def matrix_plan(org: Org) -> WorkPlan:
    plan, _ = WorkPlan.objects.get_or_create(org=org, title=f"矩阵规划{org.pk}", defaults={
        "year": MATRIX_YEAR, "assigned": org.type != OrgType.JUDICIAL_OFFICE, "created_by_name": "矩阵"})
    return plan


def matrix_objects(kind: str, actor_org: Org, orgs: list[Org]) -> tuple[list[int], list[int]]:
    """(inside ids, outside ids) for kind "work_plan", "plan_item" or "plan_occurrence".

    One plan per org of the matrix world, each with a manual task at its own org. Items and
    occurrences inside are made fresh on every call, since the routes that take them remove or
    complete them (and two demo users share an org).
    """
    plans = {o.pk: matrix_plan(o) for o in orgs}
    outside = [o for o in orgs if not o.path.startswith(actor_org.path)]
    if kind == "work_plan":
        return [plans[actor_org.pk].pk], [plans[o.pk].pk for o in outside]
    own = manual_task_without_audit(plans[actor_org.pk], actor_org, title="矩阵任务")
    others = []
    for o in outside:
        existing = PlanOccurrence.objects.filter(item__plan=plans[o.pk]).first()
        others.append(existing or manual_task_without_audit(plans[o.pk], o, title="矩阵任务"))
    if kind == "plan_item":
        return [own.item_id], [x.item_id for x in others]
    if kind == "plan_occurrence":
        return [own.pk], [x.pk for x in others]
    raise KeyError(kind)
