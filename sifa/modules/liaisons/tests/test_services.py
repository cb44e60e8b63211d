import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sifa.core.attachments.models import Attachment
from sifa.core.attachments.tests.factories import png_bytes
from sifa.core.audit.models import AuditEvent
from sifa.core.errors import Conflict, DuplicateError, NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.persons.idnumbers import id_check_digit
from sifa.core.persons.models import Person
from sifa.core.persons.services import id_number_index
from sifa.core.testing import actor_for, make_id_number
from sifa.modules.liaisons import services
from sifa.modules.liaisons.choices import ActivityKind, LiaisonStatus
from sifa.modules.liaisons.errors import ImportRejected
from sifa.modules.liaisons.models import LegalLiaison, LiaisonActivity, LiaisonReward, LiaisonTraining
from sifa.modules.liaisons.tests.factories import (
    make_liaison,
    make_person,
    new_number,
    office_of,
    other_county_office,
    roster,
)

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def _counts() -> tuple[int, ...]:
    return (LegalLiaison.objects.count(), Person.objects.count(), LiaisonActivity.objects.count(),
            LiaisonTraining.objects.count(), LiaisonReward.objects.count(), AuditEvent.objects.count(),
            Attachment.objects.count())


@contextmanager
def nothing_written() -> Iterator[None]:
    before = _counts()
    yield
    assert _counts() == before


def _actions(since: int) -> list[str]:
    return list(AuditEvent.objects.filter(pk__gt=since).order_by("pk").values_list("action", flat=True))


def _last_audit() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# --- register ---------------------------------------------------------------------------------------


def test_register_a_new_person_registers_both(db: Any) -> None:
    # given
    actor, office = actor_for("office1"), office_of("office1")
    number, since = new_number(), _last_audit()
    # when
    liaison = services.register_liaison(actor=actor, name="林一", id_number=number, phone="13800000001",
                                        community="东风村", appointed_on=datetime.date(2025, 3, 1))
    # then
    person = liaison.person
    assert (person.name, person.org, person.phone, person.id_number_index) == ("林一", office, "13800000001",
                                                                               id_number_index(number))
    assert (liaison.org, liaison.community, liaison.status, liaison.phone) == (office, "东风村", "active", "")
    assert _actions(since) == ["liaisons.liaison.registered"]
    event = AuditEvent.objects.get(pk__gt=since)
    assert event.changes["person_registered"] is True and event.object_id == str(liaison.pk)
    assert number not in str(event.changes) and number not in event.object_repr


def test_register_an_existing_person_by_number_or_by_id(db: Any) -> None:
    # given
    actor, office = actor_for("office1"), office_of("office1")
    person = make_person(office, name="王二", phone="")
    other = make_person(office, name="张三", phone="13900000000")
    before = Person.objects.count()
    # when
    by_number = services.register_liaison(actor=actor, name="王二", id_number=_number_of(person), phone="13700000000",
                                          community="新民村")
    by_id = services.register_liaison(actor=actor, person=other, community="新民村", phone="13900000000")
    # then
    assert by_number.person == person and by_number.phone == "13700000000"  # the person had none
    assert by_id.person == other and by_id.phone == "" and by_id.contact_phone == "13900000000"
    assert by_number.appointed_on == TODAY
    assert Person.objects.count() == before


def _number_of(person: Person) -> str:
    from sifa.core import crypto
    from sifa.core.persons.services import ID_CONTEXT

    return crypto.decrypt(person.id_number_encrypted, context=ID_CONTEXT)


