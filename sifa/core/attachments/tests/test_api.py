"""The attachments API: multipart upload, list, metadata, audited content; problem+json errors; scope."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sifa.core.attachments.models import Attachment
from sifa.core.attachments.tests import factories as f
from sifa.core.audit.models import AuditEvent
from sifa.core.testing import client_for
from sifa.core.testing.openapi import assert_matches_openapi

pytestmark = pytest.mark.django_db


def checked(method: str, path: str, response) -> dict:  # type: ignore[no-untyped-def]
    data = response.json()
    assert_matches_openapi(method, path, response.status_code, response["Content-Type"], data)
    return data  # type: ignore[no-any-return]


def test_upload_list_metadata_and_content(office_case):
    # given
    client = client_for("office1")
    base = f"/api/v1/cases/{office_case.pk}/attachments"
    data = f.jpeg_bytes()
    # when uploading (multipart)
    response = client.post(base, {"file": SimpleUploadedFile("现场.pdf", data), "kind": "photo", "note": "门口"})
    # then 201 with the attachment, its type detected from the bytes
    created = checked("POST", base, response)
    assert response.status_code == 201
    assert created["content_type"] == "image/jpeg" and created["type_label"] == "JPEG 图片"
    assert created["name"] == "现场.pdf" and created["kind"] == "photo" and created["kind_label"] == "现场照片"
    assert created["sha256"] == hashlib.sha256(data).hexdigest() and created["sm3"] == hashlib.new("sm3", data).hexdigest()
    assert created["size"] == len(data) and created["has_thumbnail"] is True and created["note"] == "门口"
    assert created["ledger_index"] == Attachment.objects.get(pk=created["id"]).ledger_index is not None
    assert created["case_id"] == office_case.pk and created["org_id"] == office_case.org_id
    # the list
    response = client.get(base)
    listed = response.json()
    assert response.status_code == 200 and [a["id"] for a in listed] == [created["id"]]
    for item in listed:  # (the helper resolves only a top-level $ref: check each item against the item schema)
        assert_matches_openapi("GET", f"/api/v1/attachments/{item['id']}", 200, response["Content-Type"], item)
    # one attachment
    one = checked("GET", f"/api/v1/attachments/{created['id']}", client.get(f"/api/v1/attachments/{created['id']}"))
    assert one == created
    # its content, audited
    before = AuditEvent.objects.filter(action="attachments.attachment.downloaded").count()
    content = client.get(f"/api/v1/attachments/{created['id']}/content")
    assert content.status_code == 200 and b"".join(content.streaming_content) == data
    assert content["Content-Type"] == "image/jpeg" and content["X-Content-Type-Options"] == "nosniff"
    assert content["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert AuditEvent.objects.filter(action="attachments.attachment.downloaded").count() == before + 1


def test_refused_upload_is_problem_json_naming_the_field(office_case):
    base = f"/api/v1/cases/{office_case.pk}/attachments"
    response = client_for("office1").post(base, {"file": SimpleUploadedFile("a.pdf", f.exe_bytes())})
    problem = checked("POST", base, response)
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert problem["code"] == "validation_failed" and problem["errors"][0]["field"] == "file"
    assert "Windows 可执行程序" in problem["detail"]
    missing = client_for("office1").post(base, {"kind": "evidence"})
    assert missing.status_code == 400 and checked("POST", base, missing)["errors"][0]["field"] == "file"
    assert not Attachment.objects.filter(case=office_case).exists()


def test_permission_and_scope(office_case, other_county_user):
    attachment = f.store_for_test(org=office_case.org, case=office_case, name="照片.png")
    base = f"/api/v1/cases/{office_case.pk}/attachments"
    denied = client_for("reviewer").post(base, {"file": SimpleUploadedFile("a.pdf", f.pdf_bytes())})
    assert denied.status_code == 403
    before = AuditEvent.objects.count()
    for username in ("office2", other_county_user.username):
        client = client_for(username)
        assert client.get(base).status_code == 404
        assert client.post(base, {"file": SimpleUploadedFile("a.pdf", f.pdf_bytes())}).status_code == 404
        assert client.get(f"/api/v1/attachments/{attachment.pk}").status_code == 404
        response = client.get(f"/api/v1/attachments/{attachment.pk}/content")
        assert response.status_code == 404 and checked("GET", f"/api/v1/attachments/{attachment.pk}/content",
                                                       response)["code"] == "not_found"
    assert AuditEvent.objects.count() == before
    assert Attachment.objects.filter(case=office_case).count() == 1
