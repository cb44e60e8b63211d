"""行政处罚 pages and API: list, new, case page with steps and guard messages, export, API round trip."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from sifa.core.testing import client_for, make_id_number
from sifa.modules.enforcement.tests.penalty_factories import body_of, item_of, move, new_case, valid_officers

pytestmark = pytest.mark.django_db
D = datetime.date


def test_list_detail_and_export() -> None:
    detail = move(new_case(party_name="页面当事人"), "file", filed_on=D(2025, 7, 15))
    client = client_for("officer")
    page = client.get("/enforcement/cases/?state=filed")
    assert page.status_code == 200 and detail.case.number in page.content.decode()
    html = client.get(f"/enforcement/cases/{detail.pk}/").content.decode()
    assert "页面当事人" in html and "AP-27" in html and "执法证有效" in html and "开展调查" in html
    assert detail.person is not None and detail.person.id_number_masked in html
    assert "立案日期：2025-07-15" in html and "filed_on" not in html  # the timeline names the fields in Chinese
    sheet = client.get("/enforcement/cases/export/?state=filed")
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert rows[0][0] == "案号" and any(r[0] == detail.case.number for r in rows[1:])
    assert client_for("county").get(f"/enforcement/cases/{detail.pk}/").status_code == 200


def test_new_case_form_and_step_with_guard_message() -> None:
    body = body_of()
    client = client_for("officer")
    assert client.get("/enforcement/cases/new/").status_code == 200
    response = client.post("/enforcement/cases/new/", {
        "procedure": "ordinary", "party_type": "citizen", "party_name": "表单当事人",
        "id_number": make_id_number(birth=D(1985, 5, 5), seq=611), "power_item": item_of(body).pk,
        "act_date": "2023-03-14", "discovered_on": "2025-03-17", "facts": "占道经营",
        "officers": [o.pk for o in valid_officers(body)]})
    assert response.status_code == 302
    url = response["Location"]
    refused = client.post(f"{url}step/", {"transition": "file", "data_filed_on": "2025-03-18"})
    assert refused.status_code == 409 and "AP-07" in refused.content.decode()
    bad = client.post("/enforcement/cases/new/", {"procedure": "ordinary", "party_type": "citizen",
                                                  "party_name": "表单当事人", "id_number": "1",
                                                  "act_date": "2025-03-14", "discovered_on": "2025-03-17",
                                                  "facts": "占道经营"})
    assert bad.status_code == 400 and "身份证号" in bad.content.decode()


def test_api_round_trip() -> None:
    body = body_of()
    client = client_for("officer")
    created = client.post("/api/v1/enforcement/cases", {
        "party_type": "citizen", "party_name": "接口当事人", "id_number": make_id_number(birth=D(1980, 1, 2), seq=613),
        "act_date": "2025-06-01", "discovered_on": "2025-07-10", "facts": "擅自占用城市道路",
        "power_item_id": item_of(body).pk, "officers": [o.pk for o in valid_officers(body)]},
        content_type="application/json")
    assert created.status_code == 201, created.content
    case_id = created.json()["id"]
    moved = client.post(f"/api/v1/enforcement/cases/{case_id}/transitions",
                        {"name": "file", "data": {"filed_on": "2025-07-15"}}, content_type="application/json")
    assert moved.status_code == 200, moved.content
    out = moved.json()
    assert out["state"] == "filed" and {d["rule_id"] for d in out["deadlines"]} == {"AP-27"}
    assert any(t["name"] == "start_investigation" for t in out["allowed_transitions"])
    refused = client.post(f"/api/v1/enforcement/cases/{case_id}/transitions",
                          {"name": "decide", "data": {}}, content_type="application/json")
    assert refused.status_code == 409
    listed = client.get("/api/v1/enforcement/cases?state=filed").json()
    assert any(item["id"] == case_id for item in listed["items"])