def test_register_refuses_with_the_field_named_and_writes_nothing(db: Any) -> None:
    actor, office = actor_for("office1"), office_of("office1")
    registered = make_liaison(office)
    person = make_person(office, name="赵四")
    bad = make_id_number(seq=123)[:17] + ("0" if make_id_number(seq=123)[17] != "0" else "1")
    cases: list[tuple[dict[str, Any], type[Exception], str | None, str]] = [
        ({"name": "", "id_number": new_number()}, ValidationFailed, "name", "姓名不能为空"),
        ({"name": "甲", "id_number": bad}, ValidationFailed, "id_number", "校验码错误"),
        ({"name": "甲", "id_number": new_number(), "community": " "}, ValidationFailed, "community", "村（社区）不能为空"),
        ({"name": "甲", "id_number": new_number(), "phone": "abc"}, ValidationFailed, "phone", "联系电话格式不正确"),
        ({"name": "甲", "id_number": new_number(), "appointed_on": TODAY + datetime.timedelta(days=1)},
         ValidationFailed, "appointed_on", "不能晚于今天"),
        ({"name": "错名", "id_number": _number_of(person)}, ValidationFailed, "name", "姓名为「赵四」"),
        ({"person": registered.person}, DuplicateError, "person", "已是在册法律明白人"),
        ({"name": "甲", "id_number": new_number(), "org": Org.objects.get(parent=office, type="mediation_committee")},
         ValidationFailed, "org", "不是在用的司法所"),
        ({"name": "甲", "id_number": new_number(), "org": other_county_office()}, NotFound, None, "不存在或无权访问"),
    ]
    for kwargs, error, field, text in cases:
        kwargs = {"community": "东风村", **kwargs}
        with nothing_written(), pytest.raises(error) as exc:
            services.register_liaison(actor=actor, **kwargs)
        assert text in exc.value.message, kwargs  # type: ignore[attr-defined]
        assert exc.value.field == field, kwargs  # type: ignore[attr-defined]
    duplicate = exc_of(lambda: services.register_liaison(actor=actor, person=registered.person, community="x"))
    assert isinstance(duplicate, DuplicateError) and duplicate.existing_url == f"/liaisons/{registered.pk}/"


def exc_of(call: Any) -> Exception:
    try:
        call()
    except Exception as exc:  # noqa: BLE001
        return exc
    raise AssertionError("no error")


def test_a_person_of_another_county_is_not_found_and_a_number_registered_there_is_refused(db: Any) -> None:
    # given: a person registered by another county's office
    foreign = make_person(other_county_office(), name="钱五")
    actor = actor_for("county")
    # when / then
    with nothing_written(), pytest.raises(NotFound):
        services.register_liaison(actor=actor, person=foreign, community="东风村", org=office_of("office1"))
    with nothing_written(), pytest.raises(ValidationFailed) as exc:
        services.register_liaison(actor=actor, name="钱五", id_number=_number_of(foreign), community="东风村",
                                  org=office_of("office1"))
    assert exc.value.field == "id_number" and "其他机构" in exc.value.message


def test_register_needs_the_permission(db: Any) -> None:
    with nothing_written(), pytest.raises(PermissionDeniedError):
        services.register_liaison(actor=actor_for("city"), name="甲", id_number=new_number(), community="东风村",
                                  org=office_of("office1"))


def test_a_removed_liaison_can_be_appointed_again(db: Any) -> None:
    # given
    actor = actor_for("office1")
    first = make_liaison(office_of("office1"))
    services.remove_liaison(actor=actor, liaison=first, reason="迁出")
    # when
    again = services.register_liaison(actor=actor, person=first.person, community="新村")
    # then
    assert again.pk != first.pk and again.is_active
    assert LegalLiaison.objects.filter(person=first.person).count() == 2


# --- update, training, activity, reward, removal ------------------------------------------------


def test_update_changes_the_fields_and_audits_the_diff(db: Any) -> None:
    # given
    actor = actor_for("county")
    liaison = make_liaison(office_of("office1"))
    since = _last_audit()
    # when
    services.update_liaison(actor=actor, liaison=liaison, org=office_of("office2"), community="红旗村", phone="",
                            appointed_on=datetime.date(2021, 5, 1), notes="调任")
    # then
    liaison.refresh_from_db()
    assert (liaison.org, liaison.community, liaison.appointed_on, liaison.notes) == (
        office_of("office2"), "红旗村", datetime.date(2021, 5, 1), "调任")
    event = AuditEvent.objects.get(pk__gt=since)
    assert event.action == "liaisons.liaison.updated"
    assert event.changes["community"] == ["东风村", "红旗村"] and "phone" not in event.changes


def test_office_staff_cannot_move_a_liaison_to_another_office(db: Any) -> None:
    liaison = make_liaison(office_of("office1"))
    with nothing_written(), pytest.raises(NotFound):
        services.update_liaison(actor=actor_for("office1"), liaison=liaison, org=office_of("office2"),
                                community="x", phone="", appointed_on=liaison.appointed_on, notes="")


