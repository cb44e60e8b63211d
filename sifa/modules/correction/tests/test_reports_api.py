"""/api/v1/correction/field-reports: submit (multipart), list, detail, suggestions, rules CRUD."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sifa.core.attachments.tests.factories import png_bytes
from sifa.core.ledger.entries import decode_entry
from sifa.core.ledger.models import LedgerEntry
from sifa.core.testing import client_for
from sifa.modules.correction.models import FieldReport, KeywordRule
from sifa.modules.correction.tests.factories import make_correction, office_of
from sifa.modules.correction.tests.report_factories import report_without_service

pytestmark = pytest.mark.django_db
BASE = "/api/v1/correction/field-reports"


def _photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("现场.png", png_bytes(tag=f"api-{time.time()}"), content_type="image/png")


def _json(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, data=json.dumps(body), content_type="application/json")


def test_grid_worker_submits_multipart_and_gets_the_attestation() -> None:
    # given
    detail = make_correction(office_of("office1"))
    client = client_for("grid1")
    # the subject is offered to the reporter
    subjects = client.get(f"{BASE}/subjects", {"q": detail.subject.person.name}).json()
    assert [s["case_id"] for s in subjects["items"]] == [detail.pk]
    # when
    response = client.post(BASE, {"case_id": detail.pk, "note": "对象外出去外地打工", "latitude": "30.05",
                                  "longitude": "119.96", "accuracy_m": "25", "photo": _photo()})
    # then 201 with the classification and the ledger entry that attests the photo hash
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body["categories"]) == {"外出", "就业"}
    assert any(c["explanation"] == "因包含关键词「外出」「去外地」归入「外出」" for c in body["classification"])
    assert body["location_text"] == "纬度 30.050000，经度 119.960000（精度约 25 米）"
    entry = decode_entry(bytes(LedgerEntry.objects.get(index=body["ledger_seq"]).entry))
    assert entry.metadata["photo_sha256"] == body["photo_sha256"]
    assert body["pending_suggestions"] == 2


def test_bad_input_is_problem_json_naming_the_field() -> None:
    detail = make_correction(office_of("office1"))
    client = client_for("grid1")
    for data, field in [({"case_id": detail.pk, "note": ""}, "note"),
                        ({"case_id": detail.pk, "note": "喝酒", "latitude": "30", "longitude": "500"}, "longitude"),
                        ({"note": "喝酒"}, "case_id")]:
        response = client.post(BASE, data)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("application/problem+json")
        assert response.json()["errors"][0]["field"] == field
    assert not FieldReport.objects.filter(correction_case=detail).exists()


def test_out_of_scope_subject_is_404() -> None:
    detail = make_correction(office_of("office2"))
    response = client_for("grid1").post(BASE, {"case_id": detail.pk, "note": "喝酒"})
    assert response.status_code == 404
    assert not FieldReport.objects.filter(correction_case=detail).exists()


def test_list_detail_and_decide() -> None:
    # given a report with a pending suggestion at office1 and one at office2
    report = report_without_service(make_correction(office_of("office1")), categories=("饮酒",))
    other = report_without_service(make_correction(office_of("office2")), categories=("饮酒",))
    client = client_for("office1")
    # list: own office only; filter by category
    ids = [r["id"] for r in client.get(BASE, {"category": "饮酒", "page_size": 200}).json()["items"]]
    assert report.pk in ids and other.pk not in ids
    assert client.get(f"{BASE}/{other.pk}").status_code == 404
    assert client.get(f"{BASE}/{report.pk}").json()["classification"][0]["explanation"] == "因包含关键词「饮酒」归入「饮酒」"
    # suggestions, and a dismissal without reason
    pending = client.get(f"{BASE}/suggestions").json()["items"]
    mine = next(s for s in pending if s["report_id"] == report.pk)
    url = f"{BASE}/suggestions/{mine['id']}/decision"
    response = _json(client, "POST", url, {"accept": False, "reason": ""})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "reason"
    response = _json(client, "POST", url, {"accept": True})
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert _json(client, "POST", url, {"accept": True}).status_code == 409
    assert client.get(f"{BASE}/{report.pk}").json()["status"] == "reviewed"


def test_rules_crud() -> None:
    client = client_for("corr")
    # create with a bad level → 400 naming alert_level
    bad = _json(client, "POST", f"{BASE}/rules", {"code": "api-rule", "category": "测试", "keywords": ["测"],
                                                  "alert_level": "pink"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "alert_level"
    created = _json(client, "POST", f"{BASE}/rules", {"code": "api-rule", "category": "测试", "keywords": ["测"],
                                                      "alert_level": "orange"})
    assert created.status_code == 201
    rule_id = created.json()["id"]
    assert created.json()["alert_level_label"] == "橙色"
    duplicate = _json(client, "POST", f"{BASE}/rules", {"code": "api-rule", "category": "测试", "keywords": ["测"]})
    assert duplicate.status_code == 409
    updated = _json(client, "PUT", f"{BASE}/rules/{rule_id}", {"code": "api-rule", "category": "测试",
                                                               "keywords": ["测", "试"], "active": True})
    assert updated.json()["keywords"] == ["测", "试"]
    assert client.post(f"{BASE}/rules/{rule_id}/deactivate").json()["active"] is False
    assert any(r["code"] == "api-rule" for r in client.get(f"{BASE}/rules").json())
    assert not KeywordRule.objects.get(pk=rule_id).active
    # office staff may not manage rules
    assert client_for("office1").get(f"{BASE}/rules").status_code == 403
