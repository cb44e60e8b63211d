"""Demo of 双随机一公开 (``registry.demo_generators`` key ``enforcement_inspection``: runs after the
``enforcement`` generator that makes the bodies and officers; runs in every test session, so small).

For 杭州市富阳区综合行政执法局: 40 监管对象 (new core Entities with valid 统一社会信用代码, various fields,
risk levels and credit grades), one officer conflict, plan 1 drawn with two results recorded, plan 2
published (committed, not drawn). Plan 2's commitment is the ledger entry written after plan 1's, which
lets plan 1 be drawn (docs/engines/draws.md). No audit events (the demo load records its own).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.persons.idnumbers import credit_check_char
from sifa.core.persons.models import Entity
from sifa.modules.enforcement.inspection_models import (
    CreditGrade,
    Inspection,
    InspectionOutcome,
    InspectionPlan,
    InspectionTarget,
    OfficerConflict,
    RiskLevel,
    SamplingMode,
)
from sifa.modules.enforcement.inspection_selectors import DEFAULT_SAMPLING
from sifa.modules.enforcement.inspection_services import draw_plan_in, publish_plan_in
from sifa.modules.enforcement.models import EnforcementBody, EnforcementOfficer, PowerItem

BODY_NAME = "杭州市富阳区综合行政执法局"
TARGETS = 40
KINDS = ["餐饮店", "建筑工地", "商贸有限公司", "物流有限公司", "汽修厂", "农家乐", "建材经营部", "广告有限公司"]
PLACES = ["富春", "银湖", "东洲", "鹿山", "春江", "新登", "场口", "万市", "胥口", "洞桥"]
FIELDS = [["comprehensive", "city_appearance"], ["comprehensive", "urban_rural_construction"],
          ["comprehensive", "ecology_environment"], ["comprehensive"]]
RISKS = [RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.MEDIUM, RiskLevel.LOW, RiskLevel.LOW]
CREDITS = [CreditGrade.A, CreditGrade.B, CreditGrade.B, CreditGrade.C, CreditGrade.A, CreditGrade.D, CreditGrade.A]


def _credit_code(n: int) -> str:
    first17 = f"91330183MA2H{n:05d}"
    return first17 + credit_check_char(first17)


def _plan(body: EnforcementBody, number: str, title: str, start: datetime.date, days: int,
          items: list[PowerItem], **fields: Any) -> InspectionPlan:
    plan = InspectionPlan.objects.create(number=number, body=body, title=title, field="comprehensive",
                                         window_start=start, window_end=start + datetime.timedelta(days=days),
                                         created_by_name="演示数据", **fields)
    plan.power_items.set(items)
    return plan


def generate_inspections(*, actor: Actor, structure: dict[str, Any], scale: Any, seed: int) -> dict[str, int]:
    body = EnforcementBody.objects.select_related("org").filter(name=BODY_NAME).first()
    if body is None:
        return {}
    today = timezone.localdate()
    targets = []
    for n in range(TARGETS):
        code = _credit_code(n + 1)
        entity = Entity.objects.filter(credit_code=code).first() or Entity.objects.create(
            name=f"富阳区{PLACES[n % len(PLACES)]}{KINDS[n % len(KINDS)]}{n + 1}号", credit_code=code,
            address=f"杭州市富阳区{PLACES[n % len(PLACES)]}街道演示路 {n + 1} 号", org=body.org, region=body.org.region)
        targets.append(InspectionTarget(entity=entity, body=body, fields=FIELDS[n % len(FIELDS)],
                                        risk_level=RISKS[n % len(RISKS)], credit_grade=CREDITS[n % len(CREDITS)]))
    InspectionTarget.objects.bulk_create(targets)
    officers = [o for o in EnforcementOfficer.objects.filter(body=body, status="valid", is_auxiliary=False)
                .select_related("person").order_by("pk")]
    conflicts = 0
    if officers:
        OfficerConflict.objects.create(officer=officers[-1], entity=targets[0].entity, reason="近亲属在该单位任职",
                                       created_by_name="演示数据")
        conflicts = 1
    items = list(PowerItem.objects.filter(body=body, kind="inspection", field="comprehensive"))
    year = today.year
    first = _plan(body, f"SJ-{year}-0001", "2026 年第一季度综合行政执法双随机抽查", today - datetime.timedelta(days=5), 40,
                  items, sampling_mode=SamplingMode.RATIO, sampling=DEFAULT_SAMPLING)
    second = _plan(body, f"SJ-{year}-0002", "建设工程施工现场市容环境卫生专项抽查", today + datetime.timedelta(days=10), 30,
                   [], sampling_mode=SamplingMode.COUNT, sample_count=4, risk_levels=["high", "medium"])
    drawn_count = draw_demo_plans(actor, first, second) if demo_draws_enabled() else 0
    return {"entities": TARGETS, "enforcement_inspection_targets": TARGETS, "enforcement_inspection_plans": 2,
            "enforcement_inspections": drawn_count, "enforcement_officer_conflicts": conflicts}


def demo_draws_enabled() -> bool:
    """Draws write to the evidence ledger; the test session's demo world keeps an empty ledger (the core
    ledger tests count from index 0), so settings_test sets ``SIFA_DEMO_DRAWS = False`` and the demo
    plans stay drafts there."""
    return bool(getattr(settings, "SIFA_DEMO_DRAWS", True))


def draw_demo_plans(actor: Actor, first: InspectionPlan, second: InspectionPlan) -> int:
    """Publish both plans, draw the first (the second's commitment is the ledger entry after the first's)
    and record two results; returns the first plan's inspections."""
    today = timezone.localdate()
    publish_plan_in(actor, first)
    publish_plan_in(actor, second)
    first.refresh_from_db()
    draw_plan_in(actor, first)
    drawn = list(Inspection.objects.filter(plan=first).order_by("order")[:2])
    for inspection, outcome, note in zip(drawn, (InspectionOutcome.NO_PROBLEM, InspectionOutcome.RECTIFICATION),
                                         ("", "门前堆放杂物，当场责令三日内清理"), strict=False):
        inspection.outcome, inspection.inspected_on, inspection.result_note = outcome, today, note
        inspection.recorded_at, inspection.recorded_by_name = timezone.now(), "演示数据"
        inspection.save(update_fields=["outcome", "inspected_on", "result_note", "recorded_at", "recorded_by_name"])
    return Inspection.objects.filter(plan=first).count()
