"""/api/v1/enforcement: bodies, officers (masked identity numbers), power items with their articles and
discretion rules; officer create, item create/update, discretion rule create. Scope-checked like the pages."""

import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sifa.core.accounts.models import User
from sifa.core.api import PagePagination, actor_of
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.scope import get_visible_or_404
from sifa.core.persons.models import Person
from sifa.modules.enforcement import selectors, services
from sifa.modules.enforcement.filters import EnforcementBodyFilter, EnforcementOfficerFilter, PowerItemFilter
from sifa.modules.enforcement.models import (
    DiscretionRule,
    EnforcementBody,
    EnforcementOfficer,
    PowerItem,
    PowerItemArticle,
)
from sifa.modules.enforcement.rules import assignment_problems

router = Router(tags=["行政执法监督"])


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class EnforcementBodyOut(Schema):
    id: int
    org_id: int
    org_name: str
    name: str
    kind: str = Field(..., description="administrative_organ 行政机关 / authorised_organisation 法律法规授权的组织 / "
                                       "entrusted_organisation 受委托组织")
    kind_label: str
    legal_basis: str
    entrusted_by_id: int | None
    entrustment_scope: str
    entrustment_until: datetime.date | None
    area_codes: list[str]
    active: bool

    @staticmethod
    def resolve_org_name(obj: EnforcementBody) -> str:
        return obj.org.name

    @staticmethod
    def resolve_kind_label(obj: EnforcementBody) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_area_codes(obj: EnforcementBody) -> list[str]:
        return [r.code for r in obj.areas.all()]


class EnforcementOfficerOut(Schema):
    id: int
    person_id: int
    name: str
    id_number_masked: str
    body_id: int
    body_name: str
    certificate_number: str
    certificate_scope: list[str] = Field(..., description="执法领域代码")
    valid_from: datetime.date
    valid_until: datetime.date
    status: str = Field(..., description="valid 有效 / suspended 暂扣 / revoked 注销")
    status_label: str
    is_auxiliary: bool
    has_legal_qualification: bool
    user_id: int | None
    problems: list[str] = Field(..., description="今天不能作为案件承办人的原因（AP-12、AP-42）；空表示可以")

    @staticmethod
    def resolve_name(obj: EnforcementOfficer) -> str:
        return obj.person.name

    @staticmethod
    def resolve_id_number_masked(obj: EnforcementOfficer) -> str:
        return obj.person.id_number_masked

    @staticmethod
    def resolve_body_name(obj: EnforcementOfficer) -> str:
        return obj.body.name

    @staticmethod
    def resolve_status_label(obj: EnforcementOfficer) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_problems(obj: EnforcementOfficer) -> list[str]:
        return assignment_problems(obj, on=timezone.localdate())


class PowerItemArticleOut(Schema):
    law_title: str = Field(..., description="法规名称（规范化：无书名号、无「中华人民共和国」）")
    number: int
    sub: int = Field(..., description="第X条之N 的 N；0 表示无")
    paragraph: int | None
    role: str = Field(..., description="setting 设定依据 / penalty 处罚依据")
    label: str

    @staticmethod
    def resolve_label(obj: PowerItemArticle) -> str:
        return obj.label


class DiscretionRuleOut(Schema):
    id: int
    circumstance: str = Field(..., description="slight 轻微 / ordinary 一般 / serious 较重 / severe 严重")
    circumstance_label: str
    conditions: str
    order: int
    penalty_type: str
    penalty_type_label: str
    min_amount: str | None = Field(..., description="下限（元）")
    max_amount: str | None = Field(..., description="上限（元）")
    unit_note: str
    party_type: str = Field(..., description="citizen 公民 / organisation 法人或其他组织 / any 不限")
    basis_text: str
    active: bool

    @staticmethod
    def resolve_circumstance_label(obj: DiscretionRule) -> str:
        return obj.get_circumstance_display()

    @staticmethod
    def resolve_penalty_type_label(obj: DiscretionRule) -> str:
        return obj.get_penalty_type_display()

    @staticmethod
    def resolve_min_amount(obj: DiscretionRule) -> str | None:
        return _money(obj.min_amount)

    @staticmethod
    def resolve_max_amount(obj: DiscretionRule) -> str | None:
        return _money(obj.max_amount)


