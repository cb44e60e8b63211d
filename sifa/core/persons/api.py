
import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.models import Org, Region
from sifa.core.orgs.scope import get_visible_or_404
from sifa.core.persons import selectors, services
from sifa.core.persons.filters import PersonFilter
from sifa.core.persons.idnumbers import mask_phone
from sifa.core.persons.models import Entity, Person

router = Router(tags=["人员库"])


class PersonOut(Schema):
    id: int
    name: str
    id_number_masked: str
    gender: str
    birth_date: datetime.date
    phone_masked: str
    address: str
    region_code: str | None
    org_id: int
    org_name: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_phone_masked(obj: Person) -> str:
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_region_code(obj: Person) -> str | None:
        return obj.region.code if obj.region else None

    @staticmethod
    def resolve_org_name(obj: Person) -> str:
        return obj.org.name


class PersonIn(Schema):
    name: str = Field(..., min_length=1, max_length=64, description="姓名")
    id_number: str = Field(..., min_length=1, max_length=32, description="居民身份证号（GB 11643）")
    phone: str = Field("", max_length=32)
    address: str = Field("", max_length=255)
    region_code: str | None = Field(None, max_length=12, description="居住地区划代码")
    org_id: int | None = Field(None, description="登记机构（默认当前机构）")


class PersonPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=64)
    phone: str | None = Field(None, max_length=32)
    address: str | None = Field(None, max_length=255)
    region_code: str | None = Field(None, max_length=12)


class RevealIn(Schema):
    reason: str = Field("", max_length=200, description="查看事由（记入审计日志）")


class RevealOut(Schema):
    id: int
    id_number: str


class EntityOut(Schema):
    id: int
    name: str
    credit_code: str
    legal_representative: str
    address: str
    org_id: int


class EntityIn(Schema):
    name: str = Field(..., min_length=1, max_length=128)
    credit_code: str = Field(..., min_length=1, max_length=32, description="统一社会信用代码（GB 32100）")
    legal_representative: str = Field("", max_length=64)
    address: str = Field("", max_length=255)
    region_code: str | None = Field(None, max_length=12)


def _region(code: str | None, field: str = "region_code") -> Region | None:
    if not code:
        return None
    region = Region.objects.current().filter(code=code.strip()).first()
    if region is None:
        raise ValidationFailed(f"区划代码 {code} 不存在", field=field)
    return region


@router.get("/persons", response=list[PersonOut], summary="自然人列表与搜索")
@paginate(PagePagination)
def list_persons(request: HttpRequest, filters: Query[PersonFilter]):  # type: ignore[no-untyped-def]
    return selectors.persons_visible_to(actor_of(request), filters=filters)


@router.post("/persons", response={201: PersonOut}, summary="登记自然人")
def create_person(request: HttpRequest, payload: PersonIn) -> Status[Person]:
    actor = actor_of(request)
    org = get_visible_or_404(Org, actor, pk=payload.org_id) if payload.org_id else None
    person = services.register_person(actor=actor, name=payload.name, id_number=payload.id_number, phone=payload.phone,
                                      address=payload.address, region=_region(payload.region_code), org=org)
    return Status(201, person)


@router.get("/persons/{person_id}", response=PersonOut, summary="自然人详情（身份证号脱敏）")
def get_person(request: HttpRequest, person_id: int) -> Person:
    actor = actor_of(request)
    actor.require("persons.view")
    return get_visible_or_404(Person, actor, pk=person_id)


@router.patch("/persons/{person_id}", response=PersonOut, summary="修改自然人联系信息")
def patch_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> Person:
    actor = actor_of(request)
    actor.require("persons.manage")
    person = get_visible_or_404(Person, actor, pk=person_id)
    data = payload.dict(exclude_unset=True)
    region = _region(data["region_code"]) if "region_code" in data else person.region
    return services.update_person(actor=actor, person=person, name=data.get("name", person.name),
                                  phone=data.get("phone", person.phone), address=data.get("address", person.address),
                                  region=region)


@router.post("/persons/{person_id}/reveal", response=RevealOut, summary="查看完整身份证号（单独权限，记入审计）")
def reveal_person(request: HttpRequest, person_id: int, payload: RevealIn) -> dict[str, object]:
    actor = actor_of(request)
    actor.require("persons.reveal")
    person = get_visible_or_404(Person, actor, pk=person_id)
    return {"id": person.pk, "id_number": services.reveal_person_id_number(actor=actor, person=person, reason=payload.reason)}


@router.get("/entities", response=list[EntityOut], summary="法人和其他组织列表")
@paginate(PagePagination)
def list_entities(request: HttpRequest, q: str = ""):  # type: ignore[no-untyped-def]
    return selectors.entities_visible_to(actor_of(request), q=q)


@router.post("/entities", response={201: EntityOut}, summary="登记法人和其他组织")
def create_entity(request: HttpRequest, payload: EntityIn) -> Status[Entity]:
    actor = actor_of(request)
    entity = services.register_entity(actor=actor, name=payload.name, credit_code=payload.credit_code,
                                      legal_representative=payload.legal_representative, address=payload.address,
                                      region=_region(payload.region_code))
    return Status(201, entity)


@router.get("/entities/{entity_id}", response=EntityOut, summary="法人和其他组织详情")
def get_entity(request: HttpRequest, entity_id: int) -> Entity:
    actor = actor_of(request)
    actor.require("persons.view")
    return get_visible_or_404(Entity, actor, pk=entity_id)
