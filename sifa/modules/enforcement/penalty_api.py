"""/api/v1/enforcement/cases: list, create, detail, transition of 行政处罚 cases (same selectors and
services as the pages; out of scope → 404)."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.core.cases.models import CaseDeadline
from sifa.core.cases.services import role_allowed
from sifa.core.persons.models import Entity, Person
from sifa.modules.enforcement import penalty_selectors as selectors
from sifa.modules.enforcement import penalty_services as services
from sifa.modules.enforcement.models import PowerItem
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.penalty_selectors import PenaltyFilter
from sifa.modules.enforcement.penalty_workflow import PENALTY_WORKFLOW

router = Router(tags=["行政处罚案件"])
STATE_LABELS = {s.code: s.label for s in PENALTY_WORKFLOW.states}


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class PenaltyCaseOut(Schema):
    id: int
    number: str
    procedure: str = Field(..., description="ordinary（普通程序）/ simplified（简易程序）")
    state: str
    state_label: str
    party_type: str
    party_name: str
    body_id: int
    body_name: str
    power_item_id: int | None
    act_date: datetime.date
    discovered_on: datetime.date
    filed_on: datetime.date | None
    decision_number: str
    decision_types: list[str]
    decision_amount: str | None = Field(None, description="元，两位小数")
    decided_on: datetime.date | None
    payment_due: datetime.date | None
    paid_on: datetime.date | None

    @staticmethod
    def resolve_id(obj: PenaltyCase) -> int:
        return obj.pk

    @staticmethod
    def resolve_number(obj: PenaltyCase) -> str:
        return obj.case.number

    @staticmethod
    def resolve_state(obj: PenaltyCase) -> str:
        return obj.case.state

    @staticmethod
    def resolve_state_label(obj: PenaltyCase) -> str:
        return STATE_LABELS.get(obj.case.state, obj.case.state)

    @staticmethod
    def resolve_body_name(obj: PenaltyCase) -> str:
        return obj.body.name

    @staticmethod
    def resolve_decision_amount(obj: PenaltyCase) -> str | None:
        return _amount(obj.decision_amount)


class PenaltyDeadlineOut(Schema):
    key: str
    rule_id: str
    label: str
    article: str
    start_date: datetime.date
    due_date: datetime.date
    status: str
    flagged: str


class PenaltyOfficerOut(Schema):
    id: int
    name: str
    certificate_number: str
    valid_until: datetime.date
    status: str


class PenaltyStepOut(Schema):
    name: str
    label: str
    required_fields: list[str]


class PenaltyCaseDetailOut(PenaltyCaseOut):
    party_id_masked: str
    facts: str
    circumstance: str
    cited_articles: str
    review_triggers: list[str]
    proposed_types: list[str]
    proposed_amount: str | None
    hearing_offered: bool
    notice_served_on: datetime.date | None
    served_on: datetime.date | None
    late_fee: str = Field(..., description="今日加处罚款（元，AP-32/AP-33）")
    officers: list[PenaltyOfficerOut]
    deadlines: list[PenaltyDeadlineOut]
    allowed_transitions: list[PenaltyStepOut]

    @staticmethod
    def resolve_party_id_masked(obj: PenaltyCase) -> str:
        return obj.person.id_number_masked if obj.person else (obj.entity.credit_code if obj.entity else "")

    @staticmethod
    def resolve_proposed_amount(obj: PenaltyCase) -> str | None:
        return _amount(obj.proposed_amount)

    @staticmethod
    def resolve_late_fee(obj: PenaltyCase) -> str:
        return selectors.late_fee_today(obj).replace(",", "")

    @staticmethod
    def resolve_officers(obj: PenaltyCase) -> list[dict[str, Any]]:
        return [{"id": o.pk, "name": o.person.name, "certificate_number": o.certificate_number,
                 "valid_until": o.valid_until, "status": o.status} for o in obj.officers.select_related("person")]

    @staticmethod
    def resolve_deadlines(obj: PenaltyCase) -> list[CaseDeadline]:
        return list(CaseDeadline.objects.filter(case_id=obj.pk).order_by("due_date", "id"))

    @staticmethod
    def resolve_allowed_transitions(obj: PenaltyCase, context: dict[str, Any]) -> list[dict[str, Any]]:
        actor = actor_of(context["request"])
        return [{"name": t.name, "label": t.label, "required_fields": list(t.required_fields)}
                for t in PENALTY_WORKFLOW.transitions_from(obj.case.state) if role_allowed(actor, t.roles)]


class PenaltyCaseIn(Schema):
    procedure: str = Field("ordinary", description="ordinary（普通程序）/ simplified（简易程序，AP-16）")
    party_type: str = Field(..., description="citizen（公民）/ organisation（法人或其他组织）")
    person_id: int | None = None
    entity_id: int | None = None
    party_name: str = ""
    id_number: str = ""
    credit_code: str = ""
    power_item_id: int | None = None
    act_date: datetime.date
    act_end_date: datetime.date | None = None
    discovered_on: datetime.date
    serious_harm: bool = False
    facts: str
    circumstance: str = ""
    cited_articles: str = ""
    officers: list[int] = Field(default_factory=list, description="执法人员编号（不少于两人，AP-12）")
    review_triggers: list[str] = Field(default_factory=list, description="法制审核情形（AP-22）")
    temporal_note: str = ""


class PenaltyTransitionIn(Schema):
    name: str = Field(..., description="环节名，见 allowed_transitions")
    data: dict[str, Any] = Field(default_factory=dict, description="环节填写内容（日期 YYYY-MM-DD）")


@router.get("", response=list[PenaltyCaseOut], summary="行政处罚案件列表（筛选：状态、执法主体、超期）")
@paginate(PagePagination)
def list_penalty_cases(request: HttpRequest, filters: Query[PenaltyFilter]):  # type: ignore[no-untyped-def]
    return selectors.penalty_cases_visible_to(actor_of(request), filters=filters)


@router.post("", response={201: PenaltyCaseDetailOut}, summary="登记行政处罚案件")
def create_penalty_case(request: HttpRequest, payload: PenaltyCaseIn) -> Status[PenaltyCase]:
    actor = actor_of(request)
    actor.require("enforcement.cases.handle")
    data = payload.dict()
    person_id, entity_id, item_id = data.pop("person_id"), data.pop("entity_id"), data.pop("power_item_id")
    person = Person.objects.filter(pk=person_id).first() if person_id else None
    entity = Entity.objects.filter(pk=entity_id).first() if entity_id else None
    item = PowerItem.objects.filter(pk=item_id).first() if item_id else None
    if person_id and person is None:
        person = Person(pk=person_id)  # the service answers 404 for a missing or out-of-scope person
    if entity_id and entity is None:
        entity = Entity(pk=entity_id)
    if item_id and item is None:
        item = PowerItem(pk=item_id)
    detail = services.open_penalty_case(actor=actor, person=person, entity=entity, power_item=item, **data)
    return Status(201, selectors.penalty_case_for(actor, detail.pk))


@router.get("/{case_id}", response=PenaltyCaseDetailOut, summary="行政处罚案件详情（期限、可办理环节）")
def get_penalty_case(request: HttpRequest, case_id: int) -> PenaltyCase:
    return selectors.penalty_case_for(actor_of(request), case_id)


@router.post("/{case_id}/transitions", response=PenaltyCaseDetailOut, summary="办理环节（守卫不通过返回 409 及理由）")
def transition_penalty_case(request: HttpRequest, case_id: int, payload: PenaltyTransitionIn) -> PenaltyCase:
    actor = actor_of(request)
    detail = selectors.penalty_case_for(actor, case_id)
    services.move_penalty_case(actor=actor, detail=detail, transition=payload.name, data=payload.data)
    return selectors.penalty_case_for(actor, case_id)
