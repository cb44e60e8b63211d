"""Person and entity services: validation, encryption at rest, duplicates, scope, permission and audit."""

from __future__ import annotations

import datetime
import json

import pytest
from cryptography.exceptions import InvalidTag
from django.db import connection
from django.urls import reverse

from sifa.core import crypto
from sifa.core.audit.models import AuditEvent
from sifa.core.errors import DuplicateError, NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.orgs.models import Region
from sifa.core.persons import services
from sifa.core.persons.idnumbers import id_check_digit, mask_id_number
from sifa.core.persons.models import Entity, Person
from sifa.core.persons.services import (
    ID_CONTEXT,
    id_number_index,
    region_code_exists,
    register_entity,
    register_person,
    reveal_person_id_number,
    update_person,
)
from sifa.core.services import AuditContractError
from sifa.core.testing import actor_for, make_id_number, membership_of

pytestmark = pytest.mark.django_db

VALID_CREDIT_CODE = "91350100M000100Y43"


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def with_check_digit(first17: str) -> str:
    return first17 + id_check_digit(first17)


def assert_nothing_written(persons_before: int, audit_before: int) -> None:
    assert Person.objects.count() == persons_before
    assert AuditEvent.objects.count() == audit_before


# --- register_person ----------------------------------------------------------------------------------


def test_register_person_stores_the_number_encrypted_indexed_and_masked(new_id_number):
    # given
    number = new_id_number()
    actor = actor_for("office1")

    # when
    person = register_person(actor=actor, name=" 王小明 ", id_number=number, phone="13812345678")

    # then: the row holds no plain number in any column
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM persons_person WHERE id = %s", [person.pk])
        row = cursor.fetchone()
    assert row is not None
    assert not any(number in str(value) for value in row)
    assert not any(number[6:17] in str(value) for value in row)  # nor the hidden birth date + sequence
    stored = Person.objects.get(pk=person.pk)
    assert stored.id_number_encrypted.startswith("v1:")
    assert crypto.decrypt(stored.id_number_encrypted, context=ID_CONTEXT) == number
    assert stored.id_number_masked == mask_id_number(number) == number[:6] + "********" + number[-4:]
    assert stored.name == "王小明"
    assert stored.gender == ("M" if int(number[16]) % 2 else "F")
    assert stored.birth_date == datetime.date(2010, 3, 15)
    assert stored.org == membership_of("office1").org


def test_blind_index_finds_the_person_by_full_number(new_id_number):
    # given
    number = new_id_number()
    person = register_person(actor=actor_for("office1"), name="李四", id_number=number)

    # when
    found = Person.objects.get(id_number_index=id_number_index(number))

    # then
    assert found.pk == person.pk
    assert number not in found.id_number_index
    assert id_number_index(number) == id_number_index(number)
    assert id_number_index(number) != id_number_index(new_id_number())


def test_ciphertext_is_bound_to_its_context(new_id_number):
    # given
    person = register_person(actor=actor_for("office1"), name="李四", id_number=new_id_number())

    # when / then: the same ciphertext cannot be decrypted as another field
    with pytest.raises(InvalidTag):
        crypto.decrypt(person.id_number_encrypted, context="user.totp_secret")


def test_same_number_encrypts_differently_each_time(new_id_number):
    # given
    number = new_id_number()

    # when
    a, b = crypto.encrypt(number, context=ID_CONTEXT), crypto.encrypt(number, context=ID_CONTEXT)

    # then
    assert a != b
    assert crypto.decrypt(a, context=ID_CONTEXT) == crypto.decrypt(b, context=ID_CONTEXT) == number


