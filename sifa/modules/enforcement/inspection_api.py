"""/api/v1/enforcement/inspections: 双随机抽查 plans (list, detail with the pool preview, create, publish,
draw, cancel, publish results), inspections (list, result), 监管对象 list; and the public
/api/v1/public/enforcement/inspections (no sign-in: published plans, drawn targets with inspectors by
name and 执法证号, results once published). Scope-checked like the pages."""

import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.scope import get_visible_or_404
from sifa.modules.enforcement import inspection_selectors as selectors
from sifa.modules.enforcement import inspection_services as services
from sifa.modules.enforcement.inspection_models import Inspection, InspectionPlan, InspectionTarget
from sifa.modules.enforcement.models import EnforcementBody, PowerItem

router = Router(tags=["行政执法监督 · 双随机抽查"])
public_router = Router(tags=["双随机一公开（公开）"], auth=None)


class InspectionClassOut(Schema):
    key: str
    label: str
    percent: float | None
    available: int
    pick: int


class InspectionPlanOut(Schema):
    id: int
    number: str
    body_id: int
    body_name: str
    title: str
    field: str
    field_label: str
    risk_levels: list[str]
    credit_grades: list[str]
    sampling_mode: str = Field(..., description="count 固定数量 / ratio 按风险与信用分类比例")
    sample_count: int | None
    inspectors_per_target: int
    window_start: datetime.date
    window_end: datetime.date
    state: str = Field(..., description="draft 草稿 / published 已公布 / drawn 已抽取 / closed 已公开结果 / cancelled 已取消")
    state_label: str
    draw_number: str | None = Field(..., description="随机抽取编号（= 计划编号），/draws/<编号>/ 可核验")
    power_item_ids: list[int]
    results_published: bool

    @staticmethod
    def resolve_body_name(obj: InspectionPlan) -> str:
        return obj.body.name

    @staticmethod
    def resolve_field_label(obj: InspectionPlan) -> str:
        return obj.get_field_display()

    @staticmethod
    def resolve_state_label(obj: InspectionPlan) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_draw_number(obj: InspectionPlan) -> str | None:
        return obj.draw.number if obj.draw_id and obj.draw else None

    @staticmethod
    def resolve_power_item_ids(obj: InspectionPlan) -> list[int]:
        return [i.pk for i in obj.power_items.all()]

    @staticmethod
    def resolve_results_published(obj: InspectionPlan) -> bool:
        return obj.results_published_at is not None


class InspectionPlanDetailOut(InspectionPlanOut):
    classes: list[InspectionClassOut] = Field(..., description="各分类的对象数与抽取数（公布前为按当前名册的预览）")
    eligible_inspectors: int
    problems: list[str] = Field(..., description="不能公布的原因；空表示可以")


class InspectionPlanIn(Schema):
    body_id: int | None = Field(None, description="执法主体（默认当前机构的执法主体）")
    title: str = Field(..., max_length=200)
    field: str = Field(..., description="执法领域代码")
    power_item_ids: list[int] = Field(default_factory=list)
    risk_levels: list[str] = Field(default_factory=list, description="high / medium / low；空表示不限")
    credit_grades: list[str] = Field(default_factory=list, description="A / B / C / D；空表示不限")
    sampling_mode: str = "ratio"
    sample_count: int | None = None
    percents: dict[str, float] = Field(default_factory=dict, description="分类 key → 百分比（覆盖示例配置）")
    inspectors_per_target: int = 2
    window_start: datetime.date
    window_end: datetime.date
    notes: str = Field("", max_length=2000)


class InspectionCancelIn(Schema):
    reason: str = Field(..., max_length=500)


class InspectionCheckOut(Schema):
    id: int
    plan_id: int
    plan_number: str
    entity_id: int
    entity_name: str
    credit_code: str
    inspectors: list[str] = Field(..., description="姓名（执法证号）")
    visit_id: int | None
    outcome: str = Field(..., description="no_problem / rectification / referred / unable；空表示未登记")
    outcome_label: str
    inspected_on: datetime.date | None
    result_note: str
    case_reference: str

    @staticmethod
    def resolve_plan_number(obj: Inspection) -> str:
        return obj.plan.number

    @staticmethod
    def resolve_entity_name(obj: Inspection) -> str:
        return obj.entity.name

    @staticmethod
    def resolve_credit_code(obj: Inspection) -> str:
        return obj.entity.credit_code

    @staticmethod
    def resolve_inspectors(obj: Inspection) -> list[str]:
        return [f"{o.person.name}（{o.certificate_number}）" for o in obj.inspectors.all()]

    @staticmethod
    def resolve_outcome_label(obj: Inspection) -> str:
        return obj.get_outcome_display() if obj.outcome else ""


