"""API: /api/v1/deadlines/compute, /rules, /calendar (GET/POST), validated against docs/api/openapi.json."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from sifa.core.audit.models import AuditEvent
from sifa.core.deadlines.models import CalendarYear
from sifa.core.testing import client_for
from sifa.core.testing.openapi import assert_matches_openapi

pytestmark = pytest.mark.django_db


def _call(client: Client, method: str, path: str, body: Any = None, **query: str) -> tuple[Any, Any]:
    if method == "GET":
        response = client.get(path, query)
    else:
        response = client.generic(method, path, data=json.dumps(body), content_type="application/json")
    payload = response.json()
    assert_matches_openapi(method, path, response.status_code, response["Content-Type"], payload)
    return response, payload


def test_compute_a_rule_with_steps() -> None:
    response, body = _call(client_for("office1"), "GET", "/api/v1/deadlines/compute", rule="AR-11", start="2025-09-28",
                           explain="true")
    assert response.status_code == 200
    assert body["due"] == "2025-10-11" and body["rule"] == "AR-11" and body["status"] == "V"
    assert body["article"] == "《行政复议法》第三十条第一款、第八十八条第二款"
    assert body["counted_period"] == "五日（工作日）"
    assert any("GEN-07" in s["basis"] for s in body["steps"])


def test_compute_without_explain_has_no_steps_but_keeps_flags() -> None:
    _, body = _call(client_for("office1"), "GET", "/api/v1/deadlines/compute", rule="LA-11", start="2025-09-30",
                    variant="工作日")
    assert body["due"] == "2025-10-16" and body["steps"] == []
    assert body["status"] == "INT" and body["flag"] and body["variant"] == "工作日"


def test_compute_a_bare_period_and_hours() -> None:
    client = client_for("county")
    _, free = _call(client, "GET", "/api/v1/deadlines/compute", start="2025-09-28", period="5工作日")
    assert free["due"] == "2025-10-11" and free["rule"] is None
    _, hours = _call(client, "GET", "/api/v1/deadlines/compute", rule="CC-28.decision", start="2025-12-19T10:00")
    assert hours["due"] == "2025-12-21T10:00"


def test_compute_with_extension_and_suspension() -> None:
    _, body = _call(client_for("county"), "GET", "/api/v1/deadlines/compute", rule="AR-29", start="2025-12-01",
                    extend="三十日", extend_reason="情况复杂", extend_approver="复议机构负责人")
    assert body["due"] == "2026-03-02" and body["nominal"] == "2026-03-01"
    assert body["adjustments"] == ["延长 三十日（复议机构负责人批准）"]
    _, suspended = _call(client_for("county"), "GET", "/api/v1/deadlines/compute", rule="AR-04", start="2025-03-15",
                         suspend_from="2025-04-01", suspend_to="2025-04-10")
    assert suspended["due"] == "2025-05-26"


@pytest.mark.parametrize(("query", "field", "text"), [
    ({"rule": "XX-99", "start": "2025-09-28"}, "rule", "未知的期限规则"),
    ({"rule": "AR-11", "start": "2025/09/28"}, "start", "不是有效日期"),
    ({"rule": "AR-11"}, "start", "起算日期不能为空"),
    ({"start": "2025-09-28", "period": "三周"}, "period", "格式不正确"),
    ({"start": "2025-09-28"}, "period", "请选择期限规则"),
    ({"rule": "AR-11", "start": "2027-01-05"}, "start", "缺少 2027 年节假日安排"),
    ({"rule": "CC-34.control", "start": "2025-04-01", "period": "1年", "custody_days": "x"}, "custody_days", "非负整数"),
])
def test_bad_input_is_400_problem_naming_the_field(query: dict[str, str], field: str, text: str) -> None:
    response, body = _call(client_for("office1"), "GET", "/api/v1/deadlines/compute", **query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert body["errors"][0]["field"] == field
    assert text in body["detail"]


def test_rules_list() -> None:
    _, body = _call(client_for("reviewer"), "GET", "/api/v1/deadlines/rules")
    by_id = {r["id"]: r for r in body["items"]}
    assert body["count"] == len(body["items"]) > 100
    assert by_id["AR-11"]["period"] == "五日" and by_id["AR-11"]["statute"] == "行政复议法"
    assert by_id["LA-11"]["variants"] == ["工作日"]
    assert by_id["CC-17.late"]["status"] == "NV" and by_id["CC-17.late"]["flag"]


def test_calendar_list() -> None:
    _, body = _call(client_for("office1"), "GET", "/api/v1/deadlines/calendar")
    years = {y["year"]: y for y in body["items"]}
    assert "2025-10-11" in years[2025]["makeup_days"]


def test_admin_posts_a_year_201_and_audited() -> None:
    response, body = _call(client_for("admin"), "POST", "/api/v1/deadlines/calendar", {
        "year": 2027, "notice": "测试通知", "rest_days": ["2027-01-01", "2027-02-06~2027-02-12"], "makeup_days": ["2027-02-20"]})
    assert response.status_code == 201
    assert body["year"] == 2027 and len(body["rest_days"]) == 8
    assert AuditEvent.objects.filter(action="deadlines.calendar.loaded", changes__year=2027).count() == 1
    _, computed = _call(client_for("office1"), "GET", "/api/v1/deadlines/compute", rule="AR-11", start="2027-02-05")
    assert computed["due"] == "2027-02-19"  # 02-06~02-12 rest
    _, makeup = _call(client_for("office1"), "GET", "/api/v1/deadlines/compute", rule="AR-11", start="2027-02-16")
    assert makeup["due"] == "2027-02-22"  # the make-up Saturday 02-20 counts


def test_bad_post_names_every_line_and_writes_nothing() -> None:
    before = (CalendarYear.objects.count(), AuditEvent.objects.count())
    response, body = _call(client_for("admin"), "POST", "/api/v1/deadlines/calendar", {
        "year": 2027, "notice": "测试通知", "rest_days": ["2027-02-30", "2027-01-01", "oops"], "makeup_days": []})
    assert response.status_code == 400
    assert [e["field"] for e in body["errors"]] == ["rest_days", "rest_days"]
    assert "第 1 行「2027-02-30」" in body["errors"][0]["message"] and "第 3 行「oops」" in body["errors"][1]["message"]
    assert (CalendarYear.objects.count(), AuditEvent.objects.count()) == before


def test_existing_year_is_409_and_non_admin_403() -> None:
    response, body = _call(client_for("admin"), "POST", "/api/v1/deadlines/calendar", {
        "year": 2026, "notice": "x", "rest_days": ["2026-01-01"]})
    assert response.status_code == 409 and body["code"] == "calendar_year_exists"
    forbidden, _ = _call(client_for("county"), "POST", "/api/v1/deadlines/calendar", {
        "year": 2027, "notice": "x", "rest_days": ["2027-01-01"]})
    assert forbidden.status_code == 403


def test_anonymous_is_401() -> None:
    response, body = _call(Client(), "GET", "/api/v1/deadlines/compute", rule="AR-11", start="2025-09-28")
    assert response.status_code == 401 and body["code"] == "unauthenticated"