def test_training_activity_and_reward_are_recorded_once_each(db: Any) -> None:
    # given
    actor = actor_for("office1")
    liaison = make_liaison(office_of("office1"))
    since = _last_audit()
    # when
    training = services.record_training(actor=actor, liaison=liaison, trained_on=YESTERDAY, title="民法典",
                                        hours="2.5", organiser="富春街道司法所")
    activity = services.record_activity(actor=actor, liaison=liaison, kind=ActivityKind.DISPUTE, done_on=YESTERDAY,
                                        count=2, note="邻里纠纷")
    reward = services.grant_reward(actor=actor, liaison=liaison, granted_on=YESTERDAY, title="优秀法律明白人",
                                   reason="调处纠纷成效明显", level="county")
    # then
    assert training.hours == Decimal("2.5") and activity.count == 2 and reward.level == "county"
    assert _actions(since) == ["liaisons.training.recorded", "liaisons.activity.recorded", "liaisons.reward.granted"]
    assert training.recorded_by == activity.recorded_by == actor.name


@pytest.mark.parametrize(("kwargs", "field", "text"), [
    ({"kind": "party"}, "kind", "活动类型无效"),
    ({"done_on": TODAY + datetime.timedelta(days=1)}, "done_on", "不能晚于今天"),
    ({"done_on": datetime.date(2019, 12, 31)}, "done_on", "不能早于聘任日期 2020-01-01"),
    ({"count": 0}, "count", "1 至 999"),
    ({"count": 1000}, "count", "1 至 999"),
])
def test_bad_activity_is_refused(db: Any, kwargs: dict[str, Any], field: str, text: str) -> None:
    liaison = make_liaison(office_of("office1"))
    arguments = {"kind": "publicity", "done_on": YESTERDAY, "count": 1, **kwargs}
    with nothing_written(), pytest.raises(ValidationFailed) as exc:
        services.record_activity(actor=actor_for("office1"), liaison=liaison, **arguments)
    assert exc.value.field == field and text in exc.value.message


@pytest.mark.parametrize(("hours", "text"), [("0", "0.1 至 24"), ("25", "0.1 至 24"), ("1.25", "一位小数"), ("x", "数字")])
def test_bad_training_hours_are_refused(db: Any, hours: str, text: str) -> None:
    liaison = make_liaison(office_of("office1"))
    with nothing_written(), pytest.raises(ValidationFailed) as exc:
        services.record_training(actor=actor_for("office1"), liaison=liaison, trained_on=YESTERDAY, title="t",
                                 hours=hours)
    assert exc.value.field == "hours" and text in exc.value.message


def test_activity_photos_are_stored_as_attachments_of_the_office(db: Any) -> None:
    # given
    liaison = make_liaison(office_of("office1"))
    photo = SimpleUploadedFile("现场.png", png_bytes(tag="liaison-photo"), content_type="image/png")
    # when
    activity = services.record_activity(actor=actor_for("office1"), liaison=liaison, kind="publicity",
                                        done_on=YESTERDAY, photos=[photo])
    # then
    [stored] = activity.photos.all()
    assert (stored.org, stored.kind, stored.name, stored.case) == (liaison.org, "photo", "现场.png", None)
    assert stored.metadata == {"liaison": liaison.pk, "liaison_activity": activity.pk}
    assert stored.ledger_index is not None


def test_a_photo_that_is_not_an_image_is_refused_with_nothing_written(db: Any) -> None:
    liaison = make_liaison(office_of("office1"))
    text = SimpleUploadedFile("说明.txt", "不是照片".encode(), content_type="text/plain")
    with nothing_written(), pytest.raises(ValidationFailed) as exc:
        services.record_activity(actor=actor_for("office1"), liaison=liaison, kind="publicity", done_on=YESTERDAY,
                                 photos=[text])
    assert exc.value.field == "photos" and "不支持的文件类型" in exc.value.message


def test_removal_needs_a_reason_and_ends_the_record(db: Any) -> None:
    # given
    actor = actor_for("office1")
    liaison = make_liaison(office_of("office1"))
    with nothing_written(), pytest.raises(ValidationFailed) as exc:
        services.remove_liaison(actor=actor, liaison=liaison, reason="  ")
    assert exc.value.field == "reason"
    # when
    removed = services.remove_liaison(actor=actor, liaison=liaison, reason="本人申请辞去", removed_on=YESTERDAY)
    # then
    assert (removed.status, removed.removed_on, removed.removal_reason) == (LiaisonStatus.REMOVED, YESTERDAY,
                                                                            "本人申请辞去")
    for call in (lambda: services.remove_liaison(actor=actor, liaison=liaison, reason="再次"),
                 lambda: services.record_activity(actor=actor, liaison=liaison, kind="publicity", done_on=YESTERDAY),
                 lambda: services.record_training(actor=actor, liaison=liaison, trained_on=YESTERDAY, title="t",
                                                  hours=1)):
        with nothing_written(), pytest.raises(Conflict):
            call()