class PowerItemOut(Schema):
    id: int
    body_id: int
    body_name: str
    code: str
    name: str
    kind: str
    kind_label: str
    field: str
    penalty_types: list[str] = Field(..., description="处罚种类（AP-01，《行政处罚法》第九条）")
    basis_text: str
    active: bool
    version: int
    articles: list[PowerItemArticleOut]

    @staticmethod
    def resolve_body_name(obj: PowerItem) -> str:
        return obj.body.name

    @staticmethod
    def resolve_kind_label(obj: PowerItem) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_articles(obj: PowerItem) -> list[PowerItemArticle]:
        return list(obj.articles.all())


class PowerItemDetailOut(PowerItemOut):
    discretion_rules: list[DiscretionRuleOut]

    @staticmethod
    def resolve_discretion_rules(obj: PowerItem) -> list[DiscretionRule]:
        return list(obj.discretion_rules.all())


def _body(request: HttpRequest, body_id: int | None) -> EnforcementBody:
    """The named body in scope, or the body of the actor's own org."""
    actor = actor_of(request)
    if body_id is not None:
        return get_visible_or_404(EnforcementBody, actor, pk=body_id)
    own = EnforcementBody.objects.filter(org=actor.org).first() if actor.org is not None else None
    if own is None:
        raise ValidationFailed("请指定执法主体（body_id）：当前机构不是执法主体", field="body_id")
    return own


class EnforcementOfficerIn(Schema):
    body_id: int | None = Field(None, description="执法主体（默认当前机构的执法主体）")
    person_id: int | None = Field(None, description="人员库中已登记的人员；不填时按姓名与身份证号登记")
    name: str = Field("", max_length=64)
    id_number: str = Field("", max_length=32)
    certificate_number: str = Field(..., max_length=32, description="执法证号")
    certificate_scope: list[str] = Field(..., description="执法领域代码，如 [\"comprehensive\", \"city_appearance\"]")
    valid_from: datetime.date
    valid_until: datetime.date | None = Field(None, description="默认发证之日起五年（AP-42）")
    is_auxiliary: bool = False
    has_legal_qualification: bool = False
    user_id: int | None = None
    phone: str = Field("", max_length=32)
    notes: str = Field("", max_length=500)


class PowerItemIn(Schema):
    code: str = Field(..., max_length=64)
    name: str = Field(..., max_length=255)
    kind: str = Field(..., description="penalty 行政处罚 / coercion 行政强制 / inspection 行政检查 / …")
    field: str = Field(..., description="执法领域代码")
    penalty_types: list[str] = Field(default_factory=list, description="处罚种类代码（AP-01）")
    basis_text: str = Field(..., max_length=4000, description="实施依据，须写明条文")


class PowerItemCreateIn(PowerItemIn):
    body_id: int | None = Field(None, description="执法主体（默认当前机构的执法主体）")


class PowerItemUpdateIn(PowerItemIn):
    active: bool = True


class DiscretionRuleIn(Schema):
    circumstance: str
    conditions: str = Field("", max_length=2000)
    order: int = Field(0, ge=0, le=999)
    penalty_type: str
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    unit_note: str = Field("", max_length=128)
    party_type: str = "any"
    basis_text: str = Field("", max_length=4000)


@router.get("/bodies", response=list[EnforcementBodyOut], summary="执法主体列表")
@paginate(PagePagination)
def list_bodies(request: HttpRequest, filters: Query[EnforcementBodyFilter]):  # type: ignore[no-untyped-def]
    return selectors.bodies_visible_to(actor_of(request), filters=filters).prefetch_related("areas")


@router.get("/bodies/{body_id}", response=EnforcementBodyOut, summary="执法主体详情")
def get_body(request: HttpRequest, body_id: int) -> EnforcementBody:
    return selectors.body_for(actor_of(request), body_id)


