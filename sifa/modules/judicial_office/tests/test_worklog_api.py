"""Work-log API: responses match the committed OpenAPI document; problem+json errors name the field."""

from __future__ import annotations

import datetime
import json
import time
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sifa.core.accounts.actor import Actor
from sifa.core.accounts.middleware import SESSION_LAST_SEEN, SESSION_MEMBERSHIP
from sifa.core.attachments.tests.factories import png_bytes
from sifa.core.audit.models import AuditEvent
from sifa.core.testing import client_for
from sifa.core.testing.openapi import assert_matches_openapi
from sifa.modules.judicial_office.choices import CorrectionStatus
from sifa.modules.judicial_office.models import WorkLog, WorkLogCorrection
from sifa.modules.judicial_office.services import save_work_log
from sifa.modules.judicial_office.tests.worklog_factories import (
    new_staff,
    office1,
    on_day,
    other_county_office,
)

D = datetime.date
BASE = "/api/v1/office/worklogs"


def client_of(actor: Actor) -> Client:
    client = Client()
    client.force_login(actor.user)  # type: ignore[arg-type]
    session = client.session
    session[SESSION_MEMBERSHIP] = actor.membership.pk  # type: ignore[union-attr]
    session[SESSION_LAST_SEEN] = time.time()
    session.save()
    return client


def call(client: Client, method: str, path: str, body: Any = None) -> tuple[Any, Any]:
    response = client.generic(method, path, data=json.dumps(body) if body is not None else "",
                              content_type="application/json")
    payload = response.json() if response.content else None
    assert_matches_openapi(method, path, response.status_code, response["Content-Type"], payload)
    return response, payload


def test_save_and_read_ones_own_day(db: Any) -> None:
    # given
    actor = new_staff()
    client = client_of(actor)
    # when
    with on_day(D(2026, 11, 20)):
        response, body = call(client, "POST", BASE, {"day": "2026-11-20", "submit": True, "text": "接待来访",
                                                     "items": [{"code": "legal_consultation", "count": 4, "note": "婚姻"}]})
        _, mine = call(client, "GET", f"{BASE}/mine?day=2026-11-20")
    # then
    assert response.status_code == 200
    assert (body["status"], body["text"], body["lock_date"], body["locked"]) == ("submitted", "接待来访", "2026-11-25", False)
    assert body["items"] == [{"code": "legal_consultation", "name": "法律咨询", "unit": "人次", "count": 4, "note": "婚姻",
                              "photos": [], "cases": []}]
    assert mine["log"]["id"] == body["id"] and mine["day"] == "2026-11-20"


def test_a_bad_item_is_problem_json_naming_the_row(db: Any) -> None:
    actor = new_staff()
    before = (WorkLog.objects.count(), AuditEvent.objects.count())
    with on_day(D(2026, 11, 20)):
        response, body = call(client_of(actor), "POST", BASE, {"day": "2026-11-20", "submit": True,
                                                               "items": [{"code": "mediation", "count": 0}]})
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert body["code"] == "validation_failed" and body["errors"][0]["field"] == "items[0].count"
    assert (WorkLog.objects.count(), AuditEvent.objects.count()) == before


def test_photos_are_uploaded_then_attached_by_id(db: Any) -> None:
    actor = new_staff()
    client = client_of(actor)
    upload = client.post(f"{BASE}/photos", {"file": SimpleUploadedFile("a.png", png_bytes(tag="worklog-api"), "image/png")})
    photo = upload.json()
    assert_matches_openapi("POST", f"{BASE}/photos", upload.status_code, upload["Content-Type"], photo)
    assert upload.status_code == 201 and photo["ledger_index"] is not None
    with on_day(D(2026, 11, 20)):
        _, body = call(client, "POST", BASE, {"day": "2026-11-20", "submit": True,
                                              "items": [{"code": "publicity_event", "count": 1, "photos": [photo["id"]]}]})
    assert body["items"][0]["photos"][0]["sha256"] == photo["sha256"]
    refused = client.post(f"{BASE}/photos", {"file": SimpleUploadedFile("a.txt", b"hello", "text/plain")})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "file"


def test_list_detail_and_scope(db: Any) -> None:
    actor = new_staff()
    with on_day(D(2026, 11, 20)):
        log = save_work_log(actor=actor, day=D(2026, 11, 20), items=[{"code": "mediation", "count": 1}], submit=True)
    name = actor.user.display_name  # type: ignore[union-attr]
    _, page = call(client_for("county"), "GET", f"{BASE}?author={name}")
    assert page["count"] == 1 and page["items"][0]["id"] == log.pk and page["items"][0]["org_name"] == office1().name
    _, detail = call(client_for("county"), "GET", f"{BASE}/{log.pk}")
    assert detail["items"][0]["code"] == "mediation"
    elsewhere = client_of(new_staff(other_county_office().parent, role="bureau_staff"))
    response, body = call(elsewhere, "GET", f"{BASE}/{log.pk}")
    assert response.status_code == 404 and body["code"] == "not_found"
    _, none = call(elsewhere, "GET", f"{BASE}?author={name}")
    assert none["count"] == 0


def test_catalogue_and_auto_items(db: Any) -> None:
    _, catalogue = call(client_for("office1"), "GET", f"{BASE}/catalogue")
    items = catalogue["items"]
    assert catalogue["org_id"] == office1().pk and catalogue["count"] == len(items)
    assert [i["code"] for i in items][:2] == ["mediation", "dispute_screening"] and all(i["active"] for i in items)
    response, body = call(client_for("county"), "GET", f"{BASE}/auto-items")
    assert response.status_code == 400 and {e["field"] for e in body["errors"]} == {"org", "day"}
    _, auto = call(client_for("county"), "GET", f"{BASE}/auto-items?org={office1().pk}&day=2026-11-20")
    assert (auto["org_id"], auto["day"], auto["items"]) == (office1().pk, "2026-11-20", [])


def test_correction_request_and_decision(db: Any) -> None:
    # given a locked log
    actor = new_staff()
    with on_day(D(2026, 9, 30)):
        log = save_work_log(actor=actor, day=D(2026, 9, 30), items=[{"code": "mediation", "count": 1}], submit=True)
    # when its author requests a correction and the county approves it
    with on_day(D(2026, 10, 12)):
        response, correction = call(client_of(actor), "POST", f"{BASE}/{log.pk}/corrections",
                                    {"reason": "漏填", "items": [{"code": "mediation", "count": 2}]})
        assert response.status_code == 201 and correction["status"] == "pending"
        _, listed = call(client_for("county"), "GET", f"{BASE}/corrections?status=pending")
        _, decided = call(client_for("county"), "POST", f"{BASE}/corrections/{correction['id']}/decision",
                          {"approve": True, "note": "同意"})
        again, problem = call(client_for("county"), "POST", f"{BASE}/corrections/{correction['id']}/decision",
                              {"approve": False, "note": "重复"})
    # then
    assert correction["id"] in [c["id"] for c in listed["items"]]
    assert (decided["status"], decided["decision_note"], decided["proposed"]["items"][0]["count"]) == ("approved", "同意", 2)
    assert again.status_code == 409 and problem["code"] == "conflict"
    assert WorkLogCorrection.objects.get(pk=correction["id"]).status == CorrectionStatus.APPROVED
    assert log.items.get().count == 2
