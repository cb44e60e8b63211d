"""services.py: happy paths, every refusal with its field, scope (another county → NotFound), nothing written."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.utils import timezone

from sifa.core.audit.models import AuditEvent
from sifa.core.errors import DuplicateError, NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.orgs.choices import OrgType
from sifa.core.persons.models import Person
from sifa.core.testing import actor_for
from sifa.modules.enforcement import services
from sifa.modules.enforcement.models import (
    DiscretionRule,
    EnforcementBody,
    EnforcementOfficer,
    PowerItem,
    PowerItemArticle,
)
from sifa.modules.enforcement.tests.factories import (
    BASIS,
    child_org,
    demo_body,
    make_body,
    make_item,
    make_officer,
    make_person,
    make_rule,
    new_number,
    org_named,
    other_county_org,
)

TODAY = timezone.localdate()
pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (EnforcementBody.objects.count(), EnforcementOfficer.objects.count(), PowerItem.objects.count(),
            DiscretionRule.objects.count(), Person.objects.count(), AuditEvent.objects.count())


@contextmanager
def nothing_written() -> Iterator[None]:
    before = _counts()
    yield
    assert _counts() == before


# --- bodies -------------------------------------------------------------------------------------------


def test_create_body_defaults_its_name_and_records_areas() -> None:
    # given
    org = child_org(org_named("杭州市富阳区司法局"), "富阳区测试执法大队")
    # when
    body = services.create_body(actor=actor_for("county"), org=org, legal_basis="《浙江省综合行政执法条例》第八条",
                                area_codes=["330111"])
    # then
    assert body.name == "富阳区测试执法大队"
    assert [r.code for r in body.areas.all()] == ["330111"]
    assert AuditEvent.objects.filter(action="enforcement.body.created", object_id=str(body.pk)).exists()


@pytest.mark.parametrize(("org_type", "allowed"), [
    (OrgType.COURT, False), (OrgType.POLICE, False), (OrgType.JUDICIAL_OFFICE, True),
])
def test_create_body_refuses_external_agencies(org_type: str, allowed: bool) -> None:
    org = child_org(org_named("杭州市富阳区司法局"), type_=org_type)
    if allowed:
        assert services.create_body(actor=actor_for("county"), org=org).org == org
        return
    with nothing_written(), pytest.raises(ValidationFailed, match="不是行政执法主体") as exc:
        services.create_body(actor=actor_for("county"), org=org)
    assert exc.value.field == "org"


def test_create_body_refuses_a_second_body_for_one_org_and_out_of_scope_orgs() -> None:
    actor = actor_for("county")
    with nothing_written(), pytest.raises(DuplicateError) as exc:
        services.create_body(actor=actor, org=demo_body().org)
    assert exc.value.field == "org"
    with nothing_written(), pytest.raises(NotFound):
        services.create_body(actor=actor, org=other_county_org())


def test_ap04_entrusted_body_names_principal_scope_and_term() -> None:
    # AP-04: 《行政处罚法》第二十条 — 委托书 states the matter, scope and term
    actor = actor_for("county")
    principal = demo_body()
    org = child_org(org_named("杭州市富阳区司法局"), type_=OrgType.JUDICIAL_OFFICE)
    for kwargs, field in [({}, "entrusted_by"),
                          ({"entrusted_by": principal}, "entrustment_scope"),
                          ({"entrusted_by": principal, "entrustment_scope": "市容环卫类处罚"}, "entrustment_until")]:
        with nothing_written(), pytest.raises(ValidationFailed) as exc:
            services.create_body(actor=actor, org=org, kind="entrusted_organisation", **kwargs)  # type: ignore[arg-type]
        assert exc.value.field == field
    body = services.create_body(actor=actor, org=org, kind="entrusted_organisation", entrusted_by=principal,
                                entrustment_scope="市容环卫类处罚", entrustment_until=TODAY)
    assert body.entrusted_by == principal
    # no 再委托 (第二十条第三款)
    with nothing_written(), pytest.raises(ValidationFailed, match="不得再委托") as exc2:
        services.create_body(actor=actor, org=child_org(org_named("杭州市富阳区司法局")), kind="entrusted_organisation",
                             entrusted_by=body, entrustment_scope="x", entrustment_until=TODAY)
    assert exc2.value.field == "entrusted_by"


def test_update_body_and_unknown_area_code() -> None:
    actor = actor_for("county")
    body = make_body()
    updated = services.update_body(actor=actor, body=body, name="改名执法局", kind="administrative_organ",
                                   legal_basis="x", active=False)
    assert (updated.name, updated.active) == ("改名执法局", False)
    with nothing_written(), pytest.raises(ValidationFailed, match="区划代码不存在：999999") as exc:
        services.update_body(actor=actor, body=body, name="x", kind="administrative_organ", legal_basis="",
                             area_codes=["999999"])
    assert exc.value.field == "area_codes"


def test_body_of_another_county_is_not_found_and_roles_without_manage_are_refused() -> None:
    other = make_body(other_county_org())
    with nothing_written(), pytest.raises(NotFound):
        services.update_body(actor=actor_for("county"), body=other, name="x", kind="administrative_organ",
                             legal_basis="")
    with nothing_written(), pytest.raises(PermissionDeniedError):
        services.update_body(actor=actor_for("officer"), body=demo_body(), name="x", kind="administrative_organ",
                             legal_basis="")


# --- officers -----------------------------------------------------------------------------------------


def test_create_officer_registers_the_person_and_defaults_five_years() -> None:
    # given
    number = new_number()
    # when
    officer = services.create_officer(actor=actor_for("county"), body=demo_body(), name="新执法员", id_number=number,
                                      certificate_number="浙330111T0001", certificate_scope=["市容环卫", "comprehensive"],
                                      valid_from=datetime.date(2024, 3, 1))
    # then: AP-42 five years
    assert officer.valid_until == datetime.date(2029, 2, 28)
    assert officer.certificate_scope == ["comprehensive", "city_appearance"]
    assert officer.person.name == "新执法员" and officer.person.org == demo_body().org


def test_create_officer_uses_a_registered_person_with_the_same_name() -> None:
    person = make_person(demo_body().org, name="老王")
    from sifa.core import crypto
    from sifa.core.persons.services import ID_CONTEXT

    number = crypto.decrypt(person.id_number_encrypted, context=ID_CONTEXT)
    with nothing_written(), pytest.raises(ValidationFailed, match="姓名为「老王」") as exc:
        services.create_officer(actor=actor_for("county"), body=demo_body(), name="小王", id_number=number,
                                certificate_number="CS99990001", certificate_scope=["comprehensive"], valid_from=TODAY)
    assert exc.value.field == "name"
    officer = services.create_officer(actor=actor_for("county"), body=demo_body(), name="老王", id_number=number,
                                      certificate_number="CS99990001", certificate_scope=["comprehensive"],
                                      valid_from=TODAY)
    assert officer.person == person


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"certificate_number": "ab"}, "certificate_number", "执法证号格式不正确"),
    ({"certificate_number": ""}, "certificate_number", "执法证号不能为空"),
    ({"certificate_scope": []}, "certificate_scope", "执法领域至少选择一项"),
    ({"certificate_scope": ["天文"]}, "certificate_scope", "执法领域「天文」无效"),
    ({"valid_from": None}, "valid_from", "发证日期不能为空"),
    ({"valid_until": datetime.date(2020, 1, 1)}, "valid_until", "有效期至不能早于发证日期"),
    ({"id_number": "330111199001011234"}, "id_number", ""),
    ({"name": ""}, "name", "姓名不能为空"),
    ({"phone": "abc"}, "phone", "联系电话格式不正确"),
])
def test_create_officer_refusals_name_the_field(changes: dict[str, object], field: str, message: str) -> None:
    kwargs: dict[str, object] = {"body": demo_body(), "name": "拒绝", "id_number": new_number(),
                                 "certificate_number": "CS88880001", "certificate_scope": ["comprehensive"],
                                 "valid_from": datetime.date(2024, 1, 1)}
    kwargs.update(changes)
    with nothing_written(), pytest.raises(ValidationFailed, match=message or None) as exc:
        services.create_officer(actor=actor_for("county"), **kwargs)  # type: ignore[arg-type]
    assert exc.value.field == field


def test_create_officer_refuses_a_duplicate_certificate_and_person() -> None:
    existing = make_officer(demo_body())
    with nothing_written(), pytest.raises(DuplicateError) as exc:
        services.create_officer(actor=actor_for("county"), body=demo_body(), name="重复", id_number=new_number(),
                                certificate_number=existing.certificate_number.lower(),
                                certificate_scope=["comprehensive"], valid_from=TODAY)
    assert exc.value.field == "certificate_number"
    with nothing_written(), pytest.raises(DuplicateError) as exc2:
        services.create_officer(actor=actor_for("county"), body=demo_body(), person=existing.person,
                                certificate_number="CS77770001", certificate_scope=["comprehensive"], valid_from=TODAY)
    assert exc2.value.field == "person"


def test_create_officer_in_another_county_is_not_found() -> None:
    other = make_body(other_county_org())
    with nothing_written(), pytest.raises(NotFound):
        services.create_officer(actor=actor_for("county"), body=other, name="越界", id_number=new_number(),
                                certificate_number="CS66660001", certificate_scope=["comprehensive"], valid_from=TODAY)


def test_officer_user_must_work_at_the_body() -> None:
    from sifa.core.accounts.models import User

    with nothing_written(), pytest.raises(ValidationFailed) as exc:
        services.create_officer(actor=actor_for("county"), body=demo_body(), name="账号", id_number=new_number(),
                                certificate_number="CS55550001", certificate_scope=["comprehensive"], valid_from=TODAY,
                                user=User.objects.get(username="office1"))
    assert exc.value.field == "user"


def test_update_officer_suspends_and_cannot_leave_scope() -> None:
    actor = actor_for("county")
    officer = make_officer(demo_body())
    updated = services.update_officer(actor=actor, officer=officer, body=officer.body,
                                      certificate_number=officer.certificate_number, certificate_scope=["transport"],
                                      valid_from=officer.valid_from, valid_until=None, status="suspended",
                                      is_auxiliary=False, has_legal_qualification=True)
    assert (updated.status, updated.certificate_scope, updated.has_legal_qualification) == ("suspended", ["transport"],
                                                                                           True)
    other = make_body(other_county_org())
    with nothing_written(), pytest.raises(NotFound):
        services.update_officer(actor=actor, officer=officer, body=other, certificate_number=officer.certificate_number,
                                certificate_scope=["transport"], valid_from=officer.valid_from, valid_until=None,
                                status="valid", is_auxiliary=False, has_legal_qualification=False)
    with nothing_written(), pytest.raises(ValidationFailed) as exc:
        services.update_officer(actor=actor, officer=officer, body=officer.body,
                                certificate_number=officer.certificate_number, certificate_scope=["transport"],
                                valid_from=officer.valid_from, valid_until=None, status="lost", is_auxiliary=False,
                                has_legal_qualification=False)
    assert exc.value.field == "status"


# --- power items and discretion rules ------------------------------------------------------------------


def test_create_power_item_parses_articles_with_roles_and_paragraphs() -> None:
    # when
    item = services.create_power_item(
        actor=actor_for("county"), body=demo_body(), code="T-PARSE", name="解析测试", kind="penalty",
        field="ecology_environment", penalty_types=["fine", "warning"],
        basis_text="设定依据：《中华人民共和国大气污染防治法》第八十一条第一款；处罚依据：《大气污染防治法》第一百一十八条第一款、第一百一十九条")
    # then
    rows = list(PowerItemArticle.objects.filter(item=item).values_list("law_title", "number", "paragraph", "role"))
    assert rows == [("大气污染防治法", 81, 1, "setting"), ("大气污染防治法", 118, 1, "penalty"),
                    ("大气污染防治法", 119, None, "penalty")]
    assert item.penalty_types == ["warning", "fine"]  # AP-01 order


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"basis_text": "依据有关法律"}, "basis_text", "须写明具体条文"),
    ({"penalty_types": []}, "penalty_types", "至少选择一种处罚种类"),
    ({"penalty_types": ["shaming"]}, "penalty_types", "不是《行政处罚法》第九条规定的种类"),
    ({"kind": "inspection"}, "penalty_types", "只有行政处罚事项才能设置处罚种类"),
    ({"kind": "punish"}, "kind", "事项类型无效"),
    ({"field": "space"}, "field", "执法领域无效"),
    ({"code": "有 空格"}, "code", "事项编码只能包含"),
    ({"name": ""}, "name", "事项名称不能为空"),
])
def test_create_power_item_refusals(changes: dict[str, object], field: str, message: str) -> None:
    kwargs: dict[str, object] = {"body": demo_body(), "code": "T-REFUSE", "name": "拒绝", "kind": "penalty",
                                 "field": "city_appearance", "penalty_types": ["fine"], "basis_text": BASIS}
    kwargs.update(changes)
    with nothing_written(), pytest.raises(ValidationFailed, match=message) as exc:
        services.create_power_item(actor=actor_for("county"), **kwargs)  # type: ignore[arg-type]
    assert exc.value.field == field


def test_power_item_code_is_unique_per_body() -> None:
    item = make_item(demo_body(), code="DUP-1")
    with nothing_written(), pytest.raises(DuplicateError) as exc:
        services.create_power_item(actor=actor_for("county"), body=demo_body(), code="DUP-1", name="x",
                                   kind="penalty", field="city_appearance", penalty_types=["fine"], basis_text=BASIS)
    assert exc.value.field == "code"
    assert services.create_power_item(actor=actor_for("county"), body=make_body(), code=item.code, name="x",
                                      kind="penalty", field="city_appearance", penalty_types=["fine"],
                                      basis_text=BASIS).code == "DUP-1"


def test_update_power_item_bumps_version_and_reparses() -> None:
    item = make_item(demo_body())
    updated = services.update_power_item(actor=actor_for("county"), item=item, code=item.code, name="新名称",
                                         kind="penalty", field="city_appearance", penalty_types=["fine"],
                                         basis_text="《城市市容和环境卫生管理条例》第三十七条")
    assert updated.version == 2
    assert [a.label for a in updated.articles.all()] == ["《城市市容和环境卫生管理条例》第37条"]


def test_update_power_item_keeps_types_used_by_active_rules() -> None:
    item = make_item(demo_body(), penalty_types=["warning", "fine"])
    make_rule(item, penalty_type="fine")
    with nothing_written(), pytest.raises(ValidationFailed, match="在用的裁量基准使用了「罚款」") as exc:
        services.update_power_item(actor=actor_for("county"), item=item, code=item.code, name=item.name,
                                   kind="penalty", field=item.field, penalty_types=["warning"], basis_text=BASIS)
    assert exc.value.field == "penalty_types"


def test_create_discretion_rule_and_refusals() -> None:
    actor = actor_for("county")
    item = make_item(demo_body(), penalty_types=["warning", "fine"])
    rule = services.create_discretion_rule(actor=actor, item=item, circumstance="serious", penalty_type="fine",
                                           min_amount="50", max_amount="100.5", party_type="citizen")
    assert (rule.min_amount, rule.max_amount) == (50, 100.5)
    cases: list[tuple[dict[str, object], str, str]] = [
        ({"min_amount": 200, "max_amount": 100}, "min_amount", "下限不能高于上限"),
        ({"min_amount": -1}, "min_amount", "不小于 0"),
        ({"min_amount": "abc"}, "min_amount", "应为数字"),
        ({"min_amount": None, "max_amount": None}, "max_amount", "金额范围"),
        ({"penalty_type": "revoke_licence"}, "penalty_type", "不在该事项的处罚种类中"),
        ({"penalty_type": "warning"}, "min_amount", "只有罚款、没收类处罚可以设置金额范围"),
        ({"circumstance": "odd"}, "circumstance", "违法情节无效"),
        ({"party_type": "alien"}, "party_type", "当事人类型无效"),
    ]
    for changes, field, message in cases:
        kwargs: dict[str, object] = {"circumstance": "ordinary", "penalty_type": "fine", "min_amount": 10,
                                     "max_amount": 20}
        kwargs.update(changes)
        with nothing_written(), pytest.raises(ValidationFailed, match=message) as exc:
            services.create_discretion_rule(actor=actor, item=item, **kwargs)  # type: ignore[arg-type]
        assert exc.value.field == field, message
    inspection = make_item(demo_body(), kind="inspection")
    with nothing_written(), pytest.raises(ValidationFailed) as exc2:
        services.create_discretion_rule(actor=actor, item=inspection, circumstance="ordinary", penalty_type="fine",
                                        max_amount=10)
    assert exc2.value.field == "item"


def test_discretion_rules_of_another_county_are_not_found() -> None:
    item = make_item(make_body(other_county_org()))
    rule = make_rule(item)
    with nothing_written(), pytest.raises(NotFound):
        services.create_discretion_rule(actor=actor_for("county"), item=item, circumstance="ordinary",
                                        penalty_type="fine", max_amount=10)
    with nothing_written(), pytest.raises(NotFound):
        services.update_discretion_rule(actor=actor_for("county"), rule=rule, circumstance="ordinary",
                                        penalty_type="fine", party_type="any", max_amount=10)


def test_update_discretion_rule_deactivates() -> None:
    rule = make_rule(make_item(demo_body()))
    updated = services.update_discretion_rule(actor=actor_for("county"), rule=rule, circumstance="ordinary",
                                              penalty_type="fine", party_type="any", min_amount=1, max_amount=2,
                                              active=False)
    assert not updated.active
