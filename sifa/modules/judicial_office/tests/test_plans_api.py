"""Work-plan API (/api/v1/office/plans): responses match the committed OpenAPI document; errors are problem+json."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from sifa.core.audit.models import AuditEvent
from sifa.core.testing import client_for
from sifa.core.testing.openapi import assert_matches_openapi
from sifa.modules.judicial_office.models import PlanOccurrence, WorkPlan
from sifa.modules.judicial_office.tests.plan_factories import (
    catalogue_item,
    fuyang_offices,
    next_year,
    org_of,
    other_county_office,
    plan_without_audit,
)

BASE = "/api/v1/office/plans"


def _call(client: Client, method: str, path: str, body: Any = None) -> tuple[Any, Any]:
    response = client.generic(method, path, data=json.dumps(body) if body is not None else "",
                              content_type="application/json")
    payload = response.json() if response.content else None
    assert_matches_openapi(method, path, response.status_code, response["Content-Type"], payload)
    return response, payload


def test_county_creates_assigns_and_follows_a_plan(db: Any) -> None:
    # given
    client = client_for("county")
    catalogue_item()
    # when
    created, plan = _call(client, "POST", BASE, {"title": "全区普法计划", "year": next_year()})
    added, detail = _call(client, "POST", f"{BASE}/{plan['id']}/items", {
        "title": "每月开展法治宣传", "recurrence": "monthly", "due_date": f"{next_year()}-11-30", "target": 2,
        "catalogue_code": "publicity_event", "remind_days": 5})
    _, listed = _call(client, "GET", f"{BASE}?year={next_year()}")
    _, progress = _call(client, "GET", f"{BASE}/{plan['id']}/progress?page_size=200")
    # then
    offices = len(fuyang_offices())
    assert created.status_code == 201 and plan["assigned"] is True and plan["can_manage"] is True
    assert added.status_code == 201
    [item] = detail["items"]
    assert (item["recurrence_label"], item["catalogue_code"], item["occurrences"]) == ("每月", "publicity_event",
                                                                                         offices * 2)
    assert plan["id"] in [p["id"] for p in listed["items"]]
    assert progress["count"] == offices * 2
    assert {p["period"] for p in progress["items"]} == {f"{next_year()}年11月", f"{next_year()}年12月"}
    assert all(not p["manual"] and p["status"] == "open" for p in progress["items"])


def test_the_office_lists_its_tasks_and_confirms_one(db: Any) -> None:
    # given
    county = client_for("county")
    _, plan = _call(county, "POST", BASE, {"title": "下达任务", "year": next_year()})
    _call(county, "POST", f"{BASE}/{plan['id']}/items", {"title": "签订责任书", "due_date": f"{next_year()}-04-30"})
    office1 = client_for("office1")
    # when
    _, tasks = _call(office1, "GET", f"{BASE}/occurrences?status=pending")
    [task] = [t for t in tasks["items"] if t["plan_id"] == plan["id"]]
    _, done = _call(office1, "POST", f"{BASE}/occurrences/{task['id']}/done", {"note": "已签订"})
    again, problem = _call(office1, "POST", f"{BASE}/occurrences/{task['id']}/done", {})
    # then
    assert task["org_id"] == org_of("office1").pk and task["manual"] is True
    assert {t["org_id"] for t in tasks["items"]} == {org_of("office1").pk}
    assert done["status"] == "done" and done["status_label"] == "已完成" and done["completed_at"]
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"
    assert "已确认完成" in problem["detail"]


def test_an_office_cannot_assign_and_bad_fields_are_named(db: Any) -> None:
    # given
    office1 = client_for("office1")
    before = (WorkPlan.objects.count(), AuditEvent.objects.filter(action__startswith="judicial_office.plan").count())
    # when
    assigned, problem = _call(office1, "POST", BASE, {"title": "下达", "year": next_year(), "assigned": True})
    _, own = _call(office1, "POST", BASE, {"title": "本所规划", "year": next_year()})
    bad, item_problem = _call(office1, "POST", f"{BASE}/{own['id']}/items", {
        "title": "宣传", "due_date": f"{next_year()}-05-01", "catalogue_code": "no_such_item"})
    # then
    assert assigned.status_code == 403 and problem["code"] == "permission_denied"
    assert bad.status_code == 400 and item_problem["errors"][0]["field"] == "catalogue_code"
    assert WorkPlan.objects.count() == before[0] + 1
    assert AuditEvent.objects.filter(action__startswith="judicial_office.plan").count() == before[1] + 1


def test_items_are_changed_and_removed_by_the_making_org(db: Any) -> None:
    # given
    county = client_for("county")
    _, plan = _call(county, "POST", BASE, {"title": "下达", "year": next_year()})
    _, detail = _call(county, "POST", f"{BASE}/{plan['id']}/items", {"title": "排查", "due_date": f"{next_year()}-04-30"})
    item_id = detail["items"][0]["id"]
    # when
    office_put, _ = _call(client_for("office1"), "PUT", f"{BASE}/items/{item_id}", {
        "title": "越权", "due_date": f"{next_year()}-04-30"})
    _, changed = _call(county, "PUT", f"{BASE}/items/{item_id}", {
        "title": "季度排查", "recurrence": "quarterly", "due_date": f"{next_year()}-06-15"})
    _, removed = _call(county, "DELETE", f"{BASE}/items/{item_id}")
    # then
    assert office_put.status_code == 404
    assert changed["items"][0]["title"] == "季度排查" and changed["items"][0]["occurrences"] == 3 * len(fuyang_offices())
    assert removed["items"] == [] and not PlanOccurrence.objects.filter(item_id=item_id).exists()


def test_another_countys_plan_is_404(db: Any) -> None:
    # given
    foreign = plan_without_audit(other_county_office(), title="西湖区规划")
    client = client_for("county")
    # when
    response, problem = _call(client, "GET", f"{BASE}/{foreign.pk}")
    progress, _ = _call(client, "GET", f"{BASE}/{foreign.pk}/progress")
    _, listed = _call(client, "GET", BASE)
    # then
    assert response.status_code == 404 and problem["code"] == "not_found"
    assert progress.status_code == 404
    assert foreign.pk not in [p["id"] for p in listed["items"]]
