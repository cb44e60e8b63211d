"""Correction cases are handled on the module's pages only (CaseType.page): the core case pages and API
leave them out, redirect to the subject page and refuse to open or move them (their steps would skip
the module's own writes: received_on, the term, the minor flag)."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from sifa.core.testing import client_for
from sifa.modules.correction.tests.factories import make_correction


def test_core_case_list_leaves_correction_cases_out(db: Any) -> None:
    # given
    detail = make_correction(state="under_correction")
    client = client_for("office1")
    # when
    page = client.get("/cases/").content.decode()
    api = client.get("/api/v1/cases?page_size=200").json()
    # then
    assert detail.case.number not in page
    assert all(row["id"] != detail.pk for row in api["items"])


def test_core_case_page_redirects_to_the_subject_page(db: Any) -> None:
    # given
    detail = make_correction(state="under_correction")
    # when
    response = client_for("office1").get(f"/cases/{detail.pk}/")
    outside = client_for("office2").get(f"/cases/{detail.pk}/")
    # then
    assert response.status_code == 302 and response["Location"] == f"/correction/{detail.pk}/"
    assert outside.status_code == 404


def test_core_api_refuses_to_open_or_move_a_correction_case(db: Any) -> None:
    # given
    detail = make_correction(state="under_correction")
    client = client_for("corr")
    # when
    moved = client.post(f"/api/v1/cases/{detail.pk}/transitions", data=json.dumps({"name": "discharge", "data": {}}),
                        content_type="application/json")
    opened = client.post("/api/v1/cases", data=json.dumps({"type": "correction", "title": "绕过模块立案"}),
                         content_type="application/json")
    read = client.get(f"/api/v1/cases/{detail.pk}")
    # then
    assert moved.status_code == 404 and read.status_code == 404
    assert opened.status_code == 400 and "社区矫正" in opened.json()["detail"]
    detail.case.refresh_from_db()
    assert detail.case.state == "under_correction"


def test_the_core_cards_on_the_subject_page_serve_a_correction_case(db: Any) -> None:
    """The 文书, 证据材料 and 案件码 cards the subject page shows write through their own engines and
    never move the case, so their endpoints take a correction case in scope (and 404 outside it)."""
    # given
    from sifa.core.attachments.tests.factories import png_bytes
    from sifa.core.documents.models import GeneratedDocument

    detail = make_correction(state="under_correction")
    client = client_for("corr")
    upload = SimpleUploadedFile("走访记录.png", png_bytes(tag="core-cards"), content_type="image/png")
    # when
    qr = client.get(f"/casecodes/cases/{detail.pk}/qr.svg")
    outside = client_for("office2").get(f"/casecodes/cases/{detail.pk}/qr.svg")
    uploaded = client.post(f"/attachments/cases/{detail.pk}/upload/", {"file": upload, "kind": "evidence"})
    made = client.post(f"/documents/cases/{detail.pk}/generate/", {"doc_type": "case_summary"})
    # then
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert outside.status_code == 404
    assert uploaded.status_code == 302 and detail.case.attachments.filter(name="走访记录.png").exists()
    assert made.status_code == 302
    assert GeneratedDocument.objects.filter(case=detail.case, doc_type="case_summary").exists()


def test_a_minors_documents_evidence_and_case_code_follow_the_minor_rule(db: Any) -> None:
    """CC-35 / C-85: the shared cards' endpoints answer 404 on a minor's case for a user without
    correction.minor_files, even inside the org scope; the county agency's staff reach them."""
    # given a minor's case in office1
    minor = make_correction(minor=True)
    # when office1 (in scope, no correction.minor_files) and corr (with it) ask for its evidence list and QR
    office = client_for("office1")
    agency = client_for("corr")
    # then
    assert office.get(f"/api/v1/cases/{minor.pk}/attachments").status_code == 404
    assert office.get(f"/casecodes/cases/{minor.pk}/qr.svg").status_code == 404
    assert agency.get(f"/api/v1/cases/{minor.pk}/attachments").status_code == 200
    assert agency.get(f"/casecodes/cases/{minor.pk}/qr.svg").status_code == 200


def test_every_part_applies_the_minor_rule(db: Any) -> None:
    """CC-35 / C-85 lives in the module's querysets: supervision, sanctions and their API answer 404 on a minor's
    case for a role without correction.minor_files, and the county agency reaches it."""
    # given a minor's case and a sanction on it in office1's 司法所
    from sifa.modules.correction.tests.sanction_factories import make_sanction

    minor = make_correction(minor=True)
    sanction = make_sanction(minor)
    # when office1 (in scope, no correction.minor_files) and corr (with it) ask
    office, agency = client_for("office1"), client_for("corr")
    # then
    assert office.get(f"/correction/supervision/{minor.pk}/").status_code == 404
    assert office.get(f"/api/v1/correction/sanctions/cases/{minor.pk}").status_code == 404
    assert office.get(f"/api/v1/correction/sanctions/{sanction.pk}").status_code == 404
    assert all(row["id"] != sanction.pk for row in office.get("/api/v1/correction/sanctions").json()["items"])
    assert agency.get(f"/correction/supervision/{minor.pk}/").status_code == 200
    assert agency.get(f"/api/v1/correction/sanctions/{sanction.pk}").status_code == 200