def test_another_countys_liaison_is_not_found_by_any_service(db: Any) -> None:
    liaison = make_liaison(other_county_office())
    actor = actor_for("county")
    calls = [
        lambda: services.update_liaison(actor=actor, liaison=liaison, org=liaison.org, community="x", phone="",
                                        appointed_on=liaison.appointed_on, notes=""),
        lambda: services.record_training(actor=actor, liaison=liaison, trained_on=YESTERDAY, title="t", hours=1),
        lambda: services.record_activity(actor=actor, liaison=liaison, kind="publicity", done_on=YESTERDAY),
        lambda: services.grant_reward(actor=actor, liaison=liaison, granted_on=YESTERDAY, title="t", reason="r",
                                      level="county"),
        lambda: services.remove_liaison(actor=actor, liaison=liaison, reason="r"),
    ]
    for call in calls:
        with nothing_written(), pytest.raises(NotFound):
            call()


# --- import ----------------------------------------------------------------------------------------


def test_import_registers_every_row_in_one_audited_act(db: Any) -> None:
    # given: a new number, and a person already in the registry (with a phone)
    actor = actor_for("county")
    known = make_person(office_of("office2"), name="孙六", phone="13600000000")
    office1, office2 = office_of("office1").name, office_of("office2").name
    content = roster([
        ["周七", new_number(), "13500000000", office1, "东风村", "2024-03-01", "村委委员"],
        ["孙六", _number_of(known), "13600000000", office2, "新民社区", datetime.datetime(2023, 7, 1), ""],
        ["吴八", new_number(), "", office1.removesuffix("司法所"), "红旗村", "2024年5月6日", ""],
    ])
    since = _last_audit()
    # when
    result = services.import_liaisons(actor=actor, content=content, filename="名册.xlsx")
    # then
    assert (result.created, result.persons_created) == (3, 2)
    rows = {x.person.name: x for x in LegalLiaison.objects.filter(person__name__in=["周七", "孙六", "吴八"])}
    assert rows["周七"].appointed_on == datetime.date(2024, 3, 1) and rows["周七"].notes == "村委委员"
    assert rows["周七"].person.phone == "13500000000" and rows["周七"].person.org == office_of("office1")
    assert rows["孙六"].person == known and rows["孙六"].phone == "" and rows["孙六"].org == office_of("office2")
    assert rows["吴八"].appointed_on == datetime.date(2024, 5, 6) and rows["吴八"].org == office_of("office1")
    assert _actions(since) == ["liaisons.liaisons.imported"]
    assert AuditEvent.objects.get(pk__gt=since).changes == {"file": "名册.xlsx", "rows": 3, "persons_created": 2}


def test_an_office_may_leave_the_office_column_empty(db: Any) -> None:
    content = roster([["郑九", new_number(), "", "", "东风村", "", ""]])
    result = services.import_liaisons(actor=actor_for("office1"), content=content)
    assert result.created == 1
    assert LegalLiaison.objects.get(person__name="郑九").org == office_of("office1")
    assert LegalLiaison.objects.get(person__name="郑九").appointed_on == TODAY


