"""/api/v1/enforcement: lists in scope, masked numbers, creates, refusals as problem+json naming the field."""

from __future__ import annotations

import json

import pytest

from sifa.core.testing import client_for
from sifa.modules.enforcement.tests.factories import (
    demo_body,
    make_body,
    make_item,
    make_officer,
    new_number,
    other_county_org,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/enforcement"


def _post(client: object, url: str, body: dict[str, object], method: str = "post") -> object:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_officer_list_is_masked_and_scoped() -> None:
    other = make_officer(make_body(other_county_org()))
    data = client_for("county").get(f"{API}/officers?page_size=200").json()
    assert data["count"] >= 8
    assert all("*" in o["id_number_masked"] for o in data["items"])
    assert other.pk not in [o["id"] for o in data["items"]]
    assert client_for("county").get(f"{API}/officers/{other.pk}").status_code == 404
    expired = [o for o in data["items"] if any("已过期" in p for p in o["problems"])]
    assert expired


def test_create_officer_defaults_to_the_own_body_for_an_officer_account_and_names_fields() -> None:
    client = client_for("county")
    r = _post(client, f"{API}/officers", {"body_id": demo_body().pk, "name": "接口执法员", "id_number": new_number(),
                                          "certificate_number": "API0000001", "certificate_scope": ["transport"],
                                          "valid_from": "2025-06-01"})
    assert r.status_code == 201, r.content  # type: ignore[attr-defined]
    assert r.json()["valid_until"] == "2030-05-31"  # type: ignore[attr-defined]
    r = _post(client, f"{API}/officers", {"name": "接口执法员", "id_number": new_number(),
                                          "certificate_number": "API0000002", "certificate_scope": ["transport"],
                                          "valid_from": "2025-06-01"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "body_id"  # type: ignore[attr-defined]


def test_items_with_articles_and_rules_update_and_rule_create() -> None:
    client = client_for("county")
    r = _post(client, f"{API}/items", {"body_id": demo_body().pk, "code": "API-1", "name": "接口事项",
                                       "kind": "penalty", "field": "city_appearance", "penalty_types": ["fine"],
                                       "basis_text": "处罚依据：《城市市容和环境卫生管理条例》第三十六条"})
    assert r.status_code == 201  # type: ignore[attr-defined]
    item = r.json()  # type: ignore[attr-defined]
    assert item["articles"][0]["role"] == "penalty" and item["articles"][0]["number"] == 36
    r = _post(client, f"{API}/items/{item['id']}/rules", {"circumstance": "serious", "penalty_type": "fine",
                                                          "min_amount": "100", "max_amount": "50"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "min_amount"  # type: ignore[attr-defined]
    r = _post(client, f"{API}/items/{item['id']}/rules", {"circumstance": "serious", "penalty_type": "fine",
                                                          "min_amount": "50", "max_amount": "100"})
    assert r.status_code == 201 and r.json()["max_amount"] == "100.00"  # type: ignore[attr-defined]
    r = _post(client, f"{API}/items/{item['id']}", {"code": "API-1", "name": "改名", "kind": "penalty",
                                                    "field": "city_appearance", "penalty_types": ["fine"],
                                                    "basis_text": "《城市市容和环境卫生管理条例》第三十七条"}, "put")
    assert r.status_code == 200 and r.json()["version"] == 2  # type: ignore[attr-defined]
    assert len(r.json()["discretion_rules"]) == 1  # type: ignore[attr-defined]


def test_bodies_and_items_of_another_county_are_404() -> None:
    body = make_body(other_county_org())
    item = make_item(body)
    client = client_for("county")
    assert client.get(f"{API}/bodies/{body.pk}").status_code == 404
    assert client.get(f"{API}/items/{item.pk}").status_code == 404
    assert body.pk not in [b["id"] for b in client.get(f"{API}/bodies").json()["items"]]
