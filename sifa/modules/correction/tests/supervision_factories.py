"""Test helpers of the supervision part: rows written without services, matrix objects, audit recipes."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.orgs.models import Org
from sifa.modules.correction.choices import PlanStatus, TaskKind, TaskStatus
from sifa.modules.correction.models import (
    CorrectionCase,
    CorrectionPlan,
    PlanMeasure,
    PlanRule,
    SupervisionTask,
    TeamMember,
)
from sifa.modules.correction.tests.factories import make_correction, make_person, office_of


def member(detail: CorrectionCase, *, name: str = "成员", role: str = "officer", gender: str = "M",
           active: bool = True) -> TeamMember:
    return TeamMember.objects.create(correction_case=detail, name=name, role=role, gender=gender, active=active)


def plan_without_audit(detail: CorrectionCase, *, version: int = 1, status: str = PlanStatus.DRAFT,
                       texts: tuple[str, ...] = ("法治教育",)) -> CorrectionPlan:
    plan = CorrectionPlan.objects.create(correction_case=detail, version=version, status=status, created_by="测试",
                                         approved_by="测试" if status == PlanStatus.APPROVED else "",
                                         approved_at=timezone.now() if status == PlanStatus.APPROVED else None)
    for n, text in enumerate(texts, start=1):
        PlanMeasure.objects.create(plan=plan, category="education", text=text, order=n * 10)
    return plan


def task_without_audit(detail: CorrectionCase, *, kind: str = TaskKind.VISIT, due: datetime.date | None = None,
                       status: str = TaskStatus.OPEN) -> SupervisionTask:
    return SupervisionTask.objects.create(correction_case=detail, org_path=detail.org_path, kind=kind,
                                          due_date=due or timezone.localdate(), status=status)


# --- the authorization matrix's objects (tests/test_authz_matrix.py) ----------------------------


def matrix_case(org: Org) -> CorrectionCase:
    name = f"监管矩阵对象{org.pk}"
    found = CorrectionCase.objects.filter(subject__person__name=name, case__org=org).first()
    return found or make_correction(org, person=make_person(org, name=name))


def matrix_plan(org: Org) -> CorrectionPlan:
    detail = matrix_case(org)
    return CorrectionPlan.objects.filter(correction_case=detail).first() or plan_without_audit(detail)


def matrix_task(org: Org) -> SupervisionTask:
    detail = matrix_case(org)
    return SupervisionTask.objects.filter(correction_case=detail).first() or task_without_audit(detail)


def matrix_member(org: Org) -> TeamMember:
    detail = matrix_case(org)
    return TeamMember.objects.filter(correction_case=detail).first() or member(detail, name="矩阵成员")


def matrix_rule(org: Org) -> PlanRule:
    rule, _ = PlanRule.objects.get_or_create(code="matrix-rule", defaults={
        "category": "education", "recommendation": "矩阵规则", "conditions": []})
    return rule


def matrix_objects(kind: str, actor_org: Org, orgs: list[Org]) -> tuple[list[int], list[int]]:
    """(inside ids, outside ids) for the supervision kinds: one object per org of the matrix world. The plan
    rule table is not scoped (one table for the installation), so a rule has no outside."""
    if kind == "supervision_rule":
        return [matrix_rule(actor_org).pk], []
    make = {"supervision_case": matrix_case, "supervision_plan": matrix_plan, "supervision_task": matrix_task,
            "supervision_member": matrix_member}[kind]
    objects = {o.pk: make(o) for o in orgs}
    outside = [o for o in orgs if not o.path.startswith(actor_org.path)]
    return [objects[actor_org.pk].pk], [objects[o.pk].pk for o in outside]


# --- recipes of tests/test_audit_coverage.py (each drives one service once) --------------------


def _case(actor: Actor, **kwargs: Any) -> CorrectionCase:
    return make_correction(office_of("office1"), **kwargs)


def cover_add_member(actor: Actor) -> Any:
    from sifa.modules.correction.supervision_services import add_team_member

    return add_team_member(actor=actor, detail=_case(actor), name="覆盖成员", role="family", gender="F")


def cover_remove_member(actor: Actor) -> Any:
    from sifa.modules.correction.supervision_services import remove_team_member

    detail = _case(actor)
    member(detail, name="甲")
    return remove_team_member(actor=actor, member=member(detail, name="乙"), reason="调离")


def cover_attributes(actor: Actor) -> Any:
    from sifa.modules.correction.supervision_services import update_subject_attributes

    return update_subject_attributes(actor=actor, detail=_case(actor), values={"employment": "unemployed"})


def cover_assess(actor: Actor) -> Any:
    from sifa.modules.correction.supervision_services import assess_level

    return assess_level(actor=actor, detail=_case(actor), kind="initial")


def cover_draft(actor: Actor) -> Any:
    from sifa.modules.correction.supervision_services import draft_plan

    return draft_plan(actor=actor, detail=_case(actor))


def cover_adjust(actor: Actor) -> Any:
    from sifa.modules.correction.supervision_services import adjust_plan

    detail = _case(actor)
    plan_without_audit(detail, status=PlanStatus.APPROVED)
    return adjust_plan(actor=actor, detail=detail, reason="就业情况变化")


def cover_edit(actor: Actor) -> Any:
    from sifa.modules.correction.supervision_services import edit_plan

    plan = plan_without_audit(_case(actor))
    return edit_plan(actor=actor, plan=plan, measures=[{"category": "assistance", "text": "就业推荐"}])


def cover_approve(actor: Actor) -> Any:
    from sifa.modules.correction.supervision_services import approve_plan

    return approve_plan(actor=actor, plan=plan_without_audit(_case(actor)))


def cover_save_rule(actor: Actor) -> Any:
    from sifa.modules.correction.supervision_services import save_plan_rule

    return save_plan_rule(actor=actor, code="cover-rule", category="assistance", recommendation="覆盖",
                          conditions=[{"attribute": "employment", "op": "eq", "value": "unemployed"}])


def cover_deactivate_rule(actor: Actor) -> Any:
    from sifa.modules.correction.supervision_services import deactivate_plan_rule

    rule = PlanRule.objects.create(code="cover-off", category="education", recommendation="覆盖停用")
    return deactivate_plan_rule(actor=actor, rule=rule)


def cover_complete(actor: Actor) -> Any:
    from sifa.modules.correction.supervision_services import complete_task

    return complete_task(actor=actor, task=task_without_audit(_case(actor)), note="走访正常")


def cover_generate(actor: Actor) -> Any:
    from sifa.modules.correction.supervision_services import generate_supervision_tasks

    _case(actor)
    return generate_supervision_tasks(actor=actor)


def cover_missed(actor: Actor) -> Any:
    from sifa.modules.correction.supervision_services import mark_missed_tasks

    task_without_audit(_case(actor), due=timezone.localdate() - datetime.timedelta(days=3))
    return mark_missed_tasks(actor=actor)


def cover_export(actor: Actor) -> Any:
    from sifa.modules.correction.supervision_services import export_tasks

    return export_tasks(actor=actor, description="全部", row_count=1)

