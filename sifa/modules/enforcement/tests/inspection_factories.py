"""Test helpers of 双随机一公开: entities, 监管对象 and plans written straight to the tables (no audit rows),
target tables as .xlsx bytes, the authorization matrix's objects and the audit-coverage recipes."""

from __future__ import annotations

import datetime
import io
import itertools
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from sifa.core.accounts.actor import Actor
from sifa.core.draws.tests.factories import ledger_tick
from sifa.core.orgs.models import Org
from sifa.core.persons.idnumbers import credit_check_char
from sifa.core.persons.models import Entity
from sifa.core.testing import membership_of
from sifa.modules.enforcement.inspection_models import (
    Inspection,
    InspectionPlan,
    InspectionTarget,
    OfficerConflict,
    SamplingMode,
)
from sifa.modules.enforcement.inspection_selectors import DEFAULT_SAMPLING
from sifa.modules.enforcement.inspection_services import TARGET_COLUMNS, draw_plan_in, publish_plan_in
from sifa.modules.enforcement.models import EnforcementBody, EnforcementOfficer
from sifa.modules.enforcement.tests.factories import child_org, make_body, make_officer, org_named

_seq = itertools.count(1)
TODAY = timezone.localdate()


def credit_code() -> str:
    """A valid 统一社会信用代码 no entity uses yet."""
    while True:
        first17 = f"91330111MA7Q{next(_seq):05d}"
        code = first17 + credit_check_char(first17)
        if not Entity.objects.filter(credit_code=code).exists():
            return code


def make_entity(org: Org, name: str = "") -> Entity:
    return Entity.objects.create(name=name or f"检查测试企业{next(_seq)}号", credit_code=credit_code(), org=org)


def make_target(body: EnforcementBody, *, entity: Entity | None = None, risk: str = "medium", credit: str = "B",
                fields: Sequence[str] = ("comprehensive",), active: bool = True) -> InspectionTarget:
    return InspectionTarget.objects.create(entity=entity or make_entity(body.org), body=body, fields=list(fields),
                                           risk_level=risk, credit_grade=credit, active=active)


def fresh_body(parent: Org | None = None, officers: int = 4) -> EnforcementBody:
    """A new body under 富阳区司法局 (or ``parent``) with ``officers`` valid officers covering 综合执法."""
    body = make_body(child_org(parent or org_named("杭州市富阳区司法局")))
    for _ in range(officers):
        make_officer(body, scope=("comprehensive", "city_appearance"))
    return body


def make_plan(body: EnforcementBody, *, start: datetime.date | None = None, days: int = 30, **fields: Any) -> InspectionPlan:
    start = start or TODAY
    fields.setdefault("sampling_mode", SamplingMode.COUNT)
    if fields["sampling_mode"] == SamplingMode.COUNT:
        fields.setdefault("sample_count", 2)
    else:
        fields.setdefault("sampling", DEFAULT_SAMPLING)
    return InspectionPlan.objects.create(number=f"SJ-T-{next(_seq):05d}", body=body, title=fields.pop("title", "测试抽查计划"),
                                         field=fields.pop("field", "comprehensive"), window_start=start,
                                         window_end=start + datetime.timedelta(days=days), **fields)


def published(plan: InspectionPlan, actor: Actor | None = None, *, tick: bool = True) -> InspectionPlan:
    """Published through the helper (no audit row), then a ledger tick so it can be drawn."""
    with transaction.atomic():
        plan, _ = publish_plan_in(actor or Actor.system("inspection-tests"), plan)
    if tick:
        ledger_tick()
    return plan


def drawn(plan: InspectionPlan, actor: Actor | None = None) -> InspectionPlan:
    plan = published(plan, actor)
    with transaction.atomic():
        plan, _ = draw_plan_in(actor or Actor.system("inspection-tests"), InspectionPlan.objects.get(pk=plan.pk))
    return plan