def test_register_person_records_one_event_with_only_the_masked_number(new_id_number, audit_count):
    # given
    number = new_id_number()
    before = audit_count()

    # when
    person = register_person(actor=actor_for("office1"), name="王小明", id_number=number)

    # then
    assert audit_count() == before + 1
    event = AuditEvent.objects.get(action="persons.person.registered", object_id=str(person.pk))
    assert event.changes == {"name": "王小明", "id_number": person.id_number_masked, "org": person.org_id}
    assert event.object_type == "persons.person"
    assert event.actor_username == "office1"
    assert event.org_path == membership_of("office1").org.path
    everything = json.dumps(
        {f.attname: str(getattr(event, f.attname)) for f in AuditEvent._meta.fields} | {"changes": event.changes},
        ensure_ascii=False,
    )
    assert number not in everything


def test_duplicate_in_scope_links_to_the_existing_person(new_id_number):
    # given
    number = new_id_number()
    existing = register_person(actor=actor_for("office1"), name="王小明", id_number=number)
    persons_before, audit_before = Person.objects.count(), AuditEvent.objects.count()

    # when
    with pytest.raises(DuplicateError) as exc:
        register_person(actor=actor_for("office1"), name="王小明", id_number=number.lower())

    # then
    assert exc.value.field == "id_number"
    assert exc.value.message == "该身份证号已登记"
    assert exc.value.existing_url == reverse("persons:detail", args=[existing.pk])
    assert_nothing_written(persons_before, audit_before)


def test_duplicate_seen_from_the_county_links_to_the_existing_person(new_id_number):
    # given: registered by office1's 司法所, which is under the county bureau
    number = new_id_number()
    existing = register_person(actor=actor_for("office1"), name="王小明", id_number=number)

    # when
    with pytest.raises(DuplicateError) as exc:
        register_person(actor=actor_for("county"), name="王小明", id_number=number)

    # then
    assert exc.value.existing_url == reverse("persons:detail", args=[existing.pk])


def test_duplicate_out_of_scope_is_refused_without_a_link(new_id_number):
    # given: office1's 司法所 registered the number; office2's 司法所 cannot see that person
    number = new_id_number()
    existing = register_person(actor=actor_for("office1"), name="王小明", id_number=number)
    office2 = actor_for("office2")
    assert not Person.objects.visible_to(office2).filter(pk=existing.pk).exists()
    persons_before, audit_before = Person.objects.count(), AuditEvent.objects.count()

    # when
    with pytest.raises(DuplicateError) as exc:
        register_person(actor=office2, name="王小明", id_number=number)

    # then: refused, but nothing about the other org's record leaks
    assert exc.value.existing_url is None
    assert exc.value.message == "该身份证号已由其他机构登记，请联系上级机构核实"
    assert str(existing.pk) not in exc.value.message
    assert_nothing_written(persons_before, audit_before)


def test_duplicate_of_a_demo_person_is_refused(person_of_office1):
    # given
    number = crypto.decrypt(person_of_office1.id_number_encrypted, context=ID_CONTEXT)

    # when / then
    with pytest.raises(DuplicateError):
        register_person(actor=actor_for("county"), name="重复", id_number=number)


def test_fullwidth_variant_of_a_registered_number_is_a_duplicate(new_id_number):
    # given
    number = new_id_number()
    register_person(actor=actor_for("office1"), name="王小明", id_number=number)
    persons_before, audit_before = Person.objects.count(), AuditEvent.objects.count()

    # when: the same number typed in full-width digits must not create a second record
    with pytest.raises(DuplicateError):
        register_person(actor=actor_for("office1"), name="王小明", id_number=fullwidth(number))

    # then
    assert_nothing_written(persons_before, audit_before)


@pytest.mark.parametrize(("make_bad", "message"), [
    (lambda n: n[:17] + ("0" if n[17] != "0" else "1"), "身份证号校验码错误"),
    (lambda n: n[:17], "身份证号应为 18 位，当前为 17 位"),
    (lambda n: n[:10] + "A" + n[11:], "身份证号前 17 位必须是数字"),
    (lambda n: with_check_digit("33011119900230123"), "出生日期 19900230 不是有效日期"),
    (lambda n: with_check_digit("99011119900101123"), "省级代码 99 不存在"),
])
def test_invalid_number_is_refused_on_the_id_number_field(new_id_number, make_bad, message):
    # given
    bad = make_bad(new_id_number())
    persons_before, audit_before = Person.objects.count(), AuditEvent.objects.count()

    # when
    with pytest.raises(ValidationFailed) as exc:
        register_person(actor=actor_for("office1"), name="王小明", id_number=bad)

    # then
    assert exc.value.field == "id_number"
    assert message in exc.value.message
    assert exc.value.errors == [{"field": "id_number", "message": exc.value.message}]
    assert_nothing_written(persons_before, audit_before)


