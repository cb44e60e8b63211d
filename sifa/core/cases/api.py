import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sifa.core import registry
from sifa.core.api import PagePagination, actor_of
from sifa.core.cases import selectors, services
from sifa.core.cases.filters import CaseFilter
from sifa.core.cases.models import Case, CaseDeadline
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404
from sifa.core.persons.models import Entity, Person

router = Router(tags=["案件"])


class CaseOut(Schema):
    id: int
    number: str
    type: str
    type_label: str
    state: str
    state_label: str
    title: str
    org_id: int
    org_name: str
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None

    @staticmethod
    def resolve_type(obj: Case) -> str:
        return obj.case_type

    @staticmethod
    def resolve_type_label(obj: Case) -> str:
        return registry.case_types[obj.case_type].label if obj.case_type in registry.case_types else obj.case_type

    @staticmethod
    def resolve_state_label(obj: Case) -> str:
        if obj.case_type not in registry.case_types:
            return obj.state
        return registry.case_types[obj.case_type].workflow.state(obj.state).label

    @staticmethod
    def resolve_org_name(obj: Case) -> str:
        return obj.org.name


class CaseDeadlineOut(Schema):
    key: str
    rule_id: str
    label: str
    article: str
    flagged: str
    start_date: datetime.date
    due_date: datetime.date
    days_left: int
    status: str
    overdue: bool

    @staticmethod
    def resolve_days_left(obj: CaseDeadline) -> int:
        return obj.days_left()

    @staticmethod
    def resolve_overdue(obj: CaseDeadline) -> bool:
        return obj.is_overdue


class CaseStepOut(Schema):
    name: str
    label: str
    target: str
    required_fields: list[str]
    blocked_reason: str | None


class CaseTransitionOut(Schema):
    name: str
    label: str
    from_state: str
    to_state: str
    actor_name: str
    created_at: datetime.datetime
    data: dict[str, Any]


class CaseAlertOut(Schema):
    id: int
    rule_code: str
    level: str
    state: str
    title: str


class PartyOut(Schema):
    role: str
    name: str
    person_id: int | None
    entity_id: int | None


class CaseDetailOut(CaseOut):
    allowed_transitions: list[CaseStepOut]
    deadlines: list[CaseDeadlineOut]
    transitions: list[CaseTransitionOut]
    alerts: list[CaseAlertOut]
    parties: list[PartyOut]

    @staticmethod
    def resolve_allowed_transitions(obj: Case, context: dict[str, Any]) -> list[dict[str, Any]]:
        actor = actor_of(context["request"])
        return [
            {"name": s.transition.name, "label": s.transition.label, "target": s.transition.target,
             "required_fields": list(s.transition.required_fields), "blocked_reason": s.blocked_reason}
            for s in selectors.allowed_steps(obj, actor)
        ]

    @staticmethod
    def resolve_alerts(obj: Case, context: dict[str, Any]) -> list[Any]:
        return list(obj.alerts.all()) if actor_of(context["request"]).has_perm("alerts.view") else []


class CaseTransitionIn(Schema):
    name: str = Field(..., min_length=1, max_length=64, description="环节名称（workflow transition name）")
    data: dict[str, Any] = Field(default_factory=dict, description="环节要求填写的字段")


class DeadlineAdjustmentIn(Schema):
    key: str = Field(..., min_length=1, max_length=48, description="期限键（如 decision）")
    kind: str = Field(..., pattern="^(suspend|extend)$", description="suspend（中止）或 extend（延长）")
    from_date: str = Field("", alias="from", max_length=10, description="中止：中止开始日 YYYY-MM-DD")
    to_date: str = Field("", alias="to", max_length=10, description="中止：障碍消除日 YYYY-MM-DD")
    period: str = Field("", max_length=16, description="延长：期间，如 三十日")
    reason: str = Field(..., min_length=1, max_length=500, description="事由/理由")
    approver: str = Field("", max_length=64, description="延长：批准人")


class PartyIn(Schema):
    role: str = Field(..., pattern="^(applicant|respondent|party|subject|third_party|agent)$",
                      description="applicant 申请人 / respondent 被申请人 / party 当事人 / subject 对象 / third_party 第三人 / agent 代理人")
    person_id: int | None = Field(None, description="已登记自然人 ID（与 entity_id 二选一）")
    entity_id: int | None = Field(None, description="已登记法人和其他组织 ID")


class CaseIn(Schema):
    type: str = Field(..., min_length=1, max_length=48)
    title: str = Field(..., min_length=1, max_length=255)
    org_id: int | None = None
    parties: list[PartyIn] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)


@router.get("", response=list[CaseOut], summary="案件列表（本机构及下级）")
@paginate(PagePagination)
def list_cases(request: HttpRequest, filters: Query[CaseFilter]):  # type: ignore[no-untyped-def]
    return selectors.cases_visible_to(actor_of(request), filters=filters)


@router.post("", response={201: CaseDetailOut}, summary="立案")
def create_case(request: HttpRequest, payload: CaseIn) -> Status[Case]:
    actor = actor_of(request)
    org = get_visible_or_404(Org, actor, pk=payload.org_id) if payload.org_id else None
    parties = []
    for p in payload.parties:
        if (p.person_id is None) == (p.entity_id is None):
            raise ValidationFailed("每个当事人须且只能指定 person_id 或 entity_id 之一", field="parties")
        parties.append(services.PartyInput(
            role=p.role,
            person=get_visible_or_404(Person, actor, pk=p.person_id) if p.person_id else None,
            entity=get_visible_or_404(Entity, actor, pk=p.entity_id) if p.entity_id else None,
        ))
    case = services.open_case(actor=actor, case_type=payload.type, title=payload.title, org=org, parties=parties,
                              data=payload.data)
    return Status(201, case)


@router.get("/{case_id}", response=CaseDetailOut, summary="案件详情：状态、可办理环节、期限、流转记录")
def get_case(request: HttpRequest, case_id: int) -> Case:
    return selectors.case_for(actor_of(request), case_id)


@router.post("/{case_id}/transitions", response=CaseDetailOut, summary="办理环节（状态不符 409，角色不符 403）")
def post_transition(request: HttpRequest, case_id: int, payload: CaseTransitionIn) -> Case:
    actor = actor_of(request)
    case = selectors.case_for(actor, case_id)
    return services.transition_case(actor=actor, case=case, transition=payload.name, data=payload.data)


@router.post("/{case_id}/deadline-adjustments", response=CaseDeadlineOut, summary="中止或延长案件期限（记录事由与批准人）")
def adjust_deadline(request: HttpRequest, case_id: int, payload: DeadlineAdjustmentIn) -> CaseDeadline:
    actor = actor_of(request)
    actor.require("cases.deadlines.adjust")
    case = selectors.case_for(actor, case_id)
    if payload.kind == "extend":
        return services.extend_case_deadline(actor=actor, case=case, key=payload.key, period=payload.period,
                                             reason=payload.reason, approver=payload.approver)
    return services.suspend_case_deadline(actor=actor, case=case, key=payload.key, stopped_on=payload.from_date,
                                          resumed_on=payload.to_date, reason=payload.reason)