class InspectionResultIn(Schema):
    outcome: str
    inspected_on: datetime.date
    note: str = Field("", max_length=4000)
    case_reference: str = Field("", max_length=64)


class InspectionTargetOut(Schema):
    id: int
    entity_id: int
    entity_name: str
    credit_code: str
    body_id: int
    fields: list[str]
    risk_level: str
    credit_grade: str
    active: bool
    last_inspected_on: datetime.date | None

    @staticmethod
    def resolve_entity_name(obj: InspectionTarget) -> str:
        return obj.entity.name

    @staticmethod
    def resolve_credit_code(obj: InspectionTarget) -> str:
        return obj.entity.credit_code


class PublicInspectionRowOut(Schema):
    entity_name: str
    credit_code: str
    inspectors: list[str]
    departments_in_visit: int = Field(..., description="综合查一次合并的部门数；0 表示单独检查")
    planned_on: datetime.date | None
    outcome: str
    outcome_label: str
    inspected_on: datetime.date | None


class PublicInspectionPlanSummaryOut(Schema):
    number: str
    title: str
    body_name: str
    field_label: str
    window_start: datetime.date
    window_end: datetime.date
    state: str
    state_label: str
    draw_url: str = Field(..., description="随机抽取公示页（可核验）")
    inspection_count: int

    @staticmethod
    def resolve_body_name(obj: InspectionPlan) -> str:
        return obj.body.name

    @staticmethod
    def resolve_field_label(obj: InspectionPlan) -> str:
        return obj.get_field_display()

    @staticmethod
    def resolve_state_label(obj: InspectionPlan) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_draw_url(obj: InspectionPlan) -> str:
        return f"/draws/{obj.number}/"

    @staticmethod
    def resolve_inspection_count(obj: InspectionPlan) -> int:
        return int(getattr(obj, "inspection_count", 0))


class PublicInspectionPlanOut(PublicInspectionPlanSummaryOut):
    inspections: list[PublicInspectionRowOut] = Field(..., alias="inspections_public")


def _detail(plan: InspectionPlan) -> InspectionPlan:
    """The plan with its pool preview attached (``InspectionPlanDetailOut`` reads these attributes)."""
    pools = selectors.plan_pools(plan)
    plan.classes = [{"key": c.key, "label": c.label, "percent": c.percent,  # type: ignore[attr-defined]
                     "available": len(c.targets), "pick": c.pick} for c in pools.classes]
    plan.eligible_inspectors = len(pools.inspectors)  # type: ignore[attr-defined]
    plan.problems = pools.problems  # type: ignore[attr-defined]
    return plan


def _plan(request: HttpRequest, plan_id: int) -> InspectionPlan:
    return selectors.plan_for(actor_of(request), plan_id)


@router.get("/plans", response=list[InspectionPlanOut], summary="抽查计划列表")
@paginate(PagePagination)
def list_inspection_plans(request: HttpRequest, state: str = "", q: str = ""):  # type: ignore[no-untyped-def]
    return selectors.plans_visible_to(actor_of(request), state=state, q=q).prefetch_related("power_items")


@router.post("/plans", response={201: InspectionPlanDetailOut}, summary="新建抽查计划（草稿）")
def create_inspection_plan(request: HttpRequest, payload: InspectionPlanIn) -> Status[InspectionPlan]:
    actor = actor_of(request)
    actor.require(services.MANAGE)
    if payload.body_id is not None:
        body = get_visible_or_404(EnforcementBody, actor, pk=payload.body_id)
    else:
        own = EnforcementBody.objects.filter(org=actor.org).first() if actor.org is not None else None
        if own is None:
            raise ValidationFailed("请指定执法主体（body_id）：当前机构不是执法主体", field="body_id")
        body = own
    items = list(PowerItem.objects.visible_to(actor).filter(pk__in=payload.power_item_ids))
    if len(items) != len(set(payload.power_item_ids)):
        raise ValidationFailed("检查事项不存在或无权访问", field="power_item_ids")
    plan = services.create_plan(
        actor=actor, body=body, title=payload.title, field=payload.field, power_items=items,
        risk_levels=payload.risk_levels, credit_grades=payload.credit_grades, sampling_mode=payload.sampling_mode,
        sample_count=payload.sample_count, percents=payload.percents,
        inspectors_per_target=payload.inspectors_per_target, window_start=payload.window_start,
        window_end=payload.window_end, notes=payload.notes)
    return Status(201, _detail(selectors.plan_for(actor, plan.pk)))


