"""行政争议 · 案件码: from a decided 行政处罚 case (an evidence file and a generated 决定书, both
ledgered), the officer grants the 富阳区人民法院 reviewer (or a link + code) access through the core
案件码 card; the reviewer sees the evidence with proofs, downloads the package and ``sifa verify`` passes.
"""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from sifa.core.attachments.services import upload_attachment
from sifa.core.casecodes.models import AccessGrant
from sifa.core.documents.services import generate_document
from sifa.core.ledger import store
from sifa.core.ledger.package import verify_package
from sifa.core.ledger.signing import key_id
from sifa.core.testing import actor_for, client_for, make_id_number
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.tests.penalty_factories import move, new_case, to_concluded

pytestmark = pytest.mark.django_db
D = datetime.date
RECORD = "询问笔录\n问：是否占用城市道路堆放建筑材料？\n答：是。\n".encode()


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content


def decided_with_evidence(seq: int = 801) -> PenaltyCase:
    """A case decided through the workflow, with a 询问笔录 uploaded and the 决定书 generated."""
    detail = to_concluded(new_case(party_name="争议当事人", id_number=make_id_number(birth=D(1985, 5, 5), seq=seq)))
    detail = move(detail, "serve_notice", notice_served_on=D(2025, 12, 1), proposed_types=["fine"],
                  proposed_amount="1000")
    detail = move(detail, "waive_hearing", waived_on=D(2025, 12, 2))
    detail = move(detail, "decide", decided_on=D(2026, 1, 15), decision_number=f"富综执罚决〔2026〕{seq}号",
                  decision_types=["fine"], decision_amount="1000")
    upload_attachment(actor=actor_for("officer"), case=detail.case, file=SimpleUploadedFile("询问笔录.txt", RECORD))
    generate_document(actor=actor_for("officer"), case=detail.case, doc_type="penalty_decision", extra={})
    return detail


def test_case_page_shows_the_case_code_card_and_the_dispute_hint() -> None:
    detail = decided_with_evidence(802)
    html = client_for("officer").get(reverse("enforcement:penalty_case", args=[detail.pk])).content.decode()
    assert 'id="casecodes"' in html and detail.case.case_code in html
    assert 'id="grant-issue"' in html  # enforcement_officer holds casecodes.grants.manage
    assert 'id="dispute-hint"' in html and "授权复议机关/法院查阅" in html and 'href="#casecodes"' in html


def test_no_dispute_hint_before_the_decision() -> None:
    detail = new_case(party_name="未决当事人")
    html = client_for("officer").get(reverse("enforcement:penalty_case", args=[detail.pk])).content.decode()
    assert 'id="casecodes"' in html and 'id="dispute-hint"' not in html


def test_court_reviewer_granted_sees_proofs_downloads_and_verifies(tmp_path: Any) -> None:
    detail = decided_with_evidence(803)
    files = list(detail.case.attachments.order_by("id"))
    assert len(files) == 2 and {a.kind for a in files} >= {"evidence"}
    reviewer = client_for("reviewer")
    review_url = reverse("casecodes:review", args=[detail.pk])
    # before the grant the court reviewer meets 404, like a missing case
    assert reviewer.get(review_url).status_code == 404
    # when the officer grants the court's account from the card on the case page
    officer = client_for("officer")
    answer = officer.post(reverse("casecodes:grant_issue", args=[detail.pk]), {
        "kind": "user", "grantee": "reviewer",
        "expires_at": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(), "note": "行政诉讼审查"})
    assert answer.status_code == 201
    grant = AccessGrant.objects.get(case=detail.case)
    assert grant.grantee is not None and grant.grantee.username == "reviewer"
    # then the reviewer sees every file with its proof, checked ✓
    page = reviewer.get(review_url)
    html = page.content.decode()
    assert page.status_code == 200 and detail.case.number in html
    assert html.count("✓ 已核验") == 2 and "核验失败" not in html
    for a in files:
        assert a.sm3 in html and f"#{a.ledger_index}" in html
    # … downloads the evidence package, which verifies offline, as `sifa verify` does
    package = reviewer.get(reverse("casecodes:review_package", args=[detail.pk]))
    assert package.status_code == 200 and package["Content-Type"] == "application/zip"
    data = _body(package)
    report = verify_package(io.BytesIO(data), trusted_key_id=key_id(store.signing_key().public_key()))
    assert {i.attachment_id for i in report.items} == {a.pk for a in files}
    path = tmp_path / "证据包.zip"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("verify", str(path), "--key-id", report.key_id, stdout=out)
    assert "证据包校验通过" in out.getvalue()
    # … and still sees nothing else: not the case page, nor the list
    assert reviewer.get(reverse("enforcement:penalty_case", args=[detail.pk])).status_code in (403, 404)
    assert AccessGrant.objects.get(pk=grant.pk).use_count == 2


def test_link_grant_for_a_reconsideration_body() -> None:
    detail = decided_with_evidence(804)
    answer = client_for("officer").post(reverse("casecodes:grant_issue", args=[detail.pk]), {
        "kind": "link", "expires_at": (datetime.date.today() + datetime.timedelta(days=7)).isoformat(),
        "note": "行政复议审查"})
    assert answer.status_code == 201
    html = answer.content.decode()
    link = re.search(r"/g/[A-Za-z0-9_\-]+", html)
    code = re.search(r"\b[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b", html)
    assert link and code
    client = Client()
    assert client.post(link.group(0), {"code": code.group(0)}).status_code == 302
    page = client.get(reverse("casecodes:review", args=[detail.pk]))
    assert page.status_code == 200 and page.content.decode().count("✓ 已核验") == 2
    package = client.get(reverse("casecodes:review_package", args=[detail.pk]))
    verify_package(io.BytesIO(_body(package)))
