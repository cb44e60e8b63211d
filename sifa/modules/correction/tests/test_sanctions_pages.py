"""Pages and API of 奖惩与提请: the office proposes on the page, the county decides from its queue, the
proposal form with the arrest request, the subject card, the Excel export and the API."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.urls import reverse

from sifa.core.audit.models import AuditEvent
from sifa.core.testing import client_for
from sifa.modules.correction.choices import SanctionStatus
from sifa.modules.correction.models import RevocationProposal, Sanction
from sifa.modules.correction.tests.factories import make_correction, office_of
from sifa.modules.correction.tests.sanction_factories import make_sanction

pytestmark = pytest.mark.django_db


def test_office_proposes_on_the_page_and_the_county_decides_from_the_queue() -> None:
    # given a subject of office1
    detail = make_correction(office_of("office1"), effective_date=datetime.date(2025, 3, 3),
                             received_on=datetime.date(2025, 3, 23))
    office = client_for("office1")
    # when the form is opened it shows the [NV] flag; a C-37-style on-time report is refused beside its field
    page = office.get(reverse("correction:sanction_new", args=[detail.pk]))
    assert page.status_code == 200 and "[NV]" in page.content.decode()
    refused = office.post(reverse("correction:sanction_new", args=[detail.pk]), {
        "kind": "admonition", "ground": "CC-16.1", "facts": "逾期报到", "reported_on": "2025-03-13"})
    assert refused.status_code == 400 and "未逾期" in refused.content.decode()
    # when a valid 训诫 is proposed
    done = office.post(reverse("correction:sanction_new", args=[detail.pk]), {
        "kind": "admonition", "ground": "CC-16.1", "facts": "逾期报到十日", "reported_on": "2025-03-23"})
    sanction = Sanction.objects.get(correction_case=detail)
    assert done.status_code == 302 and sanction.status == SanctionStatus.PROPOSED
    # then the county sees it in its queue and decides
    county = client_for("corr")
    queue = county.get(reverse("correction:sanction_queue"))
    assert f'data-sanction="{sanction.pk}"' in queue.content.decode()
    decided = county.post(reverse("correction:sanction_decide", args=[sanction.pk]), {"decision": "decide"})
    assert decided.status_code == 302
    sanction.refresh_from_db()
    assert sanction.status == SanctionStatus.DECIDED and sanction.document.doc_type == "correction_admonition"
    # and the office cannot decide (403), even its own office's proposal
    other = make_sanction(detail, status=SanctionStatus.PROPOSED)
    assert office.post(reverse("correction:sanction_decide", args=[other.pk]), {"decision": "decide"}).status_code == 403


def test_subject_card_lists_sanctions_grounds_and_links() -> None:
    detail = make_correction(office_of("office1"), sentence_type="probation")
    make_sanction(detail, decided_on=datetime.date(2026, 5, 1))
    make_sanction(detail, decided_on=datetime.date(2026, 6, 1))
    make_sanction(detail, kind="admonition", ground="CC-16.2", status=SanctionStatus.PROPOSED,
                  occurred_on=datetime.date(2026, 7, 1))
    body = client_for("corr").get(reverse("correction:subject_detail", args=[detail.pk])).content.decode()
    assert 'id="panel-sanctions"' in body and 'data-ground="CC-25(2)4"' in body
    assert reverse("correction:proposal_new", args=[detail.pk]) in body


def test_proposal_form_with_arrest_request_and_the_detail_page() -> None:
    detail = make_correction(office_of("office1"), sentence_type="probation", effective_date=datetime.date(2025, 6, 2))
    county = client_for("corr")
    url = reverse("correction:proposal_new", args=[detail.pk])
    form = county.get(url + "?ground=CC-25(2)4")
    checked = re.search(r'<input[^>]*value="CC-25\(2\)4"[^>]*>', form.content.decode())
    assert form.status_code == 200 and checked is not None and "checked" in checked.group(0)
    posted = county.post(url, {
        "grounds": ["CC-25(2)4"], "facts": "二次警告后仍不改正", "court": "杭州市富阳区人民法院",
        "court_received_at": "2025-12-19T10:00", "procuratorate": "杭州市富阳区人民检察院",
        "procuratorate_copied_on": "2025-12-19", "arrest_requested": "on", "arrest_reason": "可能逃跑"})
    assert posted.status_code == 302
    proposal = RevocationProposal.objects.get(correction_case=detail)
    page = county.get(reverse("correction:proposal_detail", args=[proposal.pk])).content.decode()
    assert "2025-12-21 10:00" in page and 'id="arrest-form"' in page
    arrested = county.post(reverse("correction:proposal_arrest", args=[proposal.pk]),
                           {"arrested": "yes", "arrested_on": "2025-12-20"})
    assert arrested.status_code == 302
    page = county.get(reverse("correction:proposal_detail", args=[proposal.pk])).content.decode()
    assert "2026-01-18" in page and "2026-01-16 提醒" in page
    package = county.get(reverse("correction:proposal_package", args=[proposal.pk]))
    assert package.status_code == 200 and package["Content-Type"] == "application/zip"


def test_export_is_audited_as_personal_data() -> None:
    make_sanction(make_correction(office_of("office1")))
    response = client_for("corr").get(reverse("correction:sanction_export"))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert AuditEvent.objects.filter(action="correction.sanctions.exported").count() == 1


def test_api_propose_decide_and_case_overview() -> None:
    detail = make_correction(office_of("office1"))
    office = client_for("office1")
    created = office.post(f"/api/v1/correction/sanctions/cases/{detail.pk}/sanctions", data=json.dumps({
        "kind": "commendation", "ground": "CC-15", "facts": "见义勇为"}),
        content_type="application/json")
    assert created.status_code == 201, created.content
    sanction_id = created.json()["id"]
    assert client_for("office2").get(f"/api/v1/correction/sanctions/{sanction_id}").status_code == 404
    denied = office.post(f"/api/v1/correction/sanctions/{sanction_id}/decision", data=json.dumps({"approve": True}),
                         content_type="application/json")
    assert denied.status_code == 403
    decided = client_for("corr").post(f"/api/v1/correction/sanctions/{sanction_id}/decision",
                                      data=json.dumps({"approve": True}), content_type="application/json")
    assert decided.status_code == 200 and decided.json()["document_number"]
    overview = client_for("corr").get(f"/api/v1/correction/sanctions/cases/{detail.pk}").json()
    assert [s["id"] for s in overview["sanctions"]] == [sanction_id] and "[NV]" in overview["flag"]
    bad = office.post(f"/api/v1/correction/sanctions/cases/{detail.pk}/sanctions", data=json.dumps({
        "kind": "warning_sanction", "ground": "CC-15", "facts": "x"}),
        content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "ground"