def target_table(rows: Sequence[Sequence[Any]], header: Sequence[str] = TARGET_COLUMNS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- the authorization matrix's objects (tests/test_authz_matrix.py) ----------------------------------------


def _matrix_body(org: Org) -> EnforcementBody:
    """A body on a new child org of the anchor org: its officers and entities are our own (no marker names,
    since the public pages list them)."""
    name = f"矩阵检查机构{org.pk}"
    existing = EnforcementBody.objects.filter(org__name=name).first()
    if existing is not None:
        return existing
    body = make_body(child_org(org, name))
    for _ in range(3):
        make_officer(body, scope=("comprehensive",))
    for _ in range(2):
        make_target(body, entity=make_entity(body.org, f"矩阵监管对象{next(_seq)}"))
    return body


def _matrix_draft(org: Org) -> InspectionPlan:
    body = _matrix_body(org)
    return InspectionPlan.objects.filter(body=body, state="draft").first() or make_plan(body, sample_count=1)


def _matrix_drawn(org: Org) -> InspectionPlan:
    body = _matrix_body(org)
    existing = InspectionPlan.objects.filter(body=body, state="drawn").first()
    return existing or drawn(make_plan(body, sample_count=1))


def _matrix_inspection(org: Org) -> Inspection:
    found = Inspection.objects.filter(plan=_matrix_drawn(org)).first()
    assert found is not None
    return found


_MAKERS: dict[str, Callable[[Org], Any]] = {
    "inspection_plan": lambda o: _matrix_draft(o).pk,
    "inspection": lambda o: _matrix_inspection(o).pk,
    "inspection_target": lambda o: InspectionTarget.objects.filter(body=_matrix_body(o)).first().pk,  # type: ignore[union-attr]
    "public_inspection_plan": lambda o: _matrix_drawn(o).number,
}


def matrix_objects(kind: str, actor_org: Org, orgs: list[Org]) -> tuple[list[Any], list[Any]]:
    """(inside keys, outside keys) for the kinds above (public plans: numbers; every public plan answers)."""
    make = _MAKERS[kind]
    keys = {o.pk: make(o) for o in orgs}
    outside = [o for o in orgs if not o.path.startswith(actor_org.path)]
    return [keys[actor_org.pk]], [keys[o.pk] for o in outside]


# --- audit-coverage recipes (tests/test_audit_coverage.py) ----------------------------------------------


def _services() -> Any:
    from sifa.modules.enforcement import inspection_services

    return inspection_services


def _county_body() -> EnforcementBody:
    return fresh_body(membership_of("county").org)


def _body_with_targets() -> EnforcementBody:
    body = _county_body()
    for _ in range(3):
        make_target(body)
    return body


def cover_create(actor: Actor) -> Any:
    return _services().create_plan(actor=actor, body=_county_body(), title="覆盖计划", field="comprehensive",
                                   window_start=TODAY, window_end=TODAY + datetime.timedelta(days=10),
                                   sampling_mode="count", sample_count=1)


def cover_publish(actor: Actor) -> Any:
    return _services().publish_plan(actor=actor, plan=make_plan(_body_with_targets()))


def cover_draw(actor: Actor) -> Any:
    return _services().draw_plan(actor=actor, plan=published(make_plan(_body_with_targets())))


def cover_cancel(actor: Actor) -> Any:
    return _services().cancel_plan(actor=actor, plan=make_plan(_body_with_targets()), reason="覆盖")


def cover_result(actor: Actor) -> Any:
    plan = drawn(make_plan(_body_with_targets()))
    return _services().record_result(actor=actor, inspection=plan.inspections.first(), outcome="no_problem",
                                     inspected_on=TODAY)


def cover_publish_results(actor: Actor) -> Any:
    plan = drawn(make_plan(_body_with_targets(), sample_count=1))
    plan.inspections.update(outcome="no_problem", inspected_on=TODAY)
    return _services().publish_results(actor=actor, plan=plan)


def cover_merge(actor: Actor) -> Any:
    return _services().merge_visits(actor=actor)


def cover_import(actor: Actor) -> Any:
    return _services().import_targets(actor=actor, body=_county_body(),
                                      content=target_table([[credit_code(), "覆盖企业", "综合执法", "高风险", "A", ""]]))


def cover_export(actor: Actor) -> Any:
    return _services().export_targets(actor=actor, description="覆盖导出", row_count=1)


def cover_add_conflict(actor: Actor) -> Any:
    body = _county_body()
    return _services().add_conflict(actor=actor, officer=EnforcementOfficer.objects.filter(body=body).first(),
                                    entity=make_entity(body.org), reason="覆盖")


def cover_remove_conflict(actor: Actor) -> Any:
    body = _county_body()
    conflict = OfficerConflict.objects.create(officer=EnforcementOfficer.objects.filter(body=body).first(),
                                              entity=make_entity(body.org), reason="覆盖")
    return _services().remove_conflict(actor=actor, conflict=conflict)


_S = "sifa.modules.enforcement.inspection_services."
RECIPES: dict[str, tuple[str, Callable[[Actor], Any]]] = {
    _S + "create_plan": ("county", cover_create),
    _S + "publish_plan": ("county", cover_publish),
    _S + "draw_plan": ("county", cover_draw),
    _S + "cancel_plan": ("county", cover_cancel),
    _S + "record_result": ("county", cover_result),
    _S + "publish_results": ("county", cover_publish_results),
    _S + "merge_visits": ("county", cover_merge),
    _S + "import_targets": ("county", cover_import),
    _S + "export_targets": ("county", cover_export),
    _S + "add_conflict": ("county", cover_add_conflict),
    _S + "remove_conflict": ("county", cover_remove_conflict),
}
