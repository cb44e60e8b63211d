"""GET /api/v1/cockpit/{org_id}: the page's figures as JSON, checked against the committed OpenAPI document."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from sifa.core.testing import client_for
from sifa.core.testing.openapi import assert_matches_openapi
from sifa.modules.judicial_office.tests import cockpit_factories as f


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    f.clean_slate()
    a, b = f.office_of("office1"), f.office_of("office2")
    f.total(a, datetime.date(2026, 3, 2), "mediation", manual=2, auto=1)
    f.total(b, datetime.date(2026, 3, 31), "legal_consultation", manual=4)
    f.log(a, datetime.date(2026, 3, 2))
    f.alert(a, "worklog.count_implausible")
    return {"a": a, "b": b}


def _get(username: str, path: str) -> tuple[int, Any]:
    response = client_for(username).get(path)
    body = response.json() if response.content else None
    assert_matches_openapi("GET", path.split("?")[0], response.status_code, response["Content-Type"], body)
    return response.status_code, body


def test_county_figures(world: dict[str, Any]) -> None:
    # when
    status, body = _get("county", f"/api/v1/cockpit/{f.fuyang().pk}?start=2026-03-01&end=2026-03-31")
    # then
    assert status == 200
    assert body["org"]["name"] == "杭州市富阳区司法局"
    assert body["period"] == {"start": "2026-03-01", "end": "2026-03-31", "preset": "custom",
                              "label": "2026-03-01 至 2026-03-31"}
    assert body["kpi"]["total"] == 7 and body["kpi"]["manual"] == 6 and body["kpi"]["auto"] == 1
    assert body["kpi"]["offices"] == 24
    assert body["kpi"]["rate"] == {"reported": 1, "expected": 24 * 22, "percent": round(100 / (24 * 22), 1)}
    assert [(i["code"], i["total"]) for i in body["items"]] == [("legal_consultation", 4), ("mediation", 3)]
    assert body["items"][1]["logs_url"].endswith("&item=mediation")
    children = {c["id"]: c for c in body["children"]}
    assert children[world["a"].pk]["total"] == 3 and children[world["a"].pk]["items"] == {"mediation": 3}
    assert body["top"][0]["id"] == world["b"].pk
    assert len(body["series"]) == 31 and body["series"][1] == {"start": "2026-03-02", "end": "2026-03-02",
                                                                "label": "03-02", "total": 3}
    assert body["alerts"]["open"] == 1 and body["quality"]["anomalies"][0]["code"] == "worklog.count_implausible"
    assert body["scores"] is None
    assert [o["name"] for o in body["breadcrumb"]] == ["杭州市富阳区司法局"]


def test_default_period_is_this_month(world: dict[str, Any]) -> None:
    status, body = _get("office1", f"/api/v1/cockpit/{world['a'].pk}")
    assert status == 200 and body["period"]["preset"] == "month" and body["children"] == []
    status, body = _get("office1", f"/api/v1/cockpit/{world['a'].pk}?period=last_month")
    assert status == 200 and body["period"]["preset"] == "last_month"


@pytest.mark.parametrize(("query", "field"), [
    ("start=2026-03-05&end=2026-03-01", "end"), ("start=2026-03-05", "end"), ("period=decade", "period"),
    ("start=2026-13-01&end=2026-03-01", "start"),
])
def test_bad_period_is_problem_json_naming_the_field(world: dict[str, Any], query: str, field: str) -> None:
    status, body = _get("county", f"/api/v1/cockpit/{f.fuyang().pk}?{query}")
    assert status == 400
    assert body["errors"][0]["field"] == field


def test_outside_scope_and_without_permission(world: dict[str, Any]) -> None:
    assert _get("county", f"/api/v1/cockpit/{f.hangzhou().pk}")[0] == 404
    assert _get("office1", f"/api/v1/cockpit/{world['b'].pk}")[0] == 404
    assert _get("reviewer", f"/api/v1/cockpit/{f.fuyang().pk}")[0] == 403