def test_unknown_region_prefix_in_a_shipped_province_is_refused():
    # given: 331199 is not a 浙江 county in the shipped region data
    assert not Region.objects.filter(code="331199").exists()
    number = make_id_number("331199", datetime.date(1990, 1, 1), 123)
    persons_before, audit_before = Person.objects.count(), AuditEvent.objects.count()

    # when
    with pytest.raises(ValidationFailed) as exc:
        register_person(actor=actor_for("office1"), name="王小明", id_number=number)

    # then
    assert exc.value.field == "id_number"
    assert exc.value.message == "身份证号地址码 331199 无效：没有这个行政区划（已撤销的区划代码须由管理员作为历史区划导入）"
    assert_nothing_written(persons_before, audit_before)


@pytest.mark.parametrize(("code6", "exists"), [
    ("330111", True),  # 富阳区
    ("330100", True),  # 杭州市 written with trailing zeros
    ("330000", True),  # 浙江省
    ("331199", False),
    ("339900", False),  # city 3399 does not exist
    ("150402", True),  # 赤峰市红山区 (shipped)
    ("110105", True),  # 北京: province not in the table, only the prefix is checked
    ("150102", True),  # 呼和浩特市新城区: 内蒙古 outside 赤峰 is not complete data, only the province is checked
    ("150499", False),  # 赤峰 is complete: an unknown county is refused
    ("830101", False),  # not a GB/T 2260 province
    ("200101", False),  # not a GB/T 2260 province
])
def test_region_code_exists(code6, exists):
    # when / then
    assert region_code_exists(code6) is exists


def test_number_of_a_closed_region_stays_valid(new_id_number):
    # given: 富阳区 is closed as if merged into a new district; old numbers still carry 330111
    county = Region.objects.current().get(code="330111")
    Region.objects.filter(pk=county.pk).update(valid_to=datetime.date(2024, 1, 1))

    # when
    person = register_person(actor=actor_for("office1"), name="王小明", id_number=new_id_number("330111"))

    # then
    assert person.id_number_masked.startswith("330111")


@pytest.mark.parametrize(("name", "phone", "field"), [
    ("   ", "", "name"),
    ("王" * 65, "", "name"),
    ("王小明", "abc-phone", "phone"),
])
def test_invalid_name_or_phone_is_refused(new_id_number, name, phone, field):
    # given
    persons_before, audit_before = Person.objects.count(), AuditEvent.objects.count()

    # when
    with pytest.raises(ValidationFailed) as exc:
        register_person(actor=actor_for("office1"), name=name, id_number=new_id_number(), phone=phone)

    # then
    assert exc.value.field == field
    assert_nothing_written(persons_before, audit_before)


@pytest.mark.parametrize("username", ["reviewer", "city"])
def test_register_person_without_persons_manage_is_denied(new_id_number, username):
    # given: external_reviewer has no permissions; leader may view but not manage
    actor = actor_for(username)
    assert not actor.has_perm("persons.manage")
    persons_before, audit_before = Person.objects.count(), AuditEvent.objects.count()

    # when / then
    with pytest.raises(PermissionDeniedError):
        register_person(actor=actor, name="王小明", id_number=new_id_number())
    assert_nothing_written(persons_before, audit_before)


def test_register_person_for_an_org_out_of_scope_is_not_found(new_id_number):
    # given
    persons_before, audit_before = Person.objects.count(), AuditEvent.objects.count()

    # when / then
    with pytest.raises(NotFound):
        register_person(actor=actor_for("office1"), name="王小明", id_number=new_id_number(),
                        org=membership_of("office2").org)
    assert_nothing_written(persons_before, audit_before)


