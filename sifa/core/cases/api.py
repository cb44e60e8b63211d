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
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404

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


class CaseDetailOut(CaseOut):
    allowed_transitions: list[CaseStepOut]
    deadlines: list[CaseDeadlineOut]
    transitions: list[CaseTransitionOut]
    alerts: list[CaseAlertOut]

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


class CaseIn(Schema):
    type: str = Field(..., min_length=1, max_length=48)
    title: str = Field(..., min_length=1, max_length=255)
    org_id: int | None = None
    data: dict[str, Any] = Field(default_factory=dict)


@router.get("", response=list[CaseOut], summary="案件列表（本机构及下级）")
@paginate(PagePagination)
def list_cases(request: HttpRequest, filters: Query[CaseFilter]):  # type: ignore[no-untyped-def]
    return selectors.cases_visible_to(actor_of(request), filters=filters)


@router.post("", response={201: CaseDetailOut}, summary="立案")
def create_case(request: HttpRequest, payload: CaseIn) -> Status[Case]:
    actor = actor_of(request)
    org = get_visible_or_404(Org, actor, pk=payload.org_id) if payload.org_id else None
    case = services.open_case(actor=actor, case_type=payload.type, title=payload.title, org=org, data=payload.data)
    return Status(201, case)


@router.get("/{case_id}", response=CaseDetailOut, summary="案件详情：状态、可办理环节、期限、流转记录")
def get_case(request: HttpRequest, case_id: int) -> Case:
    return selectors.case_for(actor_of(request), case_id)


@router.post("/{case_id}/transitions", response=CaseDetailOut, summary="办理环节（状态不符 409，角色不符 403）")
def post_transition(request: HttpRequest, case_id: int, payload: CaseTransitionIn) -> Case:
    actor = actor_of(request)
    case = selectors.case_for(actor, case_id)
    return services.transition_case(actor=actor, case=case, transition=payload.name, data=payload.data)
