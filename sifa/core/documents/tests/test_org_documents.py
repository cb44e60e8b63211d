"""Org documents (reports, letters, notices an org issues; no case): service, scope, .xlsx output, pages, API."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sifa.core.attachments.models import Attachment
from sifa.core.attachments.store import open_content
from sifa.core.audit.models import AuditEvent
from sifa.core.documents.layout import paragraphs_text
from sifa.core.documents.models import GeneratedDocument, PdfStatus
from sifa.core.documents.services import generate_document, generate_org_document
from sifa.core.documents.tests.conftest import open_test_case
from sifa.core.errors import NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.ledger.entries import decode_entry
from sifa.core.ledger.models import LedgerEntry
from sifa.core.orgs.models import Org
from sifa.core.testing import actor_for, membership_of
from tests.testapp.documents import table_rows

pytestmark = pytest.mark.django_db


def _county() -> Org:
    return membership_of("county").org


def test_org_notice_is_numbered_filled_with_a_picture_stored_and_ledgered() -> None:
    # given the county bureau
    county = _county()
    # when it issues a notice for October
    document = generate_org_document(actor=actor_for("county"), org=county, doc_type="test_org_notice",
                                     params={"period": "2026-10"}, extra={"note": "请认真落实"})
    # then it is numbered with the org's prefix, belongs to the org, not to a case, and keeps the period
    year = timezone.localdate().year
    assert document.number == f"浙0111司通〔{year}〕1号"
    assert document.org_id == county.pk and document.case_id is None and document.period == "2026-10"
    text = "\n".join(paragraphs_text(open_content(document.file)))
    assert document.number in text and "2026年10月" in text and county.name in text and "请认真落实" in text
    child = county.children.order_by("name").first()
    assert child is not None and child.name in text
    assert "{{" not in text and "{%" not in text
    # and the chart went in as a picture
    with zipfile.ZipFile(io.BytesIO(open_content(document.file))) as docx:
        assert any(name.startswith("word/media/") for name in docx.namelist())
    # and the file is an evidence attachment of the org with a ledger entry
    attachment = Attachment.objects.get(pk=document.file_id)
    assert attachment.org_id == county.pk and attachment.case_id is None and attachment.kind == "document"
    entry = decode_entry(bytes(LedgerEntry.objects.get(index=attachment.ledger_index).entry))
    assert entry.type == "document.generated" and entry.metadata["period"] == "2026-10"
    event = AuditEvent.objects.get(action="documents.report.generated")
    assert event.changes["org"] == county.pk and event.changes["number"] == document.number


def test_xlsx_type_is_made_by_its_render_function() -> None:
    # when the county issues the table
    document = generate_org_document(actor=actor_for("county"), org=_county(), doc_type="test_org_table",
                                     params={"period": "2026-09"})
    # then the stored file is an .xlsx whose first row carries the number, with one row per child org
    assert document.file.name.endswith(".xlsx") and document.file_format == "xlsx"
    assert document.file.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = table_rows(open_content(document.file))
    assert document.number in rows[0][0] and "2026年9月" in rows[0][0]
    assert len(rows) == 2 + _county().children.count()
    assert document.pdf is None and document.pdf_status == PdfStatus.NOT_WANTED


@pytest.mark.parametrize(("params", "field"), [({}, "period"), ({"period": "2026-13"}, "period"),
                                               ({"period": "十月"}, "period")])
def test_bad_params_are_refused_naming_the_field_and_nothing_is_written(params: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        generate_org_document(actor=actor_for("county"), org=_county(), doc_type="test_org_notice", params=params)
    assert exc.value.field == field
    assert not GeneratedDocument.objects.exists() and not Attachment.objects.exists()
    assert not AuditEvent.objects.filter(action="documents.report.generated").exists()


def test_case_and_org_types_do_not_mix() -> None:
    case = open_test_case()
    with pytest.raises(ValidationFailed) as exc:
        generate_document(actor=actor_for("office1"), case=case, doc_type="test_org_notice")
    assert exc.value.field == "doc_type"
    with pytest.raises(ValidationFailed) as exc:
        generate_org_document(actor=actor_for("county"), org=_county(), doc_type="test_acceptance_notice")
    assert exc.value.field == "doc_type"
    assert not GeneratedDocument.objects.exists()


def test_an_org_outside_scope_is_not_found_and_permission_is_required() -> None:
    # an office cannot issue for its county (above it): not found
    with pytest.raises(NotFound):
        generate_org_document(actor=actor_for("office1"), org=_county(), doc_type="test_org_table",
                              params={"period": "2026-10"})
    # an external reviewer has no documents.generate
    with pytest.raises(PermissionDeniedError):
        generate_org_document(actor=actor_for("reviewer"), org=membership_of("reviewer").org, doc_type="test_org_table",
                              params={"period": "2026-10"})
    assert not GeneratedDocument.objects.exists()


def test_pages_list_in_scope_and_issue(client: Client) -> None:
    # given a table issued by the county and one by the city above it
    generate_org_document(actor=actor_for("county"), org=_county(), doc_type="test_org_table", params={"period": "2026-10"})
    city = membership_of("city").org
    above = generate_org_document(actor=actor_for("city"), org=city, doc_type="test_org_table", params={"period": "2026-10"})
    # when the county user opens 报表文书
    client.force_login(membership_of("county").user)
    page = client.get(reverse("documents:org_list")).content.decode()
    # then only its own subtree's document is listed
    assert page.count('data-doc-type="test_org_table"') == 1 and above.number not in page
    # and issuing through the form works, with a bad month shown beside the form
    bad = client.post(reverse("documents:org_generate"), {"org": _county().pk, "doc_type": "test_org_notice",
                                                          "param_period": "2026/10"})
    assert bad.status_code == 400 and "YYYY-MM" in bad.content.decode()
    ok = client.post(reverse("documents:org_generate"), {"org": _county().pk, "doc_type": "test_org_notice",
                                                         "param_period": "2026-10"}, follow=True)
    assert ok.status_code == 200 and GeneratedDocument.objects.filter(doc_type="test_org_notice").count() == 1


def test_api_lists_and_issues(client: Client) -> None:
    client.force_login(membership_of("county").user)
    created = client.post("/api/v1/documents", {"org_id": _county().pk, "doc_type": "test_org_table",
                                                "params": {"period": "2026-10"}}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["case_id"] is None and body["period"] == "2026-10" and body["file_format"] == "xlsx"
    listed = client.get("/api/v1/documents", {"period": "2026-10"}).json()
    assert [d["number"] for d in listed["items"]] == [body["number"]]
    outside = client.post("/api/v1/documents", {"org_id": membership_of("city").org.pk, "doc_type": "test_org_table",
                                                "params": {"period": "2026-10"}}, content_type="application/json")
    assert outside.status_code == 404
    types = {t["code"]: t for t in client.get("/api/v1/documents/types").json()}
    assert types["test_org_table"]["subject"] == "org" and types["test_org_table"]["params"] == {"period": "月份（YYYY-MM）"}