def test_county_registers_for_a_subordinate_office(new_id_number):
    # given
    office2_org = membership_of("office2").org

    # when
    person = register_person(actor=actor_for("county"), name="王小明", id_number=new_id_number(), org=office2_org)

    # then
    assert person.org == office2_org
    assert Person.objects.visible_to(actor_for("office2")).filter(pk=person.pk).exists()


def test_missing_audit_event_rolls_the_registration_back(new_id_number, monkeypatch):
    # given: a broken service body that forgets to record
    monkeypatch.setattr(services, "record", lambda **kwargs: None)
    persons_before, audit_before = Person.objects.count(), AuditEvent.objects.count()

    # when / then
    with pytest.raises(AuditContractError):
        register_person(actor=actor_for("office1"), name="王小明", id_number=new_id_number())
    assert_nothing_written(persons_before, audit_before)


# --- reveal -----------------------------------------------------------------------------------------


def test_reveal_returns_the_full_number_and_records_it(person_of_office1, audit_count):
    # given
    expected = crypto.decrypt(person_of_office1.id_number_encrypted, context=ID_CONTEXT)
    before = audit_count()

    # when
    number = reveal_person_id_number(actor=actor_for("office1"), person=person_of_office1, reason=" 核实身份 ")

    # then
    assert number == expected
    assert len(number) == 18 and "*" not in number
    assert audit_count() == before + 1
    event = AuditEvent.objects.get(action="persons.person.id_number_revealed")
    assert event.object_id == str(person_of_office1.pk)
    assert event.actor_username == "office1"
    assert event.changes == {"reason": "核实身份"}
    assert number not in json.dumps(event.changes, ensure_ascii=False) + event.object_repr


def test_reveal_out_of_scope_is_not_found_and_not_recorded(person_of_office1, audit_count):
    # given
    before = audit_count()

    # when / then
    with pytest.raises(NotFound):
        reveal_person_id_number(actor=actor_for("office2"), person=person_of_office1)
    assert audit_count() == before
    assert audit_count(action="persons.person.id_number_revealed") == 0


def test_reveal_without_permission_is_denied_and_not_recorded(person_of_office1, audit_count):
    # given: 行政执法人员 may manage persons but not reveal numbers
    actor = actor_for("officer")
    assert actor.has_perm("persons.view") and not actor.has_perm("persons.reveal")
    before = audit_count()

    # when / then
    with pytest.raises(PermissionDeniedError):
        reveal_person_id_number(actor=actor, person=person_of_office1)
    assert audit_count() == before


# --- update -----------------------------------------------------------------------------------------


def test_update_records_only_the_changed_fields(person_of_office1, audit_count):
    # given
    old_phone, old_address = person_of_office1.phone, person_of_office1.address
    region = Region.objects.current().get(code="330111002")
    before = audit_count()

    # when
    updated = update_person(actor=actor_for("office1"), person=person_of_office1, name=person_of_office1.name,
                            phone="0571-88123456", address=old_address, region=region)

    # then
    assert audit_count() == before + 1
    event = AuditEvent.objects.get(action="persons.person.updated", object_id=str(person_of_office1.pk))
    assert event.changes == {
        "phone": [old_phone, "0571-88123456"],
        "region": [person_of_office1.region.code, "330111002"],
    }
    stored = Person.objects.get(pk=person_of_office1.pk)
    assert (stored.phone, stored.region, updated.phone) == ("0571-88123456", region, "0571-88123456")
    assert stored.id_number_encrypted == person_of_office1.id_number_encrypted


def test_update_out_of_scope_is_not_found(person_of_office1, audit_count):
    # given
    before = audit_count()

    # when / then
    with pytest.raises(NotFound):
        update_person(actor=actor_for("office2"), person=person_of_office1, name="改名", phone="", address="",
                      region=None)
    assert Person.objects.get(pk=person_of_office1.pk).name == person_of_office1.name
    assert audit_count() == before


