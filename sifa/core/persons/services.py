"""Person and entity writes, the audited reveal of an identity number, and audited exports."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse

from sifa.core import crypto
from sifa.core.accounts.actor import Actor
from sifa.core.audit.recorder import diff, record
from sifa.core.errors import DuplicateError, NotFound, ValidationFailed
from sifa.core.orgs.models import Org, Region
from sifa.core.orgs.regions import COMPLETE_AREAS, PROVINCE_CODES
from sifa.core.persons.idnumbers import (
    IdNumberError,
    IdNumberFacts,
    mask_id_number,
    parse_credit_code,
    parse_id_number,
)
from sifa.core.persons.models import Entity, Person
from sifa.core.services import service

ID_CONTEXT = "person.id_number"
_PHONE_RE = re.compile(r"^[0-9+\-() ]{5,32}$")


def id_number_index(number: str) -> str:
    return crypto.blind_index(number, context=ID_CONTEXT)


def region_code_exists(code6: str) -> bool:
    """Is the address code of a 居民身份证号 (GB 11643 §4.2, a GB/T 2260 code) a real region?

    The province must be a GB/T 2260 province-level code. Inside the areas whose region data is
    complete (``COMPLETE_AREAS``: all of 浙江省 and 赤峰市 as shipped) the city and county must be known
    too — current or closed, since numbers keep the code of the county at issue. Elsewhere only the
    province is checked, because the table cannot tell a real county it lacks from a made-up one.
    """
    if code6[:2] not in PROVINCE_CODES:
        return False
    if not any(code6.startswith(area) for area in COMPLETE_AREAS):
        return True
    if code6.endswith("0000"):
        return Region.objects.filter(code=code6[:2]).exists()
    if code6.endswith("00"):
        return Region.objects.filter(code=code6[:4]).exists()
    return Region.objects.filter(code=code6).exists()


def _validate_phone(phone: str) -> str:
    phone = phone.strip()
    if phone and not _PHONE_RE.match(phone):
        raise ValidationFailed("联系电话格式不正确", field="phone")
    return phone


def _check_org(actor: Actor, org: Org | None) -> Org:
    target = org or actor.org
    if target is None or not Org.objects.visible_to(actor).filter(pk=target.pk).exists():
        raise NotFound("登记机构不存在或无权访问")
    return target


def person_row(*, name: str, facts: IdNumberFacts, org: Org, phone: str = "", address: str = "",
               region: Region | None = None) -> Person:
    """An unsaved Person for an already validated number, stored as the registry stores it: the number
    encrypted (AES-256-GCM), blind-indexed and masked, sex and birth date from the number. For a module
    that registers persons inside its own service or in bulk (a roster import); the caller has checked
    the name, the phone and that the number is not registered yet."""
    return Person(
        name=name,
        id_number_encrypted=crypto.encrypt(facts.number, context=ID_CONTEXT),
        id_number_index=id_number_index(facts.number),
        id_number_masked=mask_id_number(facts.number),
        gender=facts.gender,
        birth_date=facts.birth_date,
        phone=phone,
        address=address,
        region=region,
        org=org,
    )


@service("persons.person.registered")
def register_person(*, actor: Actor, name: str, id_number: str, phone: str = "", address: str = "",
                    region: Region | None = None, org: Org | None = None) -> Person:
    """Register a natural person. The 居民身份证号 is validated per GB 11643, encrypted and indexed.

    A number already registered is refused (one person, one record) with a link to the existing
    person when the actor can see it.
    """
    actor.require("persons.manage")
    owner = _check_org(actor, org)
    name = name.strip()
    if not name:
        raise ValidationFailed("姓名不能为空", field="name")
    if len(name) > 64:
        raise ValidationFailed("姓名不能超过 64 个字符", field="name")
    try:
        facts = parse_id_number(id_number, region_exists=region_code_exists)
    except IdNumberError as exc:
        raise ValidationFailed(str(exc), field="id_number") from exc
    index = id_number_index(facts.number)
    existing = Person.objects.filter(id_number_index=index).first()
    if existing is not None:
        if Person.objects.visible_to(actor).filter(pk=existing.pk).exists():
            raise DuplicateError("该身份证号已登记", field="id_number",
                                 existing_url=reverse("persons:detail", args=[existing.pk]))
        raise DuplicateError("该身份证号已由其他机构登记，请联系上级机构核实", field="id_number")
    person = person_row(name=name, facts=facts, phone=_validate_phone(phone), address=address.strip()[:255],
                        region=region, org=owner)
    person.save()
    record(actor=actor, action="persons.person.registered", obj=person,
           changes={"name": name, "id_number": person.id_number_masked, "org": owner.pk})
    return person


@service("persons.person.updated")
def update_person(*, actor: Actor, person: Person, name: str, phone: str, address: str,
                  region: Region | None) -> Person:
    """Edit a person's contact details. The identity number itself cannot be edited (register anew)."""
    actor.require("persons.manage")
    locked = Person.objects.visible_to(actor).select_for_update().filter(pk=person.pk).first()
    if locked is None:
        raise NotFound()
    name = name.strip()
    if not name:
        raise ValidationFailed("姓名不能为空", field="name")
    if len(name) > 64:
        raise ValidationFailed("姓名不能超过 64 个字符", field="name")
    before = {"name": locked.name, "phone": locked.phone, "address": locked.address,
              "region": locked.region.code if locked.region else None}
    locked.name, locked.phone, locked.address, locked.region = name, _validate_phone(phone), address.strip()[:255], region
    locked.save(update_fields=["name", "phone", "address", "region", "updated_at"])
    after = {"name": locked.name, "phone": locked.phone, "address": locked.address,
             "region": region.code if region else None}
    record(actor=actor, action="persons.person.updated", obj=locked, changes=diff(before, after))
    return locked


