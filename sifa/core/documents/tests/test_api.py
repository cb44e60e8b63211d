"""The documents API, with every response checked against docs/api/openapi.json."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from django.test import Client

from sifa.core import registry
from sifa.core.cases.models import Case
from sifa.core.documents.layout import LayoutSpec, build_docx
from sifa.core.documents.models import DocumentTemplate, GeneratedDocument
from sifa.core.testing import client_for
from sifa.core.testing.openapi import OPENAPI_FILE
from sifa.core.testing.openapi import assert_matches_openapi as _assert_matches_openapi

pytestmark = pytest.mark.django_db


def assert_matches_openapi(method: str, path: str, status: int, content_type: str, body: Any) -> None:
    """The shared check, plus list responses: it resolves only a top-level $ref, so an array of $ref items
    is checked item by item against the referenced schema here."""
    if not isinstance(body, list) or status >= 400:
        _assert_matches_openapi(method, path, status, content_type, body)
        return
    import re

    from jsonschema import Draft202012Validator

    document = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    op = next(ops[method.lower()] for template, ops in document["paths"].items()
              if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path) and method.lower() in ops)
    schema = op["responses"][str(status)]["content"][content_type.split(";")[0].strip()]["schema"]
    assert schema["type"] == "array"
    Draft202012Validator({**schema, "components": document["components"]}).validate(body)


def _call(client: Client, method: str, path: str, body: Any = None) -> tuple[Any, Any]:
    response = client.generic(method, path, data=json.dumps(body) if body is not None else "",
                              content_type="application/json")
    payload = response.json() if response.content else None
    assert_matches_openapi(method, path, response.status_code, response["Content-Type"], payload)
    return response, payload


def test_generate_and_list_case_documents(case: Case) -> None:
    client = client_for("office1")
    # when
    response, body = _call(client, "POST", f"/api/v1/cases/{case.pk}/documents",
                           {"doc_type": "case_summary", "extra": {"note": "补充"}})
    # then
    assert response.status_code == 201
    assert body["number"].startswith("浙0111司说〔") and body["template_version"] == 0
    assert body["file_attachment_id"] and body["pdf_attachment_id"] is None and body["pdf_status"] == "unavailable"
    assert body["extra"] == {"note": "补充"}
    _, listed = _call(client, "GET", f"/api/v1/cases/{case.pk}/documents")
    assert [d["id"] for d in listed] == [body["id"]]
    _, attachment = _call(client, "GET", f"/api/v1/attachments/{body['file_attachment_id']}")
    assert attachment["kind"] == "document" and attachment["case_id"] == case.pk


def test_type_not_applicable_is_400_naming_doc_type(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    narrowed = dataclasses.replace(registry.document_types["case_summary"], case_types=("other_type",))
    monkeypatch.setitem(registry.document_types._items, "case_summary", narrowed)
    response, body = _call(client_for("office1"), "POST", f"/api/v1/cases/{case.pk}/documents", {"doc_type": "case_summary"})
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert body["errors"][0]["field"] == "doc_type" and "不适用" in body["detail"]
    assert not GeneratedDocument.objects.exists()


def test_out_of_scope_case_is_404(case: Case) -> None:
    response, _ = _call(client_for("office2"), "POST", f"/api/v1/cases/{case.pk}/documents", {"doc_type": "case_summary"})
    assert response.status_code == 404
    response, _ = _call(client_for("office2"), "GET", f"/api/v1/cases/{case.pk}/documents")
    assert response.status_code == 404


def test_document_types() -> None:
    _, body = _call(client_for("office1"), "GET", "/api/v1/documents/types")
    by_code = {t["code"]: t for t in body}
    assert by_code["case_summary"]["case_types"] == [] and by_code["case_summary"]["number_word"] == "司说"
    assert by_code["test_acceptance_notice"]["case_types"] == ["test_case"]


def test_admin_uploads_lists_and_activates_templates() -> None:
    admin = client_for("admin")
    # upload (multipart)
    content = build_docx(LayoutSpec(title=("新版",)))
    response = admin.post("/api/v1/documents/templates", {"doc_type": "case_summary", "note": "接口上传",
                                                          "file": _upload(content)})
    assert_matches_openapi("POST", "/api/v1/documents/templates", response.status_code, response["Content-Type"],
                           response.json())
    assert response.status_code == 201 and response.json()["version"] == 1 and response.json()["active"]
    # list
    _, body = _call(admin, "GET", "/api/v1/documents/templates")
    summary = next(t for t in body if t["doc_type"] == "case_summary")
    assert summary["active_version"] == 1 and summary["versions"][0]["note"] == "接口上传"
    # activate the built-in version
    _, body = _call(admin, "POST", "/api/v1/documents/templates/activate", {"doc_type": "case_summary", "version": 0})
    assert body["active_version"] == 0
    assert not DocumentTemplate.objects.filter(active=True).exists()


def test_bad_template_upload_is_400_naming_file() -> None:
    bad = build_docx(LayoutSpec(title=("x",), body=("{% if %}",)))
    response = client_for("admin").post("/api/v1/documents/templates", {"doc_type": "case_summary", "file": _upload(bad)})
    body = response.json()
    assert_matches_openapi("POST", "/api/v1/documents/templates", response.status_code, response["Content-Type"], body)
    assert response.status_code == 400 and body["errors"][0]["field"] == "file" and "Jinja" in body["detail"]
    assert not DocumentTemplate.objects.exists()


def test_templates_api_is_for_template_managers_only() -> None:
    response, _ = _call(client_for("county"), "GET", "/api/v1/documents/templates")
    assert response.status_code == 403


def _upload(content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("t.docx", content,
                              content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
