"""The eleven 行政处罚 文书: each generated for a case in the step it belongs to, opened and read back.

The decision carries every AP-26 item (《行政处罚法》第五十九条); the prior notice states the hearing
right only when AP-24 applies (第六十三条, C-34); identity numbers appear masked only; the 催告书 states
the 加处罚款 of C-25; the shipped .docx files are the build of their TOML specs.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from sifa.core.attachments.store import open_content
from sifa.core.documents.layout import build_docx, load_spec, paragraphs_text
from sifa.core.documents.services import generate_document
from sifa.core.testing import actor_for, client_for, make_id_number
from sifa.modules.enforcement.penalty_documents import DOCUMENT_TYPES, STATE_DOCUMENTS, documents_for_state
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.tests.penalty_factories import move, new_case, reviewer, to_concluded

pytestmark = pytest.mark.django_db
D = datetime.date
DATA = Path(__file__).resolve().parents[1] / "data" / "documents" / "penalty"
ID_NUMBER = make_id_number(birth=D(1988, 8, 8), seq=777)


def _text(detail: PenaltyCase, doc_type: str, **extra: Any) -> tuple[str, str]:
    """Generate ``doc_type`` for the case as the officer; (number, the .docx body text)."""
    document = generate_document(actor=actor_for("officer"), case=detail.case, doc_type=doc_type, extra=extra)
    assert document.doc_type == doc_type and document.file.case_id == detail.pk
    return document.number, "\n".join(paragraphs_text(open_content(document.file)))


def _heard_case() -> PenaltyCase:
    """A fine and a licence revocation, hence a hearing right (AP-24 第六十三条第一款第三项), a hearing held and 法制审核 (AP-22), as in the lifecycle test."""
    detail = new_case(party_name="文书当事人", id_number=ID_NUMBER, review_triggers=["major_rights"])
    detail = to_concluded(detail)
    detail = move(detail, "serve_notice", notice_served_on=D(2025, 12, 30), proposed_types=["fine", "revoke_licence"],
                  proposed_amount="3000")
    assert detail.hearing_offered
    detail = move(detail, "request_hearing", hearing_requested_on=D(2026, 1, 5))
    detail = move(detail, "notify_hearing", hearing_notified_on=D(2026, 1, 6), hearing_on=D(2026, 1, 20))
    return detail


def _decided(detail: PenaltyCase) -> PenaltyCase:
    detail = move(detail, "hold_hearing", hearing_held_on=D(2026, 1, 20), presider="李法制")
    detail = move(detail, "submit_legal_review")
    detail = move(detail, "complete_legal_review", reviewer(), reviewed_on=D(2026, 1, 22), opinion="事实清楚，证据确凿，同意")
    return move(detail, "decide", decided_on=D(2026, 1, 26), decision_number="富综执罚决〔2026〕7号",
                decision_types=["fine"], decision_amount="3000", defence_made="1")


def _overdue() -> PenaltyCase:
    detail = to_concluded(new_case(party_name="逾期当事人", id_number=make_id_number(birth=D(1979, 3, 3), seq=778)))
    detail = move(detail, "serve_notice", notice_served_on=D(2025, 12, 1), proposed_types=["fine"],
                  proposed_amount="5000")
    detail = move(detail, "waive_hearing", waived_on=D(2025, 12, 2))
    detail = move(detail, "decide", decided_on=D(2026, 1, 15), decision_number="富综执罚决〔2026〕9号",
                  decision_types=["fine"], decision_amount="5000")
    detail = move(detail, "serve_decision", served_on=D(2026, 1, 20), service_method="direct")
    detail = move(detail, "await_payment")
    return move(detail, "mark_overdue", on=D(2026, 3, 1))


def test_every_type_is_registered_for_penalty_cases_and_the_shipped_docx_is_its_build() -> None:
    from sifa.core import registry

    for code, (label, file, word) in DOCUMENT_TYPES.items():
        spec = registry.document_types[code]
        assert spec.label == label and spec.case_types == ("penalty",) and spec.number_word == word
        assert (DATA / f"{file}.docx").read_bytes() == build_docx(load_spec(DATA / f"{file}.toml")), file
    assert {c for codes in STATE_DOCUMENTS.values() for c in codes} == set(DOCUMENT_TYPES)


def test_decision_states_every_ap26_item_c32() -> None:
    """AP-26 (《行政处罚法》第五十九条): party, address, facts and evidence, type and basis, performance
    (十五日 at the bank, 第六十七条; 加处罚款 3 %, 第七十二条), remedies and their periods (C-32: 六十日,
    六个月), the authority, the date, the seal."""
    detail = _decided(_heard_case())
    assert detail.case.state == "decided"
    number, text = _text(detail, "penalty_decision", evidence="现场照片三张、询问笔录一份")
    assert "罚决" in number
    person = detail.person
    assert person is not None
    # (一) party: name, masked identity number only, address
    assert "当事人：文书当事人" in text and person.id_number_masked in text and ID_NUMBER not in text
    assert "地址：" in text
    # (二) facts and evidence
    assert "占用城市道路堆放建筑材料" in text and "现场照片三张、询问笔录一份" in text and "证据" in text
    # (三) type and basis
    assert "罚款，金额3,000.00元" in text and "《城市道路管理条例》第二十七条、第四十二条" in text
    # (四) how and when: 十五日, designated bank, 加处罚款 3 %
    assert "十五日内" in text and "指定的银行" in text and "第六十七条" in text
    assert "百分之三加处罚款" in text and "第七十二条" in text
    # (五) remedies and their limits
    assert "六十日" in text and "申请行政复议" in text and "《中华人民共和国行政复议法》第二十条" in text
    assert "杭州市富阳区人民政府" in text
    assert "六个月" in text and "提起行政诉讼" in text and "《中华人民共和国行政诉讼法》第四十六条" in text
    # (六) authority, date, seal; the decision's own 文号
    assert detail.body.name in text and "二〇二六年一月二十六日" in text and "（印章）" in text
    assert "富综执罚决〔2026〕7号" in text
    # the procedure: the notice with the hearing right, the hearing and the 法制审核
    assert "要求听证" in text and "2026年1月20日依法举行听证" in text and "法制审核" in text


def test_decision_for_an_organisation_shows_the_credit_code_and_a_warning_needs_no_payment() -> None:
    from sifa.core.persons.idnumbers import credit_check_char

    first17 = "91330183MA2D7C77X"
    code = first17 + credit_check_char(first17)
    detail = to_concluded(new_case(party_type="organisation", party_name="文书测试有限公司", id_number="", credit_code=code))
    detail = move(detail, "serve_notice", notice_served_on=D(2025, 9, 1), proposed_types=["warning"])
    detail = move(detail, "waive_hearing", waived_on=D(2025, 9, 2))
    detail = move(detail, "decide", decided_on=D(2025, 9, 10), decision_number="富综执罚决〔2025〕3号",
                  decision_types=["warning"])
    _, text = _text(detail, "penalty_decision")
    assert "统一社会信用代码：" + code in text and "身份证件号码" not in text
    assert "证据证明：\n＿" in text  # no evidence on file: a line to fill in
    assert "警告" in text and "指定的银行" not in text and "本决定自送达之日起执行" in text
    assert "当事人放弃听证" in text and "六十日" in text and "六个月" in text


def test_prior_notice_states_the_hearing_right_only_when_offered_c34() -> None:
    """AP-23 / AP-24 (第四十四条、第四十五条、第六十三条): 陈述、申辩 always; 听证 (五日) only when offered."""
    heard = _heard_case()
    _, text = _text(heard, "penalty_prior_notice")
    assert "文书当事人：" in text and "罚款、吊销许可证件，金额3,000.00元" in text and "第四十四条、第四十五条" in text
    assert "陈述和申辩" in text and "要求举行听证" in text and "五日内" in text and "第六十三条" in text
    assert "联系人：" in text
    warning = to_concluded(new_case(party_name="警告当事人"))
    warning = move(warning, "serve_notice", notice_served_on=D(2025, 12, 30), proposed_types=["warning"])
    assert not warning.hearing_offered
    _, text = _text(warning, "penalty_prior_notice")
    assert "警告" in text and "陈述和申辩" in text
    assert "听证" not in text


def test_hearing_notice_and_record_c23() -> None:
    """AP-25 (第六十四条): time and place, a non-investigator presides, 回避, 一至二人代理; the 笔录 is signed."""
    detail = _heard_case()
    assert detail.case.state == "hearing_notified"
    assert [c for c, _ in documents_for_state("hearing_notified")] == ["penalty_hearing_notice", "penalty_hearing_record"]
    number, text = _text(detail, "penalty_hearing_notice", place="本局三楼听证室", presider="王主持")
    assert "罚听通" in number
    assert "2026年1月20日" in text and "本局三楼听证室" in text and "王主持" in text
    assert "非本案调查人员" in text or "本案调查人员以外" in text
    assert "回避" in text and "一至二人" in text and detail.case.number in text
    _, blank = _text(detail, "penalty_hearing_notice")
    assert "听证地点：＿" in blank
    detail = move(detail, "hold_hearing", hearing_held_on=D(2026, 1, 20), presider="李法制")
    _, record = _text(detail, "penalty_hearing_record")
    assert "李法制" in record and "第六十四条第八项" in record and "签名" in record and "文书当事人" in record


def test_filing_approval_and_inquiry_record_ap12_ap18() -> None:
    detail = move(new_case(party_name="立案当事人", id_number=ID_NUMBER), "file", filed_on=D(2025, 7, 15))
    officers = list(detail.officers.select_related("person"))
    assert len(officers) >= 2
    _, text = _text(detail, "penalty_filing_approval", source="群众举报")
    assert detail.case.number in text and "群众举报" in text and "立案当事人" in text
    assert "第五十四条" in text and "占用城市道路" in text and "2025年7月15日" in text
    assert all(o.person.name in text and o.certificate_number in text for o in officers)
    assert "负责人审批意见" in text and ID_NUMBER not in text
    _, record = _text(detail, "penalty_inquiry_record")
    assert all(o.certificate_number in record for o in officers)
    assert "出示执法证件" in record and "第五十五条" in record and "回避" in record and "第四十三条" in record
    assert "问：＿" in record and "被询问人签名" in record and ID_NUMBER not in record


def test_legal_review_opinion_ap22() -> None:
    detail = _heard_case()
    detail = move(detail, "hold_hearing", hearing_held_on=D(2026, 1, 20), presider="李法制")
    detail = move(detail, "submit_legal_review")
    detail = move(detail, "complete_legal_review", reviewer(), reviewed_on=D(2026, 1, 22), opinion="事实清楚，证据确凿，同意")
    _, text = _text(detail, "penalty_legal_review_opinion")
    assert "第五十八条" in text and "经过听证程序" in text and "事实清楚，证据确凿，同意" in text
    assert "2026年1月22日" in text and detail.legal_reviewer in text


def test_service_receipt_after_service_ap28() -> None:
    detail = _decided(_heard_case())
    detail = move(detail, "serve_decision", served_on=D(2026, 2, 3), service_method="direct")
    _, text = _text(detail, "penalty_service_receipt")
    assert "富综执罚决〔2026〕7号" in text and "直接送达" in text and "2026年2月3日" in text
    assert "受送达人签名" in text and "文书当事人" in text


def test_demand_notice_and_court_application_c25_c31() -> None:
    """AP-36/AP-37 (《行政强制法》第三十五条、第五十四条、第五十五条): amount, 加处罚款 so far (C-25),
    deadline, manner, 陈述/申辩; the application names the 催告 date and lists the materials."""
    detail = _overdue()
    detail = move(detail, "serve_demand", demand_served_on=D(2026, 4, 28))
    # C-25's rule: 3 % (¥150) a day from 2026-02-05, capped at the fine (¥5,000) by 2026-04-28
    assert detail.late_fee_on(D(2026, 2, 5)) == 150 and detail.late_fee_on(D(2026, 4, 28)) == 5000
    _, text = _text(detail, "penalty_demand_notice")
    assert "逾期当事人：" in text and "富综执罚决〔2026〕9号" in text and "5,000.00元" in text
    assert "截至2026年4月28日，加处罚款5,000.00元" in text and "合计10,000.00元" in text
    assert "履行期限" in text and "履行方式" in text and "陈述权和申辩权" in text
    assert "第三十五条" in text and "第五十四条" in text
    detail = move(detail, "apply_to_court", court_applied_on=D(2026, 7, 21))
    number, text = _text(detail, "penalty_enforcement_application", court="杭州市富阳区人民法院")
    assert "罚强申" in number
    assert "杭州市富阳区人民法院：" in text and "申请人：" + detail.body.name in text and "被申请人：逾期当事人" in text
    assert "2026年4月28日" in text and "富综执罚决〔2026〕9号" in text and "第五十三条" in text
    assert "第五十五条" in text and "行政处罚决定书及作出决定的事实、理由和依据" in text
    assert "罚催" in text  # the 催告书 generated before is listed


def test_closure_report_lists_every_step_with_dates() -> None:
    detail = _decided(_heard_case())
    detail = move(detail, "serve_decision", served_on=D(2026, 2, 3), service_method="direct")
    detail = move(detail, "await_payment")
    detail = move(detail, "record_payment", paid_on=D(2026, 2, 20))
    detail = move(detail, "close", closed_on=D(2026, 2, 25))
    assert [c for c, _ in documents_for_state("closed")] == ["penalty_closure_report"]
    _, text = _text(detail, "penalty_closure_report")
    for label in ("立案", "送达行政处罚事先告知书", "举行听证", "出具法制审核意见", "作出行政处罚决定", "结案"):
        assert label in text
    # each step with its own date (立案日期, 送达日期 …), not the day it was keyed in
    assert "2025年7月15日　立案" in text and "2025年12月30日　送达行政处罚事先告知书" in text
    assert "2026年1月26日　作出行政处罚决定" in text and "2026年2月25日　结案" in text
    assert "富综执罚决〔2026〕7号" in text and "2026年2月20日缴纳3,000.00元" in text and "2026年2月25日" in text


def test_case_page_offers_the_documents_of_the_step_and_generates_one() -> None:
    detail = move(new_case(party_name="页面文书当事人"), "file", filed_on=D(2025, 7, 15))
    client = client_for("officer")
    html = client.get(f"/enforcement/cases/{detail.pk}/").content.decode()
    assert 'id="penalty-step-documents"' in html and "制作立案审批表" in html and "制作询问笔录" in html
    assert "制作行政处罚决定书" not in html.split('id="penalty-step-documents"')[1].split("</div></div>")[0]
    response = client.post(f"/documents/cases/{detail.pk}/generate/", {"doc_type": "penalty_filing_approval"})
    assert response.status_code == 302
    assert detail.case.documents.filter(doc_type="penalty_filing_approval").exists()


def test_deciding_without_a_number_issues_the_decision_document_and_takes_its_number() -> None:
    """AP-26 (第五十九条): the 决定书 and the decision carry one 文号 — the engine's, when none is typed."""
    from sifa.core.documents.models import GeneratedDocument
    from sifa.modules.enforcement.tests.penalty_factories import move, new_case, to_concluded
    from sifa.modules.enforcement.tests.similar_factories import answer_warnings

    detail = to_concluded(new_case())
    move(detail, "serve_notice", notice_served_on="2025-08-01", proposed_types="fine", proposed_amount="3000")
    move(detail, "waive_hearing", waived_on="2025-08-02")
    answer_warnings(detail, "3000")
    decided = move(detail, "decide", decided_on="2025-08-10", decision_types="fine", decision_amount="3000")
    document = GeneratedDocument.objects.get(case=detail.case, doc_type="penalty_decision")
    assert decided.decision_number == document.number and "罚决" in document.number
