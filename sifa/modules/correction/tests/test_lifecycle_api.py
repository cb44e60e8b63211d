"""/api/v1/correction: cases (list, open, file, transitions) and 调查评估; scope, minors, audit."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from sifa.core.audit.models import AuditEvent
from sifa.core.testing import client_for
from sifa.modules.correction.models import CorrectionCase, PreSentenceAssessment
from sifa.modules.correction.tests.factories import make_correction, office_of
from sifa.modules.correction.tests.lifecycle_factories import intake_args, make_assessment

pytestmark = pytest.mark.django_db


def _post(user: str, url: str, body: dict[str, Any]) -> Any:
    return client_for(user).post(url, data=json.dumps(body), content_type="application/json")


def _intake_body(**overrides: Any) -> dict[str, Any]:
    args = intake_args(**overrides)
    args.pop("office")
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in args.items()}


def test_list_is_scoped_and_masked() -> None:
    # given
    mine = make_correction(office_of("office1"))
    theirs = make_correction(office_of("office2"))
    # when
    body = client_for("office1").get("/api/v1/correction/cases?state=under_correction&page_size=200").json()
    # then
    ids = {row["id"] for row in body["items"]}
    assert mine.pk in ids and theirs.pk not in ids
    row = next(r for r in body["items"] if r["id"] == mine.pk)
    assert "*" in row["id_number_masked"] and row["state_label"] == "矫正中" and row["office_name"] == mine.case.org.name


def test_open_then_read_the_file_with_deadlines_and_steps() -> None:
    # given / when
    created = _post("office1", "/api/v1/correction/cases", _intake_body(effective_date=datetime.date(2025, 9, 26)))
    # then
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "decided"
    assert {d["key"]: d["due_date"] for d in body["deadlines"]}["report"] == "2025-10-09"
    assert [s["name"] for s in body["allowed_transitions"]] == ["notify", "receive", "record_death"]
    got = client_for("office1").get(f"/api/v1/correction/cases/{body['id']}")
    assert got.status_code == 200 and got.json()["judgment_number"] == body["judgment_number"]
    assert AuditEvent.objects.filter(action="correction.subject.viewed", object_id=str(body["id"]),
                                     changes__via="api").count() == 2


def test_open_error_names_the_field() -> None:
    response = _post("office1", "/api/v1/correction/cases", _intake_body(sentence_type="control",
                                                                         original_sentence="管制一年", term="二个月"))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "term"


def test_transitions_move_the_case_and_discharge_returns_the_certificate() -> None:
    # given a subject whose term ended
    detail = make_correction(term_end=datetime.date(2026, 1, 31))
    # when the office tries, then the county agency discharges
    refused = _post("office1", f"/api/v1/correction/cases/{detail.pk}/transitions",
                    {"name": "discharge", "data": {"discharged_on": "2026-02-01", "reason": "期满"}})
    done = _post("corr", f"/api/v1/correction/cases/{detail.pk}/transitions",
                 {"name": "discharge", "data": {"discharged_on": "2026-02-01", "reason": "期满"}})
    # then
    assert refused.status_code == 403
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["case"]["state"] == "discharged" and body["case"]["ended_on"] == "2026-02-01"
    assert [d["doc_type"] for d in body["documents"]] == ["correction_discharge_certificate"]
    assert body["warnings"] == []


def test_other_office_gets_404_on_file_and_transitions() -> None:
    detail = make_correction()
    assert client_for("office2").get(f"/api/v1/correction/cases/{detail.pk}").status_code == 404
    moved = _post("office2", f"/api/v1/correction/cases/{detail.pk}/transitions",
                  {"name": "lose_contact", "data": {"since": "2026-11-01"}})
    assert moved.status_code == 404
    assert CorrectionCase.objects.get(pk=detail.pk).case.state == "under_correction"


def test_c85_minor_file_via_api() -> None:
    # given
    minor = make_correction(minor=True)
    # then: office staff: absent from the list and 404
    listed = client_for("office1").get("/api/v1/correction/cases?page_size=200").json()
    assert minor.pk not in {r["id"] for r in listed["items"]}
    assert client_for("office1").get(f"/api/v1/correction/cases/{minor.pk}").status_code == 404
    # corr: listed with the identity hidden; the file needs a reason, which is recorded
    rows = client_for("corr").get("/api/v1/correction/cases?state=under_correction&page_size=200").json()["items"]
    row = next(r for r in rows if r["id"] == minor.pk)
    assert row["name"] == "未成年社区矫正对象（身份保密）" and row["id_number_masked"] == ""
    without = client_for("corr").get(f"/api/v1/correction/cases/{minor.pk}")
    assert without.status_code == 400 and without.json()["errors"][0]["field"] == "reason"
    opened = client_for("corr").get(f"/api/v1/correction/cases/{minor.pk}?reason=人民检察院办案需要")
    assert opened.status_code == 200 and opened.json()["name"] == minor.subject.person.name
    assert AuditEvent.objects.get(action="correction.minor_file.opened", object_id=str(minor.pk)).changes["reason"] == \
        "人民检察院办案需要"


def test_assessment_api_flow() -> None:
    # given
    created = _post("corr", "/api/v1/correction/assessments", {
        "commissioner_type": "court", "commissioner_name": "杭州市富阳区人民法院", "received_on": "2026-03-02",
        "person_name": "评估戊", "proposed_sentence_type": "parole", "urgent": False})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["due_date"] == "2026-03-16" and "[NV]" in body["flag"]
    # when
    url = f"/api/v1/correction/assessments/{body['id']}/transitions"
    assert _post("corr", url, {"name": "start_investigation"}).status_code == 200
    submitted = _post("corr", url, {"name": "submit", "data": {"conclusion": "unsuitable", "findings": "拒不认罪。",
                                                                "submitted_on": "2026-03-18"}})
    # then
    assert submitted.status_code == 200, submitted.content
    out = submitted.json()
    assert out["assessment"]["conclusion"] == "unsuitable" and out["documents"][0]["doc_type"] == "correction_assessment_opinion"
    transitions = out["assessment"]["transitions"]
    assert transitions[-1]["data"]["timeliness"].startswith("逾期 2 日")
    listed = client_for("corr").get("/api/v1/correction/assessments?q=评估戊").json()
    assert [r["id"] for r in listed["items"]] == [body["id"]]


def test_assessment_outside_scope_is_404() -> None:
    assessment = make_assessment(office_of("office1"))
    assert client_for("office2").get(f"/api/v1/correction/assessments/{assessment.pk}").status_code == 404
    assert PreSentenceAssessment.objects.filter(pk=assessment.pk).exists()