def test_update_with_bad_phone_changes_nothing(person_of_office1, audit_count):
    # given
    before = audit_count()

    # when / then
    with pytest.raises(ValidationFailed) as exc:
        update_person(actor=actor_for("office1"), person=person_of_office1, name="改名", phone="not a phone",
                      address="", region=None)
    assert exc.value.field == "phone"
    stored = Person.objects.get(pk=person_of_office1.pk)
    assert (stored.name, stored.phone) == (person_of_office1.name, person_of_office1.phone)
    assert audit_count() == before


# --- entities ---------------------------------------------------------------------------------------


def test_register_entity_with_a_valid_credit_code(audit_count):
    # given
    before = audit_count()

    # when
    entity = register_entity(actor=actor_for("county"), name=" 某某科技有限公司 ", credit_code="91350100m000100y43",
                             legal_representative="张三")

    # then
    stored = Entity.objects.get(pk=entity.pk)
    assert (stored.name, stored.credit_code, stored.org) == ("某某科技有限公司", VALID_CREDIT_CODE,
                                                             membership_of("county").org)
    assert audit_count() == before + 1
    event = AuditEvent.objects.get(action="persons.entity.registered")
    assert event.changes == {"name": "某某科技有限公司", "credit_code": VALID_CREDIT_CODE}


@pytest.mark.parametrize(("code", "message"), [
    ("91350100M000100Y44", "最后一位应为 3"),
    ("91350100M000100Y4", "应为 18 位"),
    ("91350100M0001O0Y43", "含有无效字符"),
])
def test_register_entity_with_an_invalid_credit_code_is_refused(code, message, audit_count):
    # given
    entities_before, before = Entity.objects.count(), audit_count()

    # when
    with pytest.raises(ValidationFailed) as exc:
        register_entity(actor=actor_for("county"), name="某某公司", credit_code=code)

    # then
    assert exc.value.field == "credit_code"
    assert message in exc.value.message
    assert Entity.objects.count() == entities_before
    assert audit_count() == before


def test_register_entity_with_fullwidth_code_is_normalized():
    # when
    entity = register_entity(actor=actor_for("county"), name="某某公司", credit_code=fullwidth(VALID_CREDIT_CODE))

    # then
    assert entity.credit_code == VALID_CREDIT_CODE


def test_register_entity_duplicate_in_scope_links_to_it(audit_count):
    # given: demo entities belong to the county bureau
    existing = Entity.objects.filter(org=membership_of("county").org).first()
    assert existing is not None
    entities_before, before = Entity.objects.count(), audit_count()

    # when
    with pytest.raises(DuplicateError) as exc:
        register_entity(actor=actor_for("county"), name="另一家", credit_code=existing.credit_code)

    # then
    assert exc.value.field == "credit_code"
    assert exc.value.existing_url == reverse("persons:entity_detail", args=[existing.pk])
    assert Entity.objects.count() == entities_before
    assert audit_count() == before


def test_register_entity_duplicate_out_of_scope_has_no_link(audit_count):
    # given: office1's 司法所 cannot see the county bureau's entities
    existing = Entity.objects.filter(org=membership_of("county").org).first()
    assert existing is not None
    before = audit_count()

    # when
    with pytest.raises(DuplicateError) as exc:
        register_entity(actor=actor_for("office1"), name="另一家", credit_code=existing.credit_code)

    # then
    assert exc.value.existing_url is None
    assert audit_count() == before


def test_register_entity_without_permission_is_denied(audit_count):
    # given
    entities_before, before = Entity.objects.count(), audit_count()

    # when / then
    with pytest.raises(PermissionDeniedError):
        register_entity(actor=actor_for("reviewer"), name="某某公司", credit_code=VALID_CREDIT_CODE)
    assert Entity.objects.count() == entities_before
    assert audit_count() == before