@router.get("/officers", response=list[EnforcementOfficerOut], summary="执法人员列表（身份证号脱敏）")
@paginate(PagePagination)
def list_officers(request: HttpRequest, filters: Query[EnforcementOfficerFilter]):  # type: ignore[no-untyped-def]
    return selectors.officers_visible_to(actor_of(request), filters=filters)


@router.post("/officers", response={201: EnforcementOfficerOut}, summary="登记执法人员")
def create_officer(request: HttpRequest, payload: EnforcementOfficerIn) -> Status[EnforcementOfficer]:
    actor = actor_of(request)
    actor.require("enforcement.manage")
    body = _body(request, payload.body_id)
    person = get_visible_or_404(Person, actor, pk=payload.person_id) if payload.person_id else None
    user = User.objects.filter(pk=payload.user_id).first() if payload.user_id else None
    if payload.user_id and user is None:
        raise ValidationFailed("平台账号不存在", field="user")
    officer = services.create_officer(
        actor=actor, body=body, person=person, name=payload.name, id_number=payload.id_number,
        certificate_number=payload.certificate_number, certificate_scope=payload.certificate_scope,
        valid_from=payload.valid_from, valid_until=payload.valid_until, is_auxiliary=payload.is_auxiliary,
        has_legal_qualification=payload.has_legal_qualification, user=user, phone=payload.phone, notes=payload.notes)
    return Status(201, selectors.officer_for(actor, officer.pk))


@router.get("/officers/{officer_id}", response=EnforcementOfficerOut, summary="执法人员详情（身份证号脱敏）")
def get_officer(request: HttpRequest, officer_id: int) -> EnforcementOfficer:
    return selectors.officer_for(actor_of(request), officer_id)


@router.get("/items", response=list[PowerItemOut], summary="执法事项（权责清单）列表")
@paginate(PagePagination)
def list_items(request: HttpRequest, filters: Query[PowerItemFilter]):  # type: ignore[no-untyped-def]
    return selectors.power_items_visible_to(actor_of(request), filters=filters)


@router.post("/items", response={201: PowerItemDetailOut}, summary="新增执法事项")
def create_item(request: HttpRequest, payload: PowerItemCreateIn) -> Status[PowerItem]:
    actor = actor_of(request)
    actor.require("enforcement.manage")
    body = _body(request, payload.body_id)
    item = services.create_power_item(actor=actor, body=body, code=payload.code, name=payload.name, kind=payload.kind,
                                      field=payload.field, penalty_types=payload.penalty_types,
                                      basis_text=payload.basis_text)
    return Status(201, selectors.power_item_for(actor, item.pk))


@router.get("/items/{item_id}", response=PowerItemDetailOut, summary="执法事项详情（依据条文、裁量基准）")
def get_item(request: HttpRequest, item_id: int) -> PowerItem:
    return selectors.power_item_for(actor_of(request), item_id)


@router.put("/items/{item_id}", response=PowerItemDetailOut, summary="修改执法事项")
def update_item(request: HttpRequest, item_id: int, payload: PowerItemUpdateIn) -> PowerItem:
    actor = actor_of(request)
    actor.require("enforcement.manage")
    item = selectors.power_item_for(actor, item_id)
    services.update_power_item(actor=actor, item=item, code=payload.code, name=payload.name, kind=payload.kind,
                               field=payload.field, penalty_types=payload.penalty_types,
                               basis_text=payload.basis_text, active=payload.active)
    return selectors.power_item_for(actor, item_id)


@router.post("/items/{item_id}/rules", response={201: DiscretionRuleOut}, summary="新增裁量基准")
def create_rule(request: HttpRequest, item_id: int, payload: DiscretionRuleIn) -> Status[DiscretionRule]:
    actor = actor_of(request)
    actor.require("enforcement.manage")
    item = selectors.power_item_for(actor, item_id)
    rule = services.create_discretion_rule(
        actor=actor, item=item, circumstance=payload.circumstance, conditions=payload.conditions, order=payload.order,
        penalty_type=payload.penalty_type, min_amount=payload.min_amount, max_amount=payload.max_amount,
        unit_note=payload.unit_note, party_type=payload.party_type, basis_text=payload.basis_text)
    return Status(201, rule)
