"""Reads of 双随机一公开: plans, targets, inspections (scoped through ``visible_to``), the pools a plan
would publish and the counts per class (shown BEFORE publishing), and the public pages' data.

Pools (AP-42, 《浙江省综合行政执法条例》第二十一条; AP-12, AP-13):
- targets: the body's active 监管对象 whose 执法领域 include the plan's field and whose 风险等级 / 信用等级 are
  in the plan's filters (empty filter: any), split into sampling classes;
- inspectors: the body's officers with no ``assignment_problems`` on the first AND the last day of the
  window (valid 执法证 throughout, never 辅助人员), whose certificate covers the plan's field and every
  chosen 检查事项;
- exclusions: per target, the officers with a 回避关系 to its entity.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from sifa.core.accounts.actor import Actor
from sifa.core.errors import NotFound
from sifa.core.orgs.scope import get_visible_or_404
from sifa.modules.enforcement.inspection_models import (
    Inspection,
    InspectionPlan,
    InspectionTarget,
    OfficerConflict,
    PlanState,
    SamplingMode,
)
from sifa.modules.enforcement.models import EnforcementOfficer
from sifa.modules.enforcement.rules import assignment_problems

# EXAMPLE configuration (示例，须由各地按本地双随机抽查工作细则调整): the sampling classes, first match wins.
# AP-42 (第二十一条第二款): 不良信用、高风险 → 加大抽查力度; 信用较好、风险较低 → 适当减少.
DEFAULT_SAMPLING: list[dict[str, Any]] = [
    {"key": "focus", "label": "高风险或 D 级（重点监管）", "risk_levels": ["high"], "credit_grades": ["D"],
     "match": "any", "percent": 20},
    {"key": "low", "label": "低风险且 A 级", "risk_levels": ["low"], "credit_grades": ["A"], "match": "all",
     "percent": 3},
    {"key": "general", "label": "其他（一般监管）", "risk_levels": [], "credit_grades": [], "match": "any",
     "percent": 5},
]
COUNT_CLASS = {"key": "all", "label": "全部对象", "risk_levels": [], "credit_grades": [], "match": "any"}
PLAN_PURPOSE = "enforcement.inspection"


# --- scoped reads ------------------------------------------------------------------------------------


def plans_visible_to(actor: Actor, *, state: str = "", q: str = "") -> QuerySet[InspectionPlan]:
    actor.require("enforcement.view")
    qs = (InspectionPlan.objects.visible_to(actor).select_related("body", "body__org", "draw")
          .annotate(inspection_count=Count("inspections", distinct=True)).order_by("-created_at", "-id"))
    if state:
        qs = qs.filter(state=state)
    if q.strip():
        qs = qs.filter(Q(title__icontains=q.strip()) | Q(number__icontains=q.strip()))
    return qs


def plan_for(actor: Actor, pk: int) -> InspectionPlan:
    actor.require("enforcement.view")
    plan = get_visible_or_404(InspectionPlan, actor, pk=pk)
    return (InspectionPlan.objects.select_related("body", "body__org", "draw").prefetch_related("power_items")
            .get(pk=plan.pk))


def inspections_of(plan: InspectionPlan) -> QuerySet[Inspection]:
    return (Inspection.objects.filter(plan=plan).select_related("entity", "target", "visit")
            .prefetch_related(Prefetch("inspectors", EnforcementOfficer.objects.select_related("person")
                                       .order_by("certificate_number")))
            .order_by("order", "id"))


def inspections_visible_to(actor: Actor, *, plan: int | None = None, open_only: bool = False) -> QuerySet[Inspection]:
    actor.require("enforcement.view")
    qs = (Inspection.objects.visible_to(actor).select_related("plan", "plan__body", "entity", "visit")
          .prefetch_related(Prefetch("inspectors", EnforcementOfficer.objects.select_related("person")))
          .order_by("-plan__created_at", "order", "id"))
    if plan is not None:
        qs = qs.filter(plan_id=plan)
    if open_only:
        qs = qs.filter(outcome="")
    return qs


def inspection_for(actor: Actor, pk: int) -> Inspection:
    actor.require("enforcement.view")
    found = get_visible_or_404(Inspection, actor, pk=pk)
    return inspections_visible_to(actor).get(pk=found.pk)


def targets_visible_to(actor: Actor, *, body: int | None = None, q: str = "", risk: str = "",
                       credit: str = "") -> QuerySet[InspectionTarget]:
    actor.require("enforcement.view")
    qs = InspectionTarget.objects.visible_to(actor).select_related("entity", "body", "body__org")
    if body is not None:
        qs = qs.filter(body_id=body)
    if q.strip():
        qs = qs.filter(Q(entity__name__icontains=q.strip()) | Q(entity__credit_code__icontains=q.strip()))
    if risk:
        qs = qs.filter(risk_level=risk)
    if credit:
        qs = qs.filter(credit_grade=credit)
    return qs


def target_for(actor: Actor, pk: int) -> InspectionTarget:
    actor.require("enforcement.view")
    found = get_visible_or_404(InspectionTarget, actor, pk=pk)
    return InspectionTarget.objects.select_related("entity", "body", "body__org").get(pk=found.pk)


def conflicts_for_entity(actor: Actor, entity_id: int) -> QuerySet[OfficerConflict]:
    return (OfficerConflict.objects.visible_to(actor).filter(entity_id=entity_id)
            .select_related("officer", "officer__person"))


def conflicts_for_officer(actor: Actor, officer_id: int) -> QuerySet[OfficerConflict]:
    return OfficerConflict.objects.visible_to(actor).filter(officer_id=officer_id).select_related("entity")


# --- pools and counts (pure given the rows) -----------------------------------------------------------


def class_of(sampling: Sequence[Mapping[str, Any]], risk: str, credit: str) -> str:
    """The key of the first class ``(risk, credit)`` falls in (a class with no criteria takes everything)."""
    for cls in sampling:
        risks, grades = cls.get("risk_levels") or [], cls.get("credit_grades") or []
        if not risks and not grades:
            return str(cls["key"])
        hits = [risk in risks if risks else None, credit in grades if grades else None]
        tested = [h for h in hits if h is not None]
        if (cls.get("match") == "all" and all(tested)) or (cls.get("match") != "all" and any(tested)):
            return str(cls["key"])
    return ""


def class_count(available: int, percent: float) -> int:
    """Targets to draw from a class of ``available``: ``percent`` % rounded up (a class with targets and a
    positive percentage draws at least one; AP-42, 第二十一条第二款: ratios adjusted by risk and credit)."""
    if available <= 0 or percent <= 0:
        return 0
    return min(available, math.ceil(available * percent / 100 - 1e-9))


@dataclass
class PoolClass:
    key: str
    label: str
    percent: float | None
    targets: list[InspectionTarget] = field(default_factory=list)
    pick: int = 0


@dataclass
class InspectorCandidate:
    officer: EnforcementOfficer
    problems: list[str]


@dataclass
class PlanPools:
    classes: list[PoolClass]
    candidates: list[InspectorCandidate]
    conflicts: dict[int, list[int]]  # target pk → officer pks with a 回避关系
    problems: list[str]  # why the plan cannot be published as is (empty: it can)

    @property
    def inspectors(self) -> list[EnforcementOfficer]:
        return [c.officer for c in self.candidates if not c.problems]

    @property
    def target_total(self) -> int:
        return sum(len(c.targets) for c in self.classes)

    @property
    def pick_total(self) -> int:
        return sum(c.pick for c in self.classes)

    def published(self, inspectors_per_target: int) -> tuple[dict[str, list[dict[str, str]]], list[dict[str, Any]],
                                                             dict[str, dict[str, list[str]]]]:
        """(pools, steps, exclusions) for ``commit_draw_in``: one target pool and two steps per class with
        a positive count (pools named by class: ``targets_<key>``), one inspector pool. Labels are public:
        the entity's name and 统一社会信用代码, the officer's name and 执法证号 (docs/engines/draws.md)."""
        pools: dict[str, list[dict[str, str]]] = {
            "inspectors": [{"id": str(o.pk), "label": f"{o.person.name}（执法证号 {o.certificate_number}）"}
                           for o in self.inspectors]}
        steps: list[dict[str, Any]] = []
        for cls in self.classes:
            if cls.pick <= 0:
                continue
            name = f"targets_{cls.key}"
            pools[name] = [{"id": str(t.pk), "label": f"{t.entity.name}（{t.entity.credit_code}）"} for t in cls.targets]
            steps.append({"pool": name, "pick": cls.pick, "as": name})
            steps.append({"pool": "inspectors", "pick": inspectors_per_target, "per": name,
                          "as": f"inspectors_{cls.key}", "exclude": "conflicts"})
        eligible = {str(o.pk) for o in self.inspectors}
        exclusions = {"conflicts": {str(t): sorted(str(o) for o in officers if str(o) in eligible)
                                    for t, officers in sorted(self.conflicts.items())
                                    if any(str(o) in eligible for o in officers)}}
        return pools, steps, exclusions


def _sampling_of(plan: InspectionPlan) -> list[Mapping[str, Any]]:
    if plan.sampling_mode == SamplingMode.COUNT:
        return [COUNT_CLASS]
    return list(plan.sampling) or list(DEFAULT_SAMPLING)


def inspector_problems(officer: EnforcementOfficer, plan: InspectionPlan,
                       items: Sequence[Any] | None = None) -> list[str]:
    """Why ``officer`` may not be drawn for ``plan`` (empty: they may).

    AP-12 (《行政处罚法》第四十二条) and AP-42 (《浙江省综合行政执法条例》第二十八条、第三十条): a valid 执法证 on
    every day of the window (so checked on its first and last day: a certificate expiring before
    ``window_end`` is refused), never 辅助人员, the certificate covering the plan's 执法领域 and every
    chosen 检查事项 (``assignment_problems`` with the item).
    """
    problems = assignment_problems(officer, on=plan.window_start)
    if not problems and officer.valid_until < plan.window_end:
        problems.append(f"{officer.person.name}：执法证在检查期间内到期（有效期至 {officer.valid_until:%Y-%m-%d}，"
                        f"检查期间至 {plan.window_end:%Y-%m-%d}；AP-12、AP-42）")
    if plan.field not in officer.certificate_scope:
        problems.append(f"{officer.person.name}：执法证范围不含计划的执法领域「{plan.get_field_display()}」（AP-12、AP-42）")
    for item in items if items is not None else plan.power_items.all():
        problems += assignment_problems(officer, power_item=item, on=plan.window_start)
    return list(dict.fromkeys(problems))


def plan_pools(plan: InspectionPlan) -> PlanPools:
    """The pools ``plan`` would publish now, the counts per class and what blocks publishing."""
    sampling = _sampling_of(plan)
    classes = [PoolClass(key=str(c["key"]), label=str(c["label"]),
                         percent=float(c["percent"]) if "percent" in c else None) for c in sampling]
    by_key = {c.key: c for c in classes}
    targets = (InspectionTarget.objects.filter(body_id=plan.body_id, active=True).select_related("entity")
               .order_by("pk"))
    if plan.risk_levels:
        targets = targets.filter(risk_level__in=plan.risk_levels)
    if plan.credit_grades:
        targets = targets.filter(credit_grade__in=plan.credit_grades)
    for target in targets:
        if plan.field not in target.fields:
            continue
        key = class_of(sampling, target.risk_level, target.credit_grade)
        if key in by_key:
            by_key[key].targets.append(target)
    if plan.sampling_mode == SamplingMode.COUNT:
        classes[0].pick = min(plan.sample_count or 0, len(classes[0].targets))
    else:
        for cls in classes:
            cls.pick = class_count(len(cls.targets), cls.percent or 0)
    items = list(plan.power_items.select_related("body").all()) if plan.pk else []
    officers = (EnforcementOfficer.objects.filter(body_id=plan.body_id).select_related("person", "body")
                .order_by("certificate_number"))
    candidates = [InspectorCandidate(o, inspector_problems(o, plan, items)) for o in officers]
    eligible = {c.officer.pk for c in candidates if not c.problems}
    drawn_entities = {t.entity_id: t.pk for c in classes for t in c.targets}
    conflicts: dict[int, list[int]] = {}
    for officer_id, entity_id in OfficerConflict.objects.filter(
            entity_id__in=list(drawn_entities), officer__body_id=plan.body_id).values_list("officer_id", "entity_id"):
        conflicts.setdefault(drawn_entities[entity_id], []).append(officer_id)
    problems: list[str] = []
    pick_total = sum(c.pick for c in classes)
    if pick_total == 0:
        problems.append("按当前条件没有可抽取的监管对象（AP-42）")
    if len(eligible) < plan.inspectors_per_target:
        problems.append(f"符合条件的执法人员只有 {len(eligible)} 人，少于每个对象须派的 {plan.inspectors_per_target} 人"
                        "（AP-12，《行政处罚法》第四十二条）")
    else:
        names = {t.pk: t.entity.name for c in classes if c.pick for t in c.targets}
        for target_pk, officer_ids in conflicts.items():
            if target_pk in names and len(eligible - set(officer_ids)) < plan.inspectors_per_target:
                problems.append(f"「{names[target_pk]}」排除回避人员后符合条件的执法人员不足 "
                                f"{plan.inspectors_per_target} 人（AP-12、AP-13）")
    return PlanPools(classes=classes, candidates=candidates, conflicts=conflicts, problems=problems)


# --- public (双随机一公开: no login) ----------------------------------------------------------------------

PUBLIC_STATES = (PlanState.PUBLISHED, PlanState.DRAWN, PlanState.CLOSED, PlanState.CANCELLED)


def public_plans() -> QuerySet[InspectionPlan]:
    return (InspectionPlan.objects.filter(state__in=PUBLIC_STATES, draw__isnull=False)
            .select_related("body", "draw").annotate(inspection_count=Count("inspections", distinct=True))
            .order_by("-published_at", "-id"))


def public_plan(number: str) -> InspectionPlan:
    plan = public_plans().prefetch_related("power_items").filter(number=number).first()
    if plan is None:
        raise NotFound("抽查计划不存在或尚未公布")
    return plan


@dataclass
class PublicInspection:
    """What the public page shows of one drawn target: no personal data beyond names and 执法证号."""

    entity_name: str
    credit_code: str
    inspectors: list[str]
    departments_in_visit: int
    planned_on: Any
    outcome: str
    outcome_label: str
    inspected_on: Any


def public_inspections(plan: InspectionPlan) -> list[PublicInspection]:
    results = plan.results_published_at is not None
    rows = []
    visits = _visit_departments([i.visit_id for i in inspections_of(plan) if i.visit_id])
    for i in inspections_of(plan):
        rows.append(PublicInspection(
            entity_name=i.entity.name, credit_code=i.entity.credit_code,
            inspectors=[f"{o.person.name}（执法证号 {o.certificate_number}）" for o in i.inspectors.all()],
            departments_in_visit=visits.get(i.visit_id, 0) if i.visit_id else 0,
            planned_on=i.visit.planned_on if i.visit else None,
            outcome=i.outcome if results else "", outcome_label=i.get_outcome_display() if results else "",
            inspected_on=i.inspected_on if results else None))
    return rows


def _visit_departments(visit_ids: Sequence[int]) -> dict[int, int]:
    """Visit id → number of departments (bodies) whose inspections it merges."""
    rows = (Inspection.objects.filter(visit_id__in=list(visit_ids)).values("visit_id")
            .annotate(n=Count("plan__body", distinct=True)))
    return {r["visit_id"]: r["n"] for r in rows}


def visit_summary(inspection: Inspection) -> dict[str, Any] | None:
    """The 综合查一次 an inspection belongs to: date, plans, departments, the union of inspectors (public
    facts only: plan numbers, body names, officers' names and 执法证号)."""
    if inspection.visit_id is None or inspection.visit is None:
        return None
    members = (Inspection.objects.filter(visit_id=inspection.visit_id).select_related("plan", "plan__body")
               .prefetch_related(Prefetch("inspectors", EnforcementOfficer.objects.select_related("person")))
               .order_by("plan__body_id", "plan_id"))
    departments = list(dict.fromkeys(m.plan.body.name for m in members))
    inspectors = list(dict.fromkeys(f"{o.person.name}（执法证号 {o.certificate_number}）"
                                    for m in members for o in m.inspectors.all()))
    return {"visit": inspection.visit, "plans": [m.plan for m in members], "departments": departments,
            "inspectors": inspectors, "label": visit_label(len(departments), len(members))}


def visit_label(departments: int, inspections: int) -> str:
    if departments > 1:
        return f"综合查一次：合并 {departments} 个部门的检查"
    return f"综合查一次：合并本部门 {inspections} 项检查"
