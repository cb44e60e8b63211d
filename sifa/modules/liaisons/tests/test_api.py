import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sifa.core.audit.models import AuditEvent
from sifa.core.testing import client_for
from sifa.core.testing.openapi import assert_matches_openapi
from sifa.modules.liaisons.models import LegalLiaison, LiaisonActivity
from sifa.modules.liaisons.tests.factories import (
    add_activity,
    add_training,
    make_liaison,
    new_county_with_offices,
    new_number,
    office_of,
    other_county_office,
)

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def _call(client: Client, method: str, path: str, body: Any = None) -> tuple[Any, Any]:
    data = json.dumps(body) if body is not None else ""
    response = client.generic(method, path, data=data, content_type="application/json")
    payload = response.json() if response.content else None
    assert_matches_openapi(method, path, response.status_code, response["Content-Type"], payload)
    return response, payload


def test_list_is_scoped_filtered_and_masked() -> None:
    # given
    mine = make_liaison(office_of("office1"), community="接口村")
    foreign = make_liaison(other_county_office(), community="接口村")
    # when
    response, body = _call(client_for("county"), "GET", "/api/v1/liaisons?q=接口村")
    # then
    assert response.status_code == 200
    assert [item["id"] for item in body["items"]] == [mine.pk]
    item = body["items"][0]
    assert item["id_number_masked"] == mine.person.id_number_masked and "*" in item["id_number_masked"]
    assert (item["org_name"], item["county_name"], item["status"]) == (
        mine.org.name, "杭州市富阳区司法局", "active")
    assert foreign.pk not in [i["id"] for i in _call(client_for("county"), "GET", "/api/v1/liaisons?page_size=200")[1]["items"]]


def test_detail_has_records_and_points() -> None:
    liaison = make_liaison(office_of("office1"))
    add_activity(liaison, "publicity", YESTERDAY, 4)
    add_training(liaison, YESTERDAY, "1.5")
    response, body = _call(client_for("office1"), "GET", f"/api/v1/liaisons/{liaison.pk}")
    assert response.status_code == 200
    assert [(a["kind"], a["count"]) for a in body["activities"]] == [("publicity", 4)]
    assert body["trainings"][0]["hours"] == "1.5"
    this_year = next(p for p in body["points"] if p["year"] == YESTERDAY.year)
    assert this_year["total"] == "11.00"  # 4 × 2 + 1.5 h × 2
    assert {line["key"]: line["points"] for line in this_year["lines"]}["publicity"] == "8.00"


def test_another_countys_liaison_is_404_like_a_missing_one() -> None:
    foreign = make_liaison(other_county_office())
    for path in (f"/api/v1/liaisons/{foreign.pk}", "/api/v1/liaisons/999999999"):
        response, body = _call(client_for("county"), "GET", path)
        assert response.status_code == 404 and body["code"] == "not_found"
    response, _ = _call(client_for("county"), "POST", f"/api/v1/liaisons/{foreign.pk}/activities",
                        {"kind": "publicity", "done_on": YESTERDAY.isoformat()})
    assert response.status_code == 404
    assert not LiaisonActivity.objects.filter(liaison=foreign).exists()


def test_create_and_record_an_activity() -> None:
    client = client_for("office1")
    response, body = _call(client, "POST", "/api/v1/liaisons",
                           {"name": "接口登记", "id_number": new_number(), "community": "东风村",
                            "appointed_on": "2025-01-01"})
    assert response.status_code == 201
    assert (body["name"], body["org_id"], body["points"][0]["grade"]) == ("接口登记", office_of("office1").pk, "不称职")
    response, activity = _call(client, "POST", f"/api/v1/liaisons/{body['id']}/activities",
                               {"kind": "dispute", "done_on": YESTERDAY.isoformat(), "count": 2, "note": "调处"})
    assert response.status_code == 201
    assert (activity["kind_label"], activity["count"], activity["photo_ids"]) == ("矛盾纠纷排查调处", 2, [])
    assert AuditEvent.objects.filter(action="liaisons.activity.recorded", object_id=str(body["id"])).count() == 1


def test_errors_are_problem_json_naming_the_field() -> None:
    # given
    client = client_for("office1")
    liaison = make_liaison(office_of("office1"))
    before = (LegalLiaison.objects.count(), AuditEvent.objects.count())
    # when
    bad_number, body1 = _call(client, "POST", "/api/v1/liaisons", {"name": "甲", "id_number": "123", "community": "x"})
    future, body2 = _call(client, "POST", f"/api/v1/liaisons/{liaison.pk}/activities",
                          {"kind": "publicity", "done_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()})
    bad_kind, body3 = _call(client, "POST", f"/api/v1/liaisons/{liaison.pk}/activities",
                            {"kind": "party", "done_on": YESTERDAY.isoformat()})
    denied, body4 = _call(client_for("city"), "POST", "/api/v1/liaisons",
                          {"name": "甲", "id_number": new_number(), "community": "x", "org_id": office_of("office1").pk})
    # then
    assert (bad_number.status_code, body1["errors"][0]["field"]) == (400, "id_number")
    assert (future.status_code, body2["errors"][0]["field"]) == (400, "done_on")
    assert (bad_kind.status_code, body3["errors"][0]["field"]) == (400, "kind")
    assert (denied.status_code, body4["code"]) == (403, "permission_denied")
    assert (LegalLiaison.objects.count(), AuditEvent.objects.count()) == before


def test_statistics_with_drill_down() -> None:
    county, (a, _b) = new_county_with_offices(["接口甲司法所", "接口乙司法所"])
    add_activity(make_liaison(a), "consultation", YESTERDAY, 5)
    client = client_for("city")
    response, top = _call(client, "GET", f"/api/v1/liaisons/statistics?year={YESTERDAY.year}")
    assert response.status_code == 200 and top["level"] == "county"
    row = next(r for r in top["rows"] if r["org_id"] == county.pk)
    assert (row["offices"], row["registered"], row["activities"]["consultation"], row["average_points"]) == (
        2, 1, 5, "5.00")
    response, drilled = _call(client, "GET", f"/api/v1/liaisons/statistics?year={YESTERDAY.year}&county={county.pk}")
    assert drilled["level"] == "office" and [r["org_name"] for r in drilled["rows"]] == ["接口甲司法所", "接口乙司法所"]
    assert drilled["total"]["registered"] == 1
    outside, _ = _call(client_for("county"), "GET", f"/api/v1/liaisons/statistics?county={county.pk}")
    assert outside.status_code == 404
    bad, body = _call(client, "GET", "/api/v1/liaisons/statistics?year=1990")
    assert bad.status_code == 400 and body["errors"][0]["field"] == "year"
