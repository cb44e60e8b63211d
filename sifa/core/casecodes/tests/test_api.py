"""The API: grants (list, issue, revoke) and the evidence list and package, validated against docs/api/openapi.json."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client

from sifa.core.attachments.models import Attachment
from sifa.core.audit.models import AuditEvent
from sifa.core.casecodes.models import AccessGrant
from sifa.core.casecodes.services import IssuedGrant
from sifa.core.cases.models import Case
from sifa.core.ledger.package import verify_package
from sifa.core.testing import client_for
from sifa.core.testing.openapi import assert_matches_openapi

pytestmark = pytest.mark.django_db


def call(client: Client, method: str, path: str, payload: dict[str, Any] | None = None) -> tuple[int, Any]:
    if method == "GET":
        response = client.get(path)
    else:
        response = client.generic(method, path, data=json.dumps(payload or {}), content_type="application/json")
    data = response.json()
    assert_matches_openapi(method, path, response.status_code, response["Content-Type"], data)
    return response.status_code, data


def test_issue_list_and_revoke(case: Case) -> None:
    client = client_for("office1")
    status, issued = call(client, "POST", f"/api/v1/cases/{case.pk}/grants", {"note": "复议"})
    assert status == 201 and issued["grant"]["kind"] == "link" and issued["grant"]["state"] == "live"
    assert issued["code"] and "/g/" in issued["link"]
    status, issued_user = call(client, "POST", f"/api/v1/cases/{case.pk}/grants", {"grantee": "reviewer"})
    assert status == 201 and issued_user["grant"]["grantee"] == "reviewer" and issued_user["code"] == ""
    status, listed = call(client, "GET", f"/api/v1/cases/{case.pk}/grants")
    assert status == 200 and listed["count"] == 2
    assert [g["id"] for g in listed["items"]] == [issued_user["grant"]["id"], issued["grant"]["id"]]
    assert all("code" not in g and "token_hash" not in g for g in listed["items"])
    status, revoked = call(client, "POST", f"/api/v1/grants/{issued['grant']['id']}/revoke")
    assert status == 200 and revoked["state"] == "revoked" and revoked["state_label"] == "已撤销"
    status, again = call(client, "POST", f"/api/v1/grants/{issued['grant']['id']}/revoke")
    assert status == 409 and again["detail"] == "该授权已撤销"


def test_grant_errors_are_problem_json_naming_the_field(case: Case) -> None:
    client = client_for("office1")
    status, problem = call(client, "POST", f"/api/v1/cases/{case.pk}/grants", {"grantee": "ghost"})
    assert status == 400 and problem["errors"] == [{"field": "grantee", "message": "用户名 ghost 不存在或已停用"}]
    status, problem = call(client, "POST", f"/api/v1/cases/{case.pk}/grants", {"expires_at": "2099-01-01T00:00:00Z"})
    assert status == 400 and problem["errors"][0]["field"] == "expires_at"
    assert call(client_for("office2"), "POST", f"/api/v1/cases/{case.pk}/grants", {})[0] == 404
    assert call(client_for("reviewer"), "POST", f"/api/v1/cases/{case.pk}/grants", {})[0] == 403
    assert not AccessGrant.objects.exists()


def test_evidence_for_staff_and_grantee(case: Case, files: list[Attachment], user_grant: IssuedGrant) -> None:
    status, staff = call(client_for("county"), "GET", f"/api/v1/cases/{case.pk}/evidence")
    assert status == 200 and staff["case_number"] == case.number
    assert [i["verified"] for i in staff["items"]] == [True, True]
    assert staff["checkpoint"]["tree_size"] > max(i["ledger_index"] for i in staff["items"])
    assert not AuditEvent.objects.filter(action="casecodes.grant.used").exists()
    status, grantee = call(client_for("reviewer"), "GET", f"/api/v1/cases/{case.pk}/evidence")
    assert status == 200 and grantee["items"] == staff["items"]
    assert AuditEvent.objects.get(action="casecodes.grant.used").changes["what"] == "evidence_list"
    response = client_for("reviewer").get(f"/api/v1/cases/{case.pk}/evidence-package")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    report = verify_package(io.BytesIO(b"".join(response.streaming_content)), trusted_key_id=staff["key_id"])
    assert len(report.items) == 2
    assert AuditEvent.objects.filter(action="casecodes.grant.used").count() == 2


def test_a_case_out_of_reach_is_not_found(case: Case, other_case: Case, user_grant: IssuedGrant) -> None:
    assert call(client_for("reviewer"), "GET", f"/api/v1/cases/{other_case.pk}/evidence")[0] == 404
    assert call(client_for("office2"), "GET", f"/api/v1/cases/{case.pk}/evidence")[0] == 404
    assert call(Client(), "GET", f"/api/v1/cases/{case.pk}/evidence")[0] == 401