def test_import_names_every_bad_row_and_writes_nothing(db: Any) -> None:
    # given: one good row and a bad row of every kind
    actor = actor_for("county")
    office1 = office_of("office1").name
    registered = make_liaison(office_of("office1"))
    foreign = make_person(other_county_office(), name="外县人")
    known = make_person(office_of("office1"), name="真名")
    good = new_number()
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    twice = new_number()
    numeric = new_number()[:15] + "000"  # what Excel keeps of an 18-digit number typed into a number cell

    def read_back(number: str) -> str:  # a number cell holds a double: its nearest value, as the import reads it
        return str(int(float(int(number))))

    while id_check_digit(read_back(numeric)[:17]) == read_back(numeric)[17]:  # valid by chance: take another
        numeric = new_number()[:15] + "000"
    content = roster([
        ["好人", good, "", office1, "东风村", "", ""],  # row 2: good
        ["", new_number(), "", office1, "东风村", "", ""],  # 3: missing name
        ["坏号", bad_check, "", office1, "东风村", "", ""],  # 4: check digit
        ["无所", new_number(), "", "火星司法所", "东风村", "", ""],  # 5: unknown office
        ["重一", twice, "", office1, "东风村", "", ""],  # 6
        ["重二", twice, "", office1, "东风村", "", ""],  # 7: duplicate of row 6
        [registered.person.name, _number_of(registered.person), "", office1, "东风村", "", ""],  # 8: already 在册
        ["外县人", _number_of(foreign), "", office1, "东风村", "", ""],  # 9: registered out of scope
        ["假名", _number_of(known), "", office1, "东风村", "", ""],  # 10: name differs
        ["数字", int(numeric), "", office1, "东风村", "", ""],  # 11: numeric cell, damaged
        ["无村", new_number(), "", office1, "", "明年", ""],  # 12: missing community, bad date
    ])
    # when
    with nothing_written(), pytest.raises(ImportRejected) as exc:
        services.import_liaisons(actor=actor, content=content, filename="bad.xlsx")
    # then
    messages = [e["message"] for e in exc.value.errors]
    assert exc.value.message == "名册有 9 行错误，未导入任何记录；请改正后重新导入"
    expected = [
        "第 3 行 姓名：必填",
        f"第 4 行 身份证号：校验码错误：最后一位应为 {good[17]}，实际为 {bad_check[17]}",
        "第 5 行 司法所：「火星司法所」不是管辖范围内的司法所",
        "第 7 行 身份证号：与第 6 行重复",
        f"第 8 行 身份证号：该人员已是在册法律明白人（{office1}）",
        "第 9 行 身份证号：已由其他机构在人员库登记，请联系上级机构核实",
        "第 10 行 姓名：与人员库登记的姓名「真名」不一致",
    ]
    for message in expected:
        assert message in messages
    [numeric_error] = [m for m in messages if m.startswith("第 11 行")]
    assert "数字格式" in numeric_error and "设为文本" in numeric_error
    assert "第 12 行 村（社区）：必填" in messages
    assert "第 12 行 聘任日期：「明年」不是日期，应如 2025-03-01" in messages
    assert not any(m.startswith("第 2 行") for m in messages)
    assert [e["field"] for e in exc.value.errors][:2] == ["rows[3].name", "rows[4].id_number"]


def test_import_refuses_a_file_that_is_not_a_roster(db: Any) -> None:
    actor = actor_for("county")
    for content, text in [(b"", "请选择"), (b"not an excel file", "不是有效的 Excel"),
                          (roster([["甲", new_number()]], header=["姓名", "身份证号"]), "缺少列：村（社区）"),
                          (roster([], header=["姓名", "身份证号", "村（社区）"]), "没有数据行")]:
        with nothing_written(), pytest.raises(ValidationFailed) as exc:
            services.import_liaisons(actor=actor, content=content)
        assert exc.value.field == "file" and text in exc.value.message


def test_import_by_a_role_without_persons_manage_cannot_create_persons(db: Any, monkeypatch: Any) -> None:
    # given: an actor with liaisons.manage but not persons.manage
    from dataclasses import replace

    actor = actor_for("office1")
    actor = replace(actor, permissions=actor.permissions - {"persons.manage"})
    # when / then
    with nothing_written(), pytest.raises(ImportRejected) as exc:
        services.import_liaisons(actor=actor, content=roster([["甲", new_number(), "", "", "东风村", "", ""]]))
    assert exc.value.errors[0]["message"] == "第 2 行 身份证号：该身份证号未在人员库登记，当前身份无权登记新人员"


def test_import_offices_are_matched_within_scope_only(db: Any) -> None:
    # office1 cannot import into office2 (not in its scope)
    content = roster([["甲", new_number(), "", office_of("office2").name, "东风村", "", ""]])
    with nothing_written(), pytest.raises(ImportRejected) as exc:
        services.import_liaisons(actor=actor_for("office1"), content=content)
    assert "不是管辖范围内的司法所" in exc.value.errors[0]["message"]


def test_export_is_audited_as_personal_data(db: Any) -> None:
    since = _last_audit()
    services.export_liaisons(actor=actor_for("county"), description="法律明白人导出 status=active", row_count=7)
    event = AuditEvent.objects.get(pk__gt=since)
    assert (event.action, event.changes) == ("liaisons.liaisons.exported", {"rows": 7})
    with nothing_written(), pytest.raises(PermissionDeniedError):
        services.export_liaisons(actor=actor_for("office1"), description="x", row_count=1)


def test_closed_office_is_not_a_target(db: Any) -> None:
    office = office_of("office1")
    Org.objects.filter(pk=office.pk).update(valid_to=datetime.date(2026, 1, 1))
    with nothing_written(), pytest.raises(ValidationFailed) as exc:
        services.register_liaison(actor=actor_for("county"), name="甲", id_number=new_number(), community="x",
                                  org=Org.objects.get(pk=office.pk))
    assert exc.value.field == "org"
