"""Roster import (all or nothing, every bad row named with its column) and the masked, audited export."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sifa.core.audit.models import AuditEvent
from sifa.core.errors import ValidationFailed
from sifa.core.persons.models import Person
from sifa.core.testing import actor_for, client_for
from sifa.modules.enforcement import services
from sifa.modules.enforcement.errors import ImportRejected
from sifa.modules.enforcement.imports import roster_template
from sifa.modules.enforcement.models import EnforcementOfficer
from sifa.modules.enforcement.tests.factories import (
    HEADER,
    demo_body,
    make_body,
    make_officer,
    new_number,
    other_county_org,
    roster,
    roster_row,
)

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return EnforcementOfficer.objects.count(), Person.objects.count(), AuditEvent.objects.count()


def test_import_creates_officers_and_persons_with_five_year_default() -> None:
    # given
    rows = [roster_row(name="甲", valid_from="2024-03-01"),
            roster_row(name="乙", valid_until="2026-12-31", auxiliary="是", legal="是", scope="市容环卫")]
    # when
    result = services.import_officers(actor=actor_for("county"), content=roster(rows), filename="名册.xlsx")
    # then
    assert (result.created, result.persons_created) == (2, 2)
    a = EnforcementOfficer.objects.get(person__name="甲")
    b = EnforcementOfficer.objects.get(person__name="乙")
    assert str(a.valid_until) == "2029-02-28"  # AP-42 五年
    assert (b.is_auxiliary, b.has_legal_qualification, b.certificate_scope) == (True, True, ["city_appearance"])
    assert a.body == demo_body()


def test_import_names_every_bad_row_and_column_and_writes_nothing() -> None:
    # given
    taken = make_officer(demo_body())
    other = make_body(other_county_org())
    dup_number = new_number()
    rows = [
        roster_row(name="好人"),                                                   # line 2: fine
        roster_row(number="3301111990010112"),                                    # 3: bad length
        roster_row(cert="ab-1"),                                                  # 4: bad format
        roster_row(cert=taken.certificate_number),                                # 5: already registered
        roster_row(cert="CS12121212"), roster_row(cert="CS12121212"),             # 6, 7: duplicate in file
        roster_row(number=dup_number), roster_row(number=dup_number),             # 8, 9: duplicate id
        roster_row(body=other.name),                                              # 10: body out of scope
        roster_row(scope="天文"),                                                 # 11: bad field
        roster_row(valid_from="明年"),                                            # 12: bad date
        roster_row(valid_from="2024-03-01", valid_until="2023-01-01"),            # 13: until before from
        roster_row(auxiliary="也许"),                                             # 14: bad flag
        ["", *roster_row()[1:]],                                                  # 15: missing name
    ]
    before = _counts()
    # when
    with pytest.raises(ImportRejected) as exc:
        services.import_officers(actor=actor_for("county"), content=roster(rows))
    # then
    assert _counts() == before
    fields = [e["field"] for e in exc.value.errors]
    assert fields == ["rows[3].id_number", "rows[4].certificate_number", "rows[5].certificate_number",
                      "rows[7].certificate_number", "rows[9].id_number", "rows[10].body", "rows[11].certificate_scope",
                      "rows[12].valid_from", "rows[13].valid_until", "rows[14].is_auxiliary", "rows[15].name"]
    messages = {e["field"]: e["message"] for e in exc.value.errors}
    assert messages["rows[7].certificate_number"] == "第 7 行 执法证号：与第 6 行重复"
    assert messages["rows[5].certificate_number"] == "第 5 行 执法证号：已登记"
    assert "第 10 行 执法主体" in messages["rows[10].body"]
    assert "13 行错误" in exc.value.message or "行错误" in exc.value.message


def test_import_refuses_a_file_without_required_columns() -> None:
    with pytest.raises(ValidationFailed, match="名册缺少列：执法证号") as exc:
        services.import_officers(actor=actor_for("county"), content=roster([["甲", new_number()]], header=["姓名", "身份证号", "执法领域", "发证日期"]))
    assert exc.value.field == "file"
    with pytest.raises(ValidationFailed, match="不是有效的 Excel 文件"):
        services.import_officers(actor=actor_for("county"), content=b"not a workbook")


def test_template_has_every_column() -> None:
    sheet = load_workbook(io.BytesIO(roster_template())).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER


def test_export_masks_numbers_and_is_audited() -> None:
    # given
    client = client_for("county")
    # when
    response = client.get(reverse("enforcement:officer_export"))
    # then
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "身份证号（脱敏）"
    assert len(rows) > 8 and all("*" in str(r[2]) for r in rows[1:])
    event = AuditEvent.objects.filter(action="enforcement.officers.exported").latest("pk")
    assert event.changes["rows"] == len(rows) - 1
    from sifa.core import registry

    assert registry.audit_actions["enforcement.officers.exported"].personal_data


def test_import_page_lists_every_bad_row_and_template_downloads() -> None:
    client = client_for("county")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("r.xlsx", roster([roster_row(cert="x")]))
    response = client.post(reverse("enforcement:officer_import"), {"file": upload})
    assert response.status_code == 400
    assert "第 2 行 执法证号" in response.content.decode()
    assert client.get(reverse("enforcement:officer_import_template")).status_code == 200