@service("persons.person.id_number_revealed")
def reveal_person_id_number(*, actor: Actor, person: Person, reason: str = "") -> str:
    """Return the full 居民身份证号. A separate permission and an audit event (PI-08)."""
    actor.require("persons.reveal")
    visible = Person.objects.visible_to(actor).filter(pk=person.pk).first()
    if visible is None:
        raise NotFound()
    number = crypto.decrypt(visible.id_number_encrypted, context=ID_CONTEXT)
    record(actor=actor, action="persons.person.id_number_revealed", obj=visible,
           changes={"reason": reason.strip()[:200]} if reason.strip() else {})
    return number


@service("persons.persons.exported")
def export_persons(*, actor: Actor, description: str, row_count: int) -> None:
    """Record an export of person rows (masked numbers only)."""
    actor.require("persons.export")
    record(actor=actor, action="persons.persons.exported", object_type="persons.person",
           object_repr=description[:255], changes={"rows": row_count})


@service("persons.entity.registered")
def register_entity(*, actor: Actor, name: str, credit_code: str, legal_representative: str = "",
                    address: str = "", region: Region | None = None, org: Org | None = None) -> Entity:
    """Register a legal person or other organization by its 统一社会信用代码 (GB 32100)."""
    actor.require("persons.manage")
    owner = _check_org(actor, org)
    if not name.strip():
        raise ValidationFailed("名称不能为空", field="name")
    try:
        code = parse_credit_code(credit_code)
    except IdNumberError as exc:
        raise ValidationFailed(str(exc), field="credit_code") from exc
    existing = Entity.objects.filter(credit_code=code).first()
    if existing is not None:
        url = reverse("persons:entity_detail", args=[existing.pk]) \
            if Entity.objects.visible_to(actor).filter(pk=existing.pk).exists() else None
        raise DuplicateError("该统一社会信用代码已登记", field="credit_code", existing_url=url)
    entity = Entity.objects.create(name=name.strip(), credit_code=code, legal_representative=legal_representative.strip(),
                                   address=address.strip()[:255], region=region, org=owner)
    record(actor=actor, action="persons.entity.registered", obj=entity, changes={"name": entity.name, "credit_code": code})
    return entity


def age_on(person: Person, day: datetime.date) -> int:
    b = person.birth_date
    return day.year - b.year - ((day.month, day.day) < (b.month, b.day))
