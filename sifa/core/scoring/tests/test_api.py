"""The scoring API, every response checked against docs/api/openapi.json."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.test import Client
from django.utils import timezone

from sifa.core.scoring import periods
from sifa.core.scoring.models import Adjustment, Scheme, SchemeVersion, Score
from sifa.core.scoring.services import compute_scores, import_scheme
from sifa.core.scoring.tests.factories import example_data, make_case, other_county_office
from sifa.core.testing import actor_for, client_for, membership_of
from sifa.core.testing.openapi import assert_matches_openapi

BASE = "/api/v1/scoring"


def call(client: Client, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    response = client.generic(method, path, data=json.dumps(body) if body is not None else "",
                              content_type="application/json")
    payload = response.json() if response.content else None
    assert_matches_openapi(method, path, response.status_code, response["Content-Type"], payload)
    return response.status_code, payload


def month() -> periods.Period:
    return periods.containing(periods.MONTH, timezone.localdate())


def test_schemes_list_and_tree_of_the_version_in_force(version: SchemeVersion) -> None:
    from sifa.core.accounts.actor import Actor

    import_scheme(actor=Actor.system("test"), data=example_data(valid_from="2026-01-01", total=100))
    client = client_for("office1")
    status, body = call(client, "GET", f"{BASE}/schemes")
    installed = set(Scheme.objects.exclude(pk=version.scheme.pk).values_list("code", flat=True))  # modules' demo data
    assert status == 200 and sorted(s["code"] for s in body["items"]) == sorted({"testapp.office"} | installed)
    status, detail = call(client, "GET", f"{BASE}/schemes/{version.scheme.pk}?on=2025-06-30")
    assert status == 200 and detail["version"]["number"] == 1 and len(detail["versions"]) == 2
    assert [p["code"] for p in detail["indicators"]] == ["A", "B", "N"]
    a11 = detail["indicators"][0]["children"][0]["children"][0]
    assert (a11["code"], a11["rule"], a11["cap"], a11["source"]) == ("A.1.1", "每件 2 分，上限 30 分", "30",
                                                                     "testapp.cases_opened")
    assert detail["indicators"][2]["deduction"] is True
    _, later = call(client, "GET", f"{BASE}/schemes/{version.scheme.pk}?on=2026-02-01")
    assert later["version"]["number"] == 2
    _, none = call(client, "GET", f"{BASE}/schemes/{version.scheme.pk}?on=2019-01-01")
    assert none["version"] is None and none["indicators"] == []


def test_compute_ranking_detail_and_adjust(version: SchemeVersion) -> None:
    office = membership_of("office1").org
    case = make_case(office, timezone.localdate(), title="接口评分案件")
    client = client_for("county")
    # compute
    status, computed = call(client, "POST", f"{BASE}/schemes/{version.scheme.pk}/compute", {"period": month().key})
    assert status == 200 and computed["count"] == len(computed["items"]) > 1
    assert computed["period_label"] == month().label
    # ranking
    status, ranking = call(client, "GET", f"{BASE}/scores?scheme={version.scheme.pk}&period={month().key}")
    assert status == 200 and ranking["version"] == 1 and [p["code"] for p in ranking["parts"]] == ["A", "B", "N"]
    top = ranking["items"][0]
    assert (top["rank"], top["subject_id"], top["total"]) == (1, office.pk, "2.00")
    assert {p["code"]: p["points"] for p in top["parts"]}["A"] == "2.00"
    assert all(item["rank"] == 2 for item in ranking["items"][1:])  # the others tie at 0
    # detail
    status, detail = call(client, "GET", f"{BASE}/scores/{top['id']}")
    line = next(x for x in detail["lines"] if x["code"] == "A.1.1")
    assert status == 200 and line["facts"][0]["label"].endswith("接口评分案件")
    assert line["facts"][0]["url"] == f"/cases/{case.pk}/" and line["rule"] == "每件 2 分，上限 30 分"
    # adjust
    status, adjusted = call(client, "POST", f"{BASE}/scores/{top['id']}/adjustments",
                            {"indicator": "B.1", "points": 7.5, "reason": "创新做法被推广"})
    assert status == 201 and adjusted["total"] == "9.50" and adjusted["is_current"]
    b1 = next(x for x in adjusted["lines"] if x["code"] == "B.1")
    assert b1["adjustment"] == "7.50" and b1["adjustments"][0]["reason"] == "创新做法被推广"
    _, old = call(client, "GET", f"{BASE}/scores/{top['id']}")
    assert old["is_current"] is False and old["current_id"] == adjusted["id"]


def test_errors_are_problems_naming_the_field(version: SchemeVersion) -> None:
    office = membership_of("office1").org
    [score] = compute_scores(actor=actor_for("county"), scheme=version.scheme, period=month(), subjects=[office.pk])
    client = client_for("county")
    status, body = call(client, "POST", f"{BASE}/scores/{score.pk}/adjustments",
                        {"indicator": "A.2", "points": 21, "reason": "超过"})
    assert status == 400 and body["errors"][0]["field"] == "points" and "上限 20 分" in body["detail"]
    status, body = call(client, "POST", f"{BASE}/schemes/{version.scheme.pk}/compute", {"period": "2026-13"})
    assert status == 400 and body["errors"][0]["field"] == "period"
    status, body = call(client, "GET", f"{BASE}/scores?scheme={version.scheme.pk}&period=bad")
    assert status == 400 and body["code"] == "invalid_period"
    status, _ = call(client_for("office1"), "POST", f"{BASE}/schemes/{version.scheme.pk}/compute",
                     {"period": month().key})
    assert status == 403
    assert not Adjustment.objects.exists()


def test_out_of_scope_is_not_found(version: SchemeVersion) -> None:
    xihu = other_county_office()
    [foreign] = compute_scores(actor=actor_for("province"), scheme=version.scheme, period=month(), subjects=[xihu.pk])
    client = client_for("county")
    assert call(client, "GET", f"{BASE}/scores/{foreign.pk}")[0] == 404
    assert call(client, "POST", f"{BASE}/scores/{foreign.pk}/adjustments",
                {"indicator": "A.2", "points": 1, "reason": "x"})[0] == 404
    assert call(client, "POST", f"{BASE}/schemes/{version.scheme.pk}/compute",
                {"period": month().key, "subjects": [xihu.pk]})[0] == 404
    _, ranking = call(client, "GET", f"{BASE}/scores?scheme={version.scheme.pk}&period={month().key}")
    assert ranking["items"] == []
    assert Score.objects.filter(subject_id=xihu.pk).count() == 1


def test_a_past_month_can_be_recomputed(version: SchemeVersion) -> None:
    last = periods.previous(month())
    make_case(membership_of("office1").org, last.start + datetime.timedelta(days=1))
    client = client_for("county")
    body = {"period": last.key, "subjects": [membership_of("office1").org.pk]}
    _, first = call(client, "POST", f"{BASE}/schemes/{version.scheme.pk}/compute", body)
    _, second = call(client, "POST", f"{BASE}/schemes/{version.scheme.pk}/compute", body)
    assert first["items"][0]["total"] == second["items"][0]["total"] == "2.00"
    assert Score.objects.filter(period_start=last.start, is_current=False).count() == 1
