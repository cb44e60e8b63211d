"""Person pages: search, masked display, audited reveal and export, form errors, scope (404 like missing)."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sifa.core import crypto
from sifa.core.audit.models import AuditEvent
from sifa.core.persons.models import Person
from sifa.core.persons.services import ID_CONTEXT
from sifa.core.testing import client_for, make_id_number, membership_of

pytestmark = pytest.mark.django_db

LIST_URL = reverse("persons:list")


def plain_number(person: Person) -> str:
    return crypto.decrypt(person.id_number_encrypted, context=ID_CONTEXT)


def listed(response) -> list[Person]:  # type: ignore[no-untyped-def]
    """Every row the list matched (all pages)."""
    return list(response.context["page"].paginator.object_list)


def results_table(html: str) -> str:
    start = html.rindex("<table", 0, html.index('id="person-results"'))
    return html[start:html.index("</table>", start)]


def error_beside(html: str, field: str, message: str) -> bool:
    """The message is rendered after the field's input and before the next field's label."""
    at = html.index(f'name="{field}"')
    following = html.find("<label", at)
    return message in html[at:following if following != -1 else None]


def without_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


# --- list and search --------------------------------------------------------------------------------


def test_list_shows_masked_numbers_only():
    # given
    client = client_for("county")

    # when
    response = client.get(LIST_URL)

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "人员库" in html
    shown = list(response.context["page"].object_list)
    assert len(shown) == 25
    for person in shown:
        assert person.id_number_masked in html
        assert plain_number(person) not in html


def test_list_covers_the_whole_county_for_the_bureau():
    # when
    response = client_for("county").get(LIST_URL)

    # then: all 300 demo persons are under 富阳区
    assert response.context["page"].paginator.count == 300


def test_list_of_a_judicial_office_is_limited_to_its_own_persons():
    # given
    office = membership_of("office1").org

    # when
    response = client_for("office1").get(LIST_URL)

    # then
    assert response.context["page"].paginator.count == Person.objects.filter(org=office).count() > 0
    assert all(p.org_id == office.pk for p in listed(response))


def test_search_by_name(person_of_office1):
    # when
    response = client_for("county").get(LIST_URL, {"q": person_of_office1.name})

    # then
    shown = listed(response)
    assert person_of_office1 in shown
    assert all(person_of_office1.name in p.name for p in shown)
    assert len(shown) < 300


def test_search_by_part_of_a_name(person_of_office1):
    # when
    response = client_for("county").get(LIST_URL, {"q": person_of_office1.name[1:]})

    # then
    assert person_of_office1 in listed(response)


def test_search_by_full_id_number_finds_exactly_that_person(person_of_office1):
    # given
    number = plain_number(person_of_office1)

    # when
    response = client_for("county").get(LIST_URL, {"q": number})

    # then: the number typed stays in the search box, the results show the masked form only
    assert listed(response) == [person_of_office1]
    table = results_table(response.content.decode())
    assert person_of_office1.id_number_masked in table
    assert number not in table


def test_search_by_full_id_number_with_lowercase_x_and_spaces(person_of_office1):
    # given
    number = plain_number(person_of_office1)
    typed = f" {number[:6]} {number[6:14]} {number[14:].lower()} "

    # when
    response = client_for("county").get(LIST_URL, {"q": typed})

    # then
    assert listed(response) == [person_of_office1]


def test_search_by_masked_number(person_of_office1):
    # when
    response = client_for("county").get(LIST_URL, {"q": person_of_office1.id_number_masked})

    # then
    shown = listed(response)
    assert person_of_office1 in shown
    assert all(p.id_number_masked == person_of_office1.id_number_masked for p in shown)


def test_search_by_phone(person_of_office1):
    # when
    response = client_for("county").get(LIST_URL, {"q": person_of_office1.phone})

    # then
    shown = listed(response)
    assert person_of_office1 in shown
    assert all(person_of_office1.phone in p.phone for p in shown)


def test_search_by_number_of_a_person_out_of_scope_finds_nothing(person_of_office1):
    # when: office2 types office1's person's full number
    response = client_for("office2").get(LIST_URL, {"q": plain_number(person_of_office1)})

    # then
    assert response.status_code == 200
    assert listed(response) == []
    assert "没有符合条件的人员" in response.content.decode()


def test_search_with_unknown_number_finds_nothing(new_id_number):
    # when
    response = client_for("county").get(LIST_URL, {"q": new_id_number()})

    # then
    assert listed(response) == []


def test_htmx_search_returns_only_the_table(person_of_office1):
    # when
    response = client_for("county").get(LIST_URL, {"q": person_of_office1.id_number_masked}, HTTP_HX_REQUEST="true")

    # then
    html = response.content.decode()
    assert 'id="person-results"' in html
    assert "<html" not in html
    assert person_of_office1.id_number_masked in html


def test_bad_filter_is_reported_not_crashing():
    # when
    response = client_for("county").get(LIST_URL, {"region": "abc"})

    # then
    assert response.status_code == 200
    assert "筛选条件 region 格式不正确" in response.content.decode()
    assert listed(response) == []


def test_list_without_persons_view_is_forbidden():
    # when
    response = client_for("reviewer").get(LIST_URL)

    # then
    assert response.status_code == 403


# --- detail and reveal ------------------------------------------------------------------------------


def test_detail_shows_the_masked_number_only(person_of_office1):
    # when
    response = client_for("office1").get(reverse("persons:detail", args=[person_of_office1.pk]))

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert person_of_office1.id_number_masked in html
    assert plain_number(person_of_office1) not in html
    assert person_of_office1.phone not in html
    assert person_of_office1.phone[-4:] in html
    assert 'id="reveal-button"' in html


def test_detail_hides_the_reveal_button_without_permission(person_of_office1):
    # given: the person belongs to the enforcement department, whose officer may view but not reveal
    Person.objects.filter(pk=person_of_office1.pk).update(org=membership_of("officer").org)

    # when
    response = client_for("officer").get(reverse("persons:detail", args=[person_of_office1.pk]))

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert person_of_office1.id_number_masked in html
    assert 'id="reveal-button"' not in html


def test_reveal_shows_the_full_number_and_records_it(person_of_office1):
    # given
    number = plain_number(person_of_office1)
    before = AuditEvent.objects.count()

    # when
    response = client_for("office1").post(reverse("persons:reveal", args=[person_of_office1.pk]), {"reason": "核实"})

    # then
    assert response.status_code == 200
    assert number in response.content.decode()
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(action="persons.person.id_number_revealed")
    assert (event.object_id, event.actor_username, event.changes) == (str(person_of_office1.pk), "office1",
                                                                      {"reason": "核实"})
    assert event.ip == "127.0.0.1"


def test_reveal_by_htmx_returns_the_fragment(person_of_office1):
    # when
    response = client_for("county").post(reverse("persons:reveal", args=[person_of_office1.pk]),
                                         HTTP_HX_REQUEST="true")

    # then
    html = response.content.decode()
    assert f'<span class="masked" id="id-number-full">{plain_number(person_of_office1)}</span>' in html
    assert "<html" not in html


def test_reveal_by_get_is_not_allowed(person_of_office1):
    # given
    before = AuditEvent.objects.count()

    # when
    response = client_for("office1").get(reverse("persons:reveal", args=[person_of_office1.pk]))

    # then
    assert response.status_code == 405
    assert AuditEvent.objects.count() == before


def test_reveal_without_reveal_permission_is_forbidden(person_of_office1):
    # given: 行政执法人员 (officer) has persons.view and persons.manage, not persons.reveal
    before = AuditEvent.objects.count()

    # when
    response = client_for("officer").post(reverse("persons:reveal", args=[person_of_office1.pk]))

    # then
    assert response.status_code == 403
    assert plain_number(person_of_office1) not in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_reveal_out_of_scope_is_not_found_and_not_recorded(person_of_office1):
    # given
    before = AuditEvent.objects.count()

    # when
    response = client_for("office2").post(reverse("persons:reveal", args=[person_of_office1.pk]))

    # then
    assert response.status_code == 404
    assert plain_number(person_of_office1) not in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_person_of_another_township_is_not_found_exactly_like_a_missing_id(person_of_office1):
    # given
    client = client_for("office2")
    missing_pk = Person.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000

    # when
    other = client.get(reverse("persons:detail", args=[person_of_office1.pk]))
    missing = client.get(reverse("persons:detail", args=[missing_pk]))

    # then
    assert other.status_code == missing.status_code == 404
    assert without_tokens(other.content.decode()) == without_tokens(missing.content.decode())
    assert person_of_office1.name not in other.content.decode()


def test_edit_page_of_another_township_is_not_found(person_of_office1):
    # when
    response = client_for("office2").get(reverse("persons:edit", args=[person_of_office1.pk]))

    # then
    assert response.status_code == 404


# --- create and edit --------------------------------------------------------------------------------


def test_create_registers_and_redirects_to_the_person(new_id_number):
    # given
    number = new_id_number()

    # when
    response = client_for("office1").post(reverse("persons:create"), {"name": "王小明", "id_number": number,
                                                                       "phone": "13800000000", "region": "330111001"})

    # then
    person = Person.objects.get(name="王小明", id_number_masked=number[:6] + "********" + number[-4:])
    assert response.status_code == 302
    assert response["Location"] == reverse("persons:detail", args=[person.pk])
    assert person.region.code == "330111001"
    assert AuditEvent.objects.filter(action="persons.person.registered", object_id=str(person.pk)).count() == 1


def test_create_with_bad_check_digit_shows_the_error_beside_the_field(new_id_number):
    # given
    number = new_id_number()
    wrong = "0" if number[-1] != "0" else "1"
    persons_before, audit_before = Person.objects.count(), AuditEvent.objects.count()

    # when
    response = client_for("office1").post(reverse("persons:create"), {"name": "王小明", "id_number": number[:17] + wrong})

    # then
    assert response.status_code == 400
    html = response.content.decode()
    expected = f"身份证号校验码错误：最后一位应为 {number[-1]}，实际为 {wrong}"
    assert response.context["form"].errors["id_number"] == [expected]
    assert error_beside(html, "id_number", expected)
    assert Person.objects.count() == persons_before
    assert AuditEvent.objects.count() == audit_before


def test_create_with_unknown_region_prefix_shows_the_error_beside_the_field():
    # given
    persons_before, audit_before = Person.objects.count(), AuditEvent.objects.count()

    # when
    response = client_for("office1").post(reverse("persons:create"),
                                          {"name": "王小明", "id_number": make_id_number("331199")})

    # then
    assert response.status_code == 400
    assert error_beside(response.content.decode(), "id_number", "身份证号地址码 331199 无效：没有这个行政区划（已撤销的区划代码须由管理员作为历史区划导入）")
    assert (Person.objects.count(), AuditEvent.objects.count()) == (persons_before, audit_before)


def test_create_duplicate_in_scope_links_to_the_existing_person(person_of_office1):
    # when
    response = client_for("office1").post(reverse("persons:create"),
                                          {"name": "重复", "id_number": plain_number(person_of_office1)})

    # then
    assert response.status_code == 400
    html = response.content.decode()
    url = reverse("persons:detail", args=[person_of_office1.pk])
    assert error_beside(html, "id_number", f'该身份证号已登记：<a href="{url}">查看已登记记录</a>')


def test_create_with_unknown_residence_region_is_refused(new_id_number):
    # when
    response = client_for("office1").post(reverse("persons:create"),
                                          {"name": "王小明", "id_number": new_id_number(), "region": "330111999"})

    # then
    assert response.status_code == 400
    assert "区划代码 330111999 不存在" in response.content.decode()


def test_create_page_without_manage_permission_is_forbidden():
    # when
    response = client_for("city").get(reverse("persons:create"))

    # then
    assert response.status_code == 403


def test_edit_saves_and_records_a_diff(person_of_office1):
    # when
    response = client_for("office1").post(reverse("persons:edit", args=[person_of_office1.pk]),
                                          {"name": person_of_office1.name, "phone": "13900000000",
                                           "address": person_of_office1.address, "region": "330111001"})

    # then
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="persons.person.updated")
    assert event.changes == {"phone": [person_of_office1.phone, "13900000000"]}


# --- export -----------------------------------------------------------------------------------------


def test_export_has_masked_numbers_only_and_is_recorded():
    # given
    before = AuditEvent.objects.count()
    plain = {plain_number(p) for p in Person.objects.all()}

    # when
    response = client_for("county").get(reverse("persons:export"))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ws = load_workbook(io.BytesIO(response.content), read_only=True)["自然人"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][3] == "身份证号（脱敏）"
    assert len(rows) == 1 + 300
    masked = {r[3] for r in rows[1:]}
    assert masked == set(Person.objects.values_list("id_number_masked", flat=True))
    assert all(re.fullmatch(r"\d{6}\*{8}\d{3}[\dX]", m) for m in masked)
    cells = {str(c) for r in rows for c in r if c is not None}
    assert not plain & cells
    assert not any(number in cell for cell in cells for number in plain)
    assert not any(re.fullmatch(r"1\d{10}", cell) for cell in cells)  # phones masked too
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(action="persons.persons.exported")
    assert (event.actor_username, event.changes) == ("county", {"rows": 300})


def test_export_follows_the_filter(person_of_office1):
    # when
    response = client_for("county").get(reverse("persons:export"), {"q": person_of_office1.id_number_masked})

    # then
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True)["自然人"].iter_rows(values_only=True))
    assert person_of_office1.name in [r[0] for r in rows[1:]]
    event = AuditEvent.objects.get(action="persons.persons.exported")
    assert event.changes == {"rows": len(rows) - 1}


def test_export_filtered_by_full_number_does_not_write_the_number_into_the_audit_log(person_of_office1):
    # given
    number = plain_number(person_of_office1)

    # when
    response = client_for("county").get(reverse("persons:export"), {"q": number.lower()})

    # then: the export found the person, and the audit row names the filter by its masked form
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True)["自然人"].iter_rows(values_only=True))
    assert [r[3] for r in rows[1:]] == [person_of_office1.id_number_masked]
    event = AuditEvent.objects.get(action="persons.persons.exported")
    assert number not in event.object_repr
    assert number.lower() not in event.object_repr
    assert person_of_office1.id_number_masked in event.object_repr


def test_export_without_permission_is_forbidden_and_not_recorded():
    # given: 司法所 staff have no persons.export
    before = AuditEvent.objects.count()

    # when
    response = client_for("office1").get(reverse("persons:export"))

    # then
    assert response.status_code == 403
    assert AuditEvent.objects.count() == before


def test_anonymous_is_sent_to_login():
    # when
    response = Client().get(LIST_URL)

    # then
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
