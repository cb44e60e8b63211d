"""/api/v1/correction/supervision: 矫正小组, 个人情况, 管理等级, 矫正方案, 监管任务 and the plan rule table.

Scope-checked like the pages: an object outside the actor's subtree answers 404 like a missing one.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.core.errors import NotFound
from sifa.modules.correction import config, levels, plan_rules
from sifa.modules.correction import supervision_selectors as selectors
from sifa.modules.correction import supervision_services as services
from sifa.modules.correction.models import (
    CorrectionCase,
    CorrectionPlan,
    LevelAssessment,
    PlanMeasure,
    PlanRule,
    SupervisionTask,
    TeamMember,
)

router = Router(tags=["社区矫正 · 监督管理"])

VIEW = "correction.view"
MANAGE = "correction.manage"
RULES = "correction.rules.manage"


# --- schemas -----------------------------------------------------------------------------------------


class PlanTriggerOut(Schema):
    attribute: str = Field(..., description="属性编码；空 = 通用规则或合计")
    label: str
    value: Any = Field(None, description="属性的取值（编码）")
    value_label: str
    condition: str = Field(..., description="条件的文字说明")


class LevelReasonOut(PlanTriggerOut):
    points: int
    why: str


class CorrectionTeamMemberOut(Schema):
    id: int
    name: str
    role: str
    role_label: str
    gender: str
    phone: str
    active: bool
    added_at: datetime.datetime

    @staticmethod
    def resolve_role_label(obj: TeamMember) -> str:
        return obj.get_role_display()


class CorrectionTeamOut(Schema):
    case_id: int
    members: list[CorrectionTeamMemberOut]
    problems: list[str] = Field(..., description="CC-10 缺项（空 = 小组符合要求）")


class CorrectionTeamMemberIn(Schema):
    name: str = Field(..., min_length=1, max_length=64)
    role: str = Field(..., description="officer / grid_worker / village_cadre / family / employer / volunteer / police / "
                                       "minor_expert")
    gender: str = Field(..., pattern="^(M|F)$")
    phone: str = Field("", max_length=32)


class TeamMemberRemovalIn(Schema):
    reason: str = Field("", max_length=500)


class SubjectAttributeDefOut(Schema):
    code: str
    label: str
    kind: str = Field(..., description="choice / int / bool / text")
    source: str = Field(..., description="person / case（只读）或 subject（个人情况，可编辑）")
    choices: list[list[str]]
    ops: list[str]


class SubjectAttributeValueOut(Schema):
    code: str
    label: str
    value: Any = None
    value_label: str
    editable: bool


class SubjectAttributesIn(Schema):
    values: dict[str, Any] = Field(..., description="编码 → 取值（仅可编辑属性；空字符串或 null 删除该项）")


class LevelAssessmentOut(Schema):
    id: int
    kind: str
    computed_level: str
    level: str
    level_label: str
    reasons: list[LevelReasonOut]
    override_reason: str
    assessed_on: datetime.date
    assessed_by: str

    @staticmethod
    def resolve_level_label(obj: LevelAssessment) -> str:
        return config.level_label(obj.level)


class CorrectionLevelsOut(Schema):
    case_id: int
    level: str
    level_label: str
    suggested_level: str
    suggested_reasons: list[LevelReasonOut]
    reassessment_due: datetime.date | None
    flag: str = Field(..., description="管理等级配置的 [NV] 标注")
    assessments: list[LevelAssessmentOut]


class LevelAssessmentIn(Schema):
    kind: str = Field(..., pattern="^(initial|periodic|adjustment)$", description="initial 初次评定 / periodic 定期复评 / "
                                                                                  "adjustment 变更调整")
    level: str = Field("", description="确定等级；不填 = 采用评分建议")
    override_reason: str = Field("", max_length=1000, description="与建议不一致时必填")
    assessed_on: datetime.date | None = None


class PlanMeasureOut(Schema):
    id: int
    category: str
    text: str
    rule_code: str
    triggered_by: list[PlanTriggerOut]
    hours_per_month: int | None
    edited: bool
    order: int


class CorrectionPlanOut(Schema):
    id: int
    case_id: int
    version: int
    status: str
    status_label: str
    reason: str
    created_at: datetime.datetime
    created_by: str
    approved_at: datetime.datetime | None
    approved_by: str
    measures: list[PlanMeasureOut]

    @staticmethod
    def resolve_case_id(obj: CorrectionPlan) -> int:
        return obj.correction_case_id

    @staticmethod
    def resolve_status_label(obj: CorrectionPlan) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_measures(obj: CorrectionPlan) -> list[PlanMeasure]:
        return list(obj.measures.all())


class CorrectionPlanNewIn(Schema):
    reason: str = Field("", max_length=1000, description="初次制定可不填；已有生效方案时为调整理由（必填）")


class PlanMeasureIn(Schema):
    id: int | None = Field(None, description="保留或修改已有措施时填写；新增措施不填")
    category: str = Field(..., description="supervision / education / public_service / assistance")
    text: str = Field(..., max_length=255)
    hours_per_month: int | None = None


class PlanMeasuresIn(Schema):
    measures: list[PlanMeasureIn] = Field(..., description="方案的全部措施（未列出的已有措施将被删除）")


class SupervisionTaskOut(Schema):
    id: int
    case_id: int
    case_number: str
    kind: str
    kind_label: str
    due_date: datetime.date
    status: str
    status_label: str
    required_hours: int | None = Field(None, description="教育学习、公益活动应完成的小时数（管理等级 + 矫正方案）")
    hours: Decimal | None
    done_on: datetime.date | None
    done_by: str
    note: str

    @staticmethod
    def resolve_case_id(obj: SupervisionTask) -> int:
        return obj.correction_case_id

    @staticmethod
    def resolve_case_number(obj: SupervisionTask) -> str:
        return obj.correction_case.case.number

    @staticmethod
    def resolve_kind_label(obj: SupervisionTask) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj: SupervisionTask) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_required_hours(obj: SupervisionTask) -> int | None:
        return selectors.required_hours(obj)


class SupervisionTaskFilter(Schema):
    case_id: int | None = Field(None, description="只看一个案件")
    status: str | None = Field(None, pattern="^(open|done|missed)$")
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None


class SupervisionTaskDoneIn(Schema):
    done_on: datetime.date | None = Field(None, description="完成日期（默认今天）")
    hours: Decimal | None = Field(None, description="教育学习、公益活动必填")
    note: str = Field("", max_length=2000, description="走访必填")


class PlanRuleConditionIO(Schema):
    attribute: str
    op: str = Field(..., description="eq / ne / in / gte / lte / true / contains")
    value: Any = None


class PlanRuleOut(Schema):
    id: int
    code: str
    category: str
    recommendation: str
    conditions: list[PlanRuleConditionIO]
    conditions_text: list[str]
    hours_per_month: int | None
    order: int
    active: bool

    @staticmethod
    def resolve_conditions_text(obj: PlanRule) -> list[str]:
        return [plan_rules.describe(c) for c in obj.conditions]


class PlanRuleIn(Schema):
    code: str = Field(..., max_length=48)
    category: str
    recommendation: str = Field(..., max_length=255)
    conditions: list[dict[str, Any]] = Field(default_factory=list,
                                             description="[{attribute, op, value}]，全部成立时推荐；空 = 适用于所有对象")
    hours_per_month: int | None = None
    order: int = 100
    active: bool = True


# --- helpers ----------------------------------------------------------------------------------------------


def _case(request: HttpRequest, case_id: int, permission: str = VIEW) -> CorrectionCase:
    actor = actor_of(request)
    actor.require(permission)
    return selectors.case_for(actor, case_id)


def _team(detail: CorrectionCase) -> dict[str, Any]:
    members = list(selectors.rows(TeamMember).filter(correction_case=detail).order_by("id"))
    return {"case_id": detail.pk, "members": members,
            "problems": selectors.team_problems(detail, [m for m in members if m.active])}


def _levels(detail: CorrectionCase) -> dict[str, Any]:
    history = selectors.assessments(detail)
    code, reasons = levels.initial_level(detail)
    return {"case_id": detail.pk, "level": detail.level, "level_label": config.level_label(detail.level),
            "suggested_level": code, "suggested_reasons": reasons,
            "reassessment_due": selectors.reassessment_due(detail, history[0] if history else None),
            "flag": config.flag("levels"), "assessments": history}


# --- team ---------------------------------------------------------------------------------------------------


@router.get("/cases/{case_id}/team", response=CorrectionTeamOut, summary="矫正小组（含 CC-10 缺项）")
def get_team(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _team(_case(request, case_id))


@router.post("/cases/{case_id}/team", response={201: CorrectionTeamOut}, summary="添加矫正小组成员")
def add_member(request: HttpRequest, case_id: int, payload: CorrectionTeamMemberIn) -> Status[dict[str, Any]]:
    detail = _case(request, case_id, MANAGE)
    services.add_team_member(actor=actor_of(request), detail=detail, **payload.dict())
    return Status(201, _team(selectors.case_for(actor_of(request), case_id)))


@router.post("/team-members/{member_id}/removal", response=CorrectionTeamOut,
             summary="移出矫正小组成员（会使小组不符合 CC-10 的移出将被拒绝）")
def remove_member(request: HttpRequest, member_id: int, payload: TeamMemberRemovalIn) -> dict[str, Any]:
    actor = actor_of(request)
    actor.require(MANAGE)
    member = selectors.member_for(actor, member_id)
    services.remove_team_member(actor=actor, member=member, reason=payload.reason)
    return _team(selectors.case_for(actor, member.correction_case_id))


# --- attributes ---------------------------------------------------------------------------------------------


@router.get("/attributes", response=list[SubjectAttributeDefOut], summary="个人情况属性定义（27 项）")
def attribute_definitions(request: HttpRequest) -> list[dict[str, Any]]:
    actor_of(request).require(VIEW)
    return [{"code": a.code, "label": a.label, "kind": a.kind, "source": a.source,
             "choices": [list(c) for c in a.dynamic_choices()], "ops": list(plan_rules.OPS_BY_KIND[a.kind])}
            for a in plan_rules.ATTRIBUTES]


def _attribute_values(detail: CorrectionCase) -> list[dict[str, Any]]:
    values = plan_rules.subject_values(detail)
    return [{"code": a.code, "label": a.label, "value": values.get(a.code), "value_label": a.value_label(values.get(a.code)),
             "editable": a.editable} for a in plan_rules.ATTRIBUTES]


@router.get("/cases/{case_id}/attributes", response=list[SubjectAttributeValueOut], summary="对象的个人情况（规则读取的属性）")
def get_attributes(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    return _attribute_values(_case(request, case_id))


@router.put("/cases/{case_id}/attributes", response=list[SubjectAttributeValueOut], summary="填写个人情况")
def put_attributes(request: HttpRequest, case_id: int, payload: SubjectAttributesIn) -> list[dict[str, Any]]:
    detail = _case(request, case_id, MANAGE)
    services.update_subject_attributes(actor=actor_of(request), detail=detail, values=payload.values)
    return _attribute_values(selectors.case_for(actor_of(request), case_id))


# --- levels -----------------------------------------------------------------------------------------------------


@router.get("/cases/{case_id}/levels", response=CorrectionLevelsOut, summary="管理等级：评分建议及理由、评定记录")
def get_levels(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _levels(_case(request, case_id))


@router.post("/cases/{case_id}/levels", response={201: LevelAssessmentOut}, summary="评定管理等级（与建议不一致须写理由并报县级机构）")
def assess(request: HttpRequest, case_id: int, payload: LevelAssessmentIn) -> Status[LevelAssessment]:
    detail = _case(request, case_id, MANAGE)
    row = services.assess_level(actor=actor_of(request), detail=detail, **payload.dict())
    return Status(201, row)


# --- plans -----------------------------------------------------------------------------------------------------


@router.get("/cases/{case_id}/plans", response=list[CorrectionPlanOut], summary="矫正方案各版本（新的在前）")
def list_plans(request: HttpRequest, case_id: int) -> list[CorrectionPlan]:
    return selectors.plans(_case(request, case_id))


@router.post("/cases/{case_id}/plans", response={201: CorrectionPlanOut},
             summary="按规则表生成矫正方案（待审批）；已有生效方案时为调整（须写理由）")
def new_plan(request: HttpRequest, case_id: int, payload: CorrectionPlanNewIn) -> Status[CorrectionPlan]:
    detail = _case(request, case_id, MANAGE)
    actor = actor_of(request)
    if selectors.approved_plan(detail) is None:
        plan = services.draft_plan(actor=actor, detail=detail, reason=payload.reason)
    else:
        plan = services.adjust_plan(actor=actor, detail=detail, reason=payload.reason)
    return Status(201, selectors.plan_for(actor, plan.pk))


@router.get("/plans/{plan_id}", response=CorrectionPlanOut, summary="矫正方案（措施及触发的属性）")
def get_plan(request: HttpRequest, plan_id: int) -> CorrectionPlan:
    actor = actor_of(request)
    actor.require(VIEW)
    return selectors.plan_for(actor, plan_id)


@router.put("/plans/{plan_id}/measures", response=CorrectionPlanOut, summary="修改待审批方案的措施（增、删、改）")
def put_measures(request: HttpRequest, plan_id: int, payload: PlanMeasuresIn) -> CorrectionPlan:
    actor = actor_of(request)
    actor.require(MANAGE)
    plan = selectors.plan_for(actor, plan_id)
    services.edit_plan(actor=actor, plan=plan, measures=[m.dict() for m in payload.measures])
    return selectors.plan_for(actor, plan_id)


@router.post("/plans/{plan_id}/approval", response=CorrectionPlanOut, summary="审批方案（生效，原生效版本转为旧版）")
def approve(request: HttpRequest, plan_id: int) -> CorrectionPlan:
    actor = actor_of(request)
    actor.require(MANAGE)
    plan = selectors.plan_for(actor, plan_id)
    services.approve_plan(actor=actor, plan=plan)
    return selectors.plan_for(actor, plan_id)


# --- tasks --------------------------------------------------------------------------------------------------------


@router.get("/tasks", response=list[SupervisionTaskOut], summary="监管任务列表（按应完成日期）")
@paginate(PagePagination)
def list_tasks(request: HttpRequest, filters: Query[SupervisionTaskFilter]):  # type: ignore[no-untyped-def]
    actor = actor_of(request)
    actor.require(VIEW)
    qs = selectors.tasks_visible_to(actor).order_by("due_date", "id")
    if filters.case_id is not None:
        qs = qs.filter(correction_case_id=filters.case_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.due_from:
        qs = qs.filter(due_date__gte=filters.due_from)
    if filters.due_to:
        qs = qs.filter(due_date__lte=filters.due_to)
    return qs


@router.post("/tasks/{task_id}/completion", response=SupervisionTaskOut, summary="登记监管任务完成")
def complete(request: HttpRequest, task_id: int, payload: SupervisionTaskDoneIn) -> SupervisionTask:
    actor = actor_of(request)
    actor.require(MANAGE)
    task = selectors.task_for(actor, task_id)
    services.complete_task(actor=actor, task=task, done_on=payload.done_on, hours=payload.hours, note=payload.note)
    return selectors.task_for(actor, task_id)


# --- rules ------------------------------------------------------------------------------------------------------------


def _rule(rule_id: int) -> PlanRule:
    rule = PlanRule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise NotFound()
    return rule


@router.get("/rules", response=list[PlanRuleOut], summary="矫正方案规则表")
def list_rules(request: HttpRequest) -> list[PlanRule]:
    actor_of(request).require(RULES)
    return list(PlanRule.objects.order_by("order", "code"))


@router.post("/rules", response={201: PlanRuleOut}, summary="新增规则（条件逐条校验）")
def create_rule(request: HttpRequest, payload: PlanRuleIn) -> Status[PlanRule]:
    actor = actor_of(request)
    actor.require(RULES)
    return Status(201, services.save_plan_rule(actor=actor, rule=None, **payload.dict()))


@router.put("/rules/{rule_id}", response=PlanRuleOut, summary="修改规则")
def update_rule(request: HttpRequest, rule_id: int, payload: PlanRuleIn) -> PlanRule:
    actor = actor_of(request)
    actor.require(RULES)
    return services.save_plan_rule(actor=actor, rule=_rule(rule_id), **payload.dict())


@router.post("/rules/{rule_id}/deactivation", response=PlanRuleOut, summary="停用规则")
def deactivate_rule(request: HttpRequest, rule_id: int) -> PlanRule:
    actor = actor_of(request)
    actor.require(RULES)
    return services.deactivate_plan_rule(actor=actor, rule=_rule(rule_id))
