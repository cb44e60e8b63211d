"""Cases through the API (validated against the OpenAPI document) and the pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from sifa.core.cases.models import Case
from sifa.core.testing import client_for
from sifa.core.testing.openapi import assert_matches_openapi

pytestmark = pytest.mark.django_db


def _call(client: Client, method: str, path: str, body: Any = None) -> tuple[Any, Any]:
    response = client.generic(method, path, data=json.dumps(body) if body is not None else "",
                              content_type="application/json")
    payload = response.json() if response.content else None
    assert_matches_openapi(method, path, response.status_code, response["Content-Type"], payload)
    return response, payload


def test_open_move_and_read_through_the_api():
    client = client_for("county")
    # open
    response, case = _call(client, "POST", "/api/v1/cases", {"type": "test_case", "title": "接口立案"})
    assert response.status_code == 201 and case["state"] == "registered" and case["state_label"] == "登记"
    assert {s["name"] for s in case["allowed_transitions"]} == {"accept", "withdraw"}
    # a wrong state is 409 problem+json
    response, problem = _call(client, "POST", f"/api/v1/cases/{case['id']}/transitions", {"name": "close"})
    assert response.status_code == 409 and problem["code"] == "transition_not_allowed"
    # missing fields are named
    response, problem = _call(client, "POST", f"/api/v1/cases/{case['id']}/transitions", {"name": "accept"})
    assert response.status_code == 400 and [e["field"] for e in problem["errors"]] == ["received_on", "accepted_on"]
    # accept starts the deadlines with rule ids and articles
    response, detail = _call(client, "POST", f"/api/v1/cases/{case['id']}/transitions",
                             {"name": "accept", "data": {"received_on": "2025-09-28", "accepted_on": "2025-10-11"}})
    assert response.status_code == 200 and detail["state"] == "accepted"
    deadlines = {d["key"]: d for d in detail["deadlines"]}
    assert deadlines["review"]["due_date"] == "2025-10-11" and deadlines["review"]["rule_id"] == "AR-11"
    assert deadlines["decision"]["due_date"] == "2025-12-10" and deadlines["decision"]["overdue"] is True
    assert detail["transitions"][0]["name"] == "accept"
    # list filters: overdue and type
    _, listing = _call(client, "GET", "/api/v1/cases?overdue=true&type=test_case")
    assert [c["id"] for c in listing["items"]] == [case["id"]]


def test_role_and_scope_errors_through_the_api():
    _, case = _call(client_for("office1"), "POST", "/api/v1/cases", {"type": "test_case", "title": "所里的案件"})
    response, _ = _call(client_for("office2"), "GET", f"/api/v1/cases/{case['id']}")
    assert response.status_code == 404
    response, problem = _call(client_for("officer"), "POST", "/api/v1/cases", {"type": "test_case", "title": "x"})
    assert response.status_code == 403 and problem["code"] == "permission_denied"


def test_case_page_shows_steps_deadlines_and_diagram():
    client = client_for("county")
    client.post("/cases/new/", {"type": "test_case", "title": "页面立案"})
    case = Case.objects.get(title="页面立案")
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-step="accept"' in page and 'data-current="true"' in page and case.number in page
    # a missing field re-renders with the message beside it and status 400
    response = client.post(f"/cases/{case.pk}/transition/", {"transition": "accept"})
    assert response.status_code == 400 and "请填写「收到日期」" in response.content.decode()
    response = client.post(f"/cases/{case.pk}/transition/", {"transition": "accept", "data_received_on": "2025-09-28",
                                                              "data_accepted_on": "2025-10-11"})
    assert response.status_code == 302
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "2025-10-11 届满" in page and "AR-11" in page
    assert client.get("/cases/?overdue=true").content.decode().count(case.number) == 1


def test_open_with_parties_in_scope_only():
    from sifa.core.persons.models import Person

    client = client_for("office1")
    mine = Person.objects.filter(org__name="富春街道司法所").first()
    theirs = Person.objects.filter(org__name="春江街道司法所").first()
    response, case = _call(client, "POST", "/api/v1/cases", {
        "type": "test_case", "title": "有当事人", "parties": [{"role": "applicant", "person_id": mine.pk}]})
    assert response.status_code == 201
    assert case["parties"] == [{"role": "applicant", "name": mine.name, "person_id": mine.pk, "entity_id": None}]
    response, _ = _call(client, "POST", "/api/v1/cases", {
        "type": "test_case", "title": "越界当事人", "parties": [{"role": "applicant", "person_id": theirs.pk}]})
    assert response.status_code == 404
    response, problem = _call(client, "POST", "/api/v1/cases", {
        "type": "test_case", "title": "两者皆无", "parties": [{"role": "applicant"}]})
    assert response.status_code == 400 and problem["errors"][0]["field"] == "parties"
