"""类案检索 pages and API: the similar page (results, distribution, warnings and the answer form), the
case panel, the outcome form, imported decisions (Excel / JSONL import, all or nothing), the API."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from sifa.core.testing import client_for
from sifa.modules.enforcement.outcome_models import RemedyOutcome
from sifa.modules.enforcement.similar_models import DiscretionAnswer, ImportedDecision
from sifa.modules.enforcement.tests.penalty_factories import move, new_case, to_concluded
from sifa.modules.enforcement.tests.similar_factories import decided_case

pytestmark = pytest.mark.django_db
D = datetime.date


def _proposed(amount: str):  # type: ignore[no-untyped-def]
    detail = to_concluded(new_case())
    return move(detail, "serve_notice", notice_served_on=D(2025, 9, 1), proposed_types=["fine"], proposed_amount=amount)


def test_similar_page_warning_and_answer_form() -> None:
    decided_case()
    detail = _proposed("8000")
    client = client_for("officer")
    html = client.get(f"/enforcement/cases/{detail.pk}/similar/").content.decode()
    assert "similar-results" in html and "discretion-range" in html and "500.00 至 5000.00" in html
    assert 'data-warning="range:8000.00"' in html and "answer-form" in html
    refused = client.post(f"/enforcement/cases/{detail.pk}/similar/answer/", {"amount": "8000", "reason": "短"})
    assert refused.status_code == 400 and "不少于 5 个字" in refused.content.decode()
    done = client.post(f"/enforcement/cases/{detail.pk}/similar/answer/",
                       {"amount": "8000", "reason": "当事人拒不改正，影响交通安全"})
    assert done.status_code == 302
    assert DiscretionAnswer.objects.filter(case=detail, key="range:8000.00").exists()
    html = client.get(f"/enforcement/cases/{detail.pk}/similar/?amount=300").content.decode()
    assert 'data-warning="range:300.00"' in html
    # the county bureau supervises: it sees the page, without the forms
    county = client_for("county").get(f"/enforcement/cases/{detail.pk}/similar/").content.decode()
    assert "similar-results" in county and "answer-form" not in county


def test_case_page_panel_and_outcome_form() -> None:
    detail = decided_case(published=True)
    client = client_for("officer")
    html = client.get(f"/enforcement/cases/{detail.pk}/").content.decode()
    assert "similar-panel" in html and "litigation-risks" in html and "outcome-form" in html
    bad = client.post(f"/enforcement/cases/{detail.pk}/outcomes/", {"kind": "reconsideration", "authority": "区政府",
                                                                     "decided_on": "2025-01-01", "result": "revoked"})
    assert bad.status_code == 400 and "不能早于处罚决定日期" in bad.content.decode()
    ok = client.post(f"/enforcement/cases/{detail.pk}/outcomes/", {"kind": "reconsideration", "authority": "区政府",
                                                                    "decided_on": "2026-02-12", "result": "revoked"})
    assert ok.status_code == 302
    html = client.get(f"/enforcement/cases/{detail.pk}/").content.decode()
    assert 'data-result="revoked"' in html and 'data-key="publication_withdrawal"' in html


def _xlsx(rows: list[list[object]]) -> bytes:
    from sifa.modules.enforcement.similar_services import template_headers

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(template_headers())
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_import_decisions_excel_all_or_nothing_and_list() -> None:
    client = client_for("county")
    assert client.get("/enforcement/decisions/import/").status_code == 200
    assert client.get("/enforcement/decisions/import/template.xlsx").status_code == 200
    good = ["页面测试执法局", "页面罚〔2025〕1号", "2025-05-01", "当事人在人行道摆摊经营水果，占道约 4 平方米。",
            "对擅自占用城市道路、人行道摆摊经营的行政处罚", "", "一般", "罚款", 300, "罚款 300 元", "行政复议", "区政府", "撤销",
            "2025-08-01"]
    bad = ["页面测试执法局", "页面罚〔2025〕2号", "2025-13-01", "", "", "", "很重", "打板子", "x", "", "", "", "", ""]
    refused = client.post("/enforcement/decisions/import/",
                          {"file": SimpleUploadedFile("d.xlsx", _xlsx([good, bad]))})
    text = refused.content.decode()
    assert refused.status_code == 400 and "第 3 行 决定日期" in text and "第 3 行 违法事实" in text
    assert "第 3 行 违法情节" in text and "第 3 行 处罚种类" in text and "第 3 行 罚款金额（元）" in text
    assert not ImportedDecision.objects.filter(source_org="页面测试执法局").exists()
    done = client.post("/enforcement/decisions/import/", {"file": SimpleUploadedFile("d.xlsx", _xlsx([good]))})
    assert done.status_code == 302
    decision = ImportedDecision.objects.get(number="页面罚〔2025〕1号")
    assert decision.circumstance == "ordinary" and decision.penalty_types == ["fine"]
    assert RemedyOutcome.objects.filter(imported=decision, result="revoked").exists()
    assert "页面罚〔2025〕1号" in client.get("/enforcement/decisions/").content.decode()
    # the imported decision is ranked beside cases, shown as a revoked one
    detail = new_case(facts="当事人在人行道摆摊经营水果，占道约 5 平方米。")
    page = client_for("officer").get(f"/enforcement/cases/{detail.pk}/similar/").content.decode()
    assert f'data-key="d{decision.pk}"' in page
    assert client_for("officer").get("/enforcement/decisions/import/").status_code == 403


def test_api_similar_risks_answers_outcomes_and_decisions() -> None:
    decided_case()
    detail = _proposed("8000")
    client = client_for("officer")
    out = client.get(f"/api/v1/enforcement/cases/{detail.pk}/similar").json()
    assert out["amount"] == "8000.00" and out["discretion_min"] == "500.00" and out["cases"]
    assert [w["key"] for w in out["warnings"]][0] == "range:8000.00" and not out["warnings"][0]["answered"]
    assert all("score" in c and "text_score" in c for c in out["cases"])
    risks = client.get(f"/api/v1/enforcement/cases/{detail.pk}/risks")
    assert risks.status_code == 200 and all(r["rule_id"] for r in risks.json())
    answered = client.post(f"/api/v1/enforcement/cases/{detail.pk}/discretion-answers",
                           {"amount": "8000", "reason": "当事人拒不改正，从重处罚"}, content_type="application/json")
    assert answered.status_code == 201 and answered.json()[0]["key"] == "range:8000.00"
    again = client.post(f"/api/v1/enforcement/cases/{detail.pk}/discretion-answers",
                        {"amount": "8000", "reason": "当事人拒不改正，从重处罚"}, content_type="application/json")
    assert again.status_code == 400
    decided = decided_case(published=True)
    recorded = client.post(f"/api/v1/enforcement/cases/{decided.pk}/outcomes", {
        "kind": "litigation_first", "authority": "富阳区人民法院", "result": "revoked", "decided_on": "2026-02-12"},
        content_type="application/json")
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["lost"] and recorded.json()["withdrawal_due"] == "2026-02-24"
    assert client.get(f"/api/v1/enforcement/cases/{decided.pk}/outcomes").json()[0]["result"] == "revoked"
    rates = client_for("county").get("/api/v1/enforcement/outcomes/loss-rates")
    assert rates.status_code == 200 and any(r["losses"] for r in rates.json())
    line = json.dumps({"source_org": "接口测试局", "number": "接口罚1号", "decided_on": "2025-04-01",
                       "facts": "当事人在人行道摆摊。", "amount": 200}, ensure_ascii=False)
    imported = client_for("county").post("/api/v1/enforcement/decisions/import",
                                         {"file": SimpleUploadedFile("d.jsonl", line.encode())})
    assert imported.status_code == 201 and imported.json() == {"imported": 1}
    dup = client_for("county").post("/api/v1/enforcement/decisions/import",
                                    {"file": SimpleUploadedFile("d.jsonl", line.encode())})
    assert dup.status_code == 400 and "已导入" in dup.content.decode()
    listed = client_for("county").get("/api/v1/enforcement/decisions?q=接口测试局").json()
    assert listed["count"] == 1