@router.get("/plans/{plan_id}", response=InspectionPlanDetailOut, summary="抽查计划详情（含名单预览与各类抽取数）")
def get_inspection_plan(request: HttpRequest, plan_id: int) -> InspectionPlan:
    return _detail(_plan(request, plan_id))


@router.post("/plans/{plan_id}/publish", response=InspectionPlanDetailOut,
             summary="公布计划：冻结名单并承诺随机种子（名单哈希与承诺值写入存证账本）")
def publish_inspection_plan(request: HttpRequest, plan_id: int) -> InspectionPlan:
    actor = actor_of(request)
    actor.require(services.MANAGE)
    plan = services.publish_plan(actor=actor, plan=_plan(request, plan_id))
    return _detail(selectors.plan_for(actor, plan.pk))


@router.post("/plans/{plan_id}/draw", response=InspectionPlanDetailOut, summary="执行抽取（公开种子，生成检查任务）")
def draw_inspection_plan(request: HttpRequest, plan_id: int) -> InspectionPlan:
    actor = actor_of(request)
    actor.require(services.MANAGE)
    plan = services.draw_plan(actor=actor, plan=_plan(request, plan_id))
    return _detail(selectors.plan_for(actor, plan.pk))


@router.post("/plans/{plan_id}/cancel", response=InspectionPlanDetailOut, summary="取消抽查计划（抽取前）")
def cancel_inspection_plan(request: HttpRequest, plan_id: int, payload: InspectionCancelIn) -> InspectionPlan:
    actor = actor_of(request)
    actor.require(services.MANAGE)
    plan = services.cancel_plan(actor=actor, plan=_plan(request, plan_id), reason=payload.reason)
    return _detail(selectors.plan_for(actor, plan.pk))


@router.post("/plans/{plan_id}/results/publish", response=InspectionPlanDetailOut, summary="公开抽查结果")
def publish_inspection_results(request: HttpRequest, plan_id: int) -> InspectionPlan:
    actor = actor_of(request)
    actor.require(services.MANAGE)
    plan = services.publish_results(actor=actor, plan=_plan(request, plan_id))
    return _detail(selectors.plan_for(actor, plan.pk))


@router.get("/checks", response=list[InspectionCheckOut], summary="检查任务列表")
@paginate(PagePagination)
def list_inspection_checks(request: HttpRequest, plan: int | None = None,  # type: ignore[no-untyped-def]
                           open_only: bool = False):
    return selectors.inspections_visible_to(actor_of(request), plan=plan, open_only=open_only)


@router.post("/checks/{inspection_id}/result", response=InspectionCheckOut, summary="登记检查结果")
def record_inspection_result(request: HttpRequest, inspection_id: int, payload: InspectionResultIn) -> Inspection:
    actor = actor_of(request)
    actor.require(services.MANAGE)
    inspection = selectors.inspection_for(actor, inspection_id)
    services.record_result(actor=actor, inspection=inspection, outcome=payload.outcome,
                           inspected_on=payload.inspected_on, note=payload.note,
                           case_reference=payload.case_reference)
    return selectors.inspection_for(actor, inspection_id)


@router.get("/targets", response=list[InspectionTargetOut], summary="监管对象名册")
@paginate(PagePagination)
def list_inspection_targets(request: HttpRequest, body: int | None = None, q: str = "",  # type: ignore[no-untyped-def]
                            risk: str = "", credit: str = ""):
    return selectors.targets_visible_to(actor_of(request), body=body, q=q, risk=risk, credit=credit)


def _public(plan: InspectionPlan) -> InspectionPlan:
    plan.inspections_public = [r.__dict__ for r in selectors.public_inspections(plan)]  # type: ignore[attr-defined]
    return plan


@public_router.get("", response=list[PublicInspectionPlanSummaryOut], summary="已公布的双随机抽查计划（公开）")
@paginate(PagePagination)
def list_public_inspection_plans(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.public_plans()


@public_router.get("/{number}", response=PublicInspectionPlanOut, summary="抽查计划的公开信息与结果（公开）")
def get_public_inspection_plan(request: HttpRequest, number: str) -> InspectionPlan:
    return _public(selectors.public_plan(number))
