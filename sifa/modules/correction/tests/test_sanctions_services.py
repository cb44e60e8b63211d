"""Services of the sanctions part: the ladder with its ground checks (C-03, C-36, C-37, CC-17.5), decision
only by the county agency with its document, proposals with the arrest request and outcomes (C-41, C-42,
C-43), 减刑建议 (C-47), grounds as alerts never acted on (C-36, C-38, C-48), scope."""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

import pytest
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.models import Alert
from sifa.core.audit.models import AuditEvent
from sifa.core.cases.errors import TransitionNotAllowed
from sifa.core.cases.models import Case, CaseDeadline
from sifa.core.errors import Conflict, NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.testing import actor_for
from sifa.modules.correction import sanction_selectors as selectors
from sifa.modules.correction import sanction_services as services
from sifa.modules.correction.choices import SanctionKind, SanctionStatus
from sifa.modules.correction.models import CorrectionCase, RevocationProposal, Sanction
from sifa.modules.correction.sanction_choices import ArrestStatus, ProposalStatus
from sifa.modules.correction.tests.factories import make_correction, office_of
from sifa.modules.correction.tests.sanction_factories import make_sanction

pytestmark = pytest.mark.django_db
D = datetime.date


def _aware(*args: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def _revocation(detail: CorrectionCase, actor: Actor | None = None, **kw: Any) -> RevocationProposal:
    args: dict[str, Any] = {"grounds": ["CC-25(2)4"], "facts": "二次警告后仍不改正", "court": "杭州市富阳区人民法院",
                            "court_received_at": _aware(2025, 12, 19, 10, 0), "procuratorate": "杭州市富阳区人民检察院",
                            "procuratorate_copied_on": D(2025, 12, 19)}
    args.update(kw)
    return services.propose_revocation(actor=actor or actor_for("corr"), detail=detail, **args)


def _deadline(detail: CorrectionCase, key: str) -> CaseDeadline:
    return CaseDeadline.objects.get(case_id=detail.pk, key=key)


# --- the ladder ------------------------------------------------------------------------------------------

def test_c03_late_report_bands_and_the_decided_warning_document() -> None:
    # given a 缓刑 judgment effective 2025-03-03 → report due 2025-03-13 (CC-06)
    detail = make_correction(effective_date=D(2025, 3, 3), received_on=D(2025, 3, 24))
    office = actor_for("office1")
    # when the office proposes a 训诫 for a report on 03-24 (11 days late)
    with pytest.raises(ValidationFailed) as exc:
        services.propose_sanction(actor=office, detail=detail, kind=SanctionKind.ADMONITION, ground="CC-16.1",
                                  facts="逾期报到", reported_on=D(2025, 3, 24))
    # then refused: 11 days is "超过十日" → the 警告 band
    assert exc.value.field == "ground" and "CC-17.2" in exc.value.message
    assert not detail.sanctions.exists()
    # when proposing the 警告 band instead, then deciding at the county
    sanction = services.propose_sanction(actor=office, detail=detail, kind=SanctionKind.WARNING, ground="CC-17.2",
                                         facts="逾期报到十一日", reported_on=D(2025, 3, 24))
    assert sanction.basis["days_late"] == 11 and sanction.basis["band"] == "warning"
    assert sanction.basis["start"] == "2025-03-13" and "[NV]" in sanction.basis["flag"]
    decided = services.decide_sanction(actor=actor_for("corr"), sanction=sanction)
    # then a numbered 警告决定书 is stored as evidence on the case
    assert decided.status == SanctionStatus.DECIDED and decided.document is not None
    assert decided.document.doc_type == "correction_warning" and "司矫警" in decided.document.number
    assert decided.document.file.case_id == detail.pk
    text = _docx_text(decided.document.file)
    assert detail.subject.person.name in text and "逾期报到十一日" in text and "富阳区司法局" in text


def _docx_text(attachment: Any) -> str:
    from sifa.core.attachments.store import open_content

    with zipfile.ZipFile(io.BytesIO(open_content(attachment))) as zf:
        return zf.read("word/document.xml").decode()


def test_c03_ten_days_late_is_the_admonition_band() -> None:
    detail = make_correction(effective_date=D(2025, 3, 3), received_on=D(2025, 3, 23))
    sanction = services.propose_sanction(actor=actor_for("office1"), detail=detail, kind=SanctionKind.ADMONITION,
                                         ground="CC-16.1", facts="逾期报到十日", reported_on=D(2025, 3, 23))
    assert (sanction.basis["days_late"], sanction.basis["band"]) == (10, "admonition")
    assert sanction.occurred_on == D(2025, 3, 14)


def test_c36_seven_days_late_is_admonition_not_warning() -> None:
    detail = make_correction(effective_date=D(2025, 3, 3), received_on=D(2025, 3, 20))
    with pytest.raises(ValidationFailed) as exc:
        services.propose_sanction(actor=actor_for("office1"), detail=detail, kind=SanctionKind.WARNING,
                                  ground="CC-17.2", facts="逾期报到", reported_on=D(2025, 3, 20))
    assert exc.value.field == "ground" and "CC-16.1" in exc.value.message


def test_c37_report_on_the_rolled_over_date_cannot_be_sanctioned() -> None:
    # given a judgment effective 2025-09-26: the nominal 10-06 rolls over to 2025-10-09 (国庆)
    detail = make_correction(effective_date=D(2025, 9, 26), received_on=D(2025, 10, 9))
    # when a 训诫 is proposed for reporting on 10-09
    with pytest.raises(ValidationFailed) as exc:
        services.propose_sanction(actor=actor_for("office1"), detail=detail, kind=SanctionKind.ADMONITION,
                                  ground="CC-16.1", facts="逾期报到", reported_on=D(2025, 10, 9))
    # then refused: on time, nothing written
    assert exc.value.field == "reported_on" and "2025-10-09" in exc.value.message and "C-37" in exc.value.message
    assert not detail.sanctions.exists()
    # and one day after the rolled date is one day late
    sanction = services.propose_sanction(actor=actor_for("office1"), detail=detail, kind=SanctionKind.ADMONITION,
                                         ground="CC-16.1", facts="逾期报到一日", reported_on=D(2025, 10, 10))
    assert sanction.basis["days_late"] == 1 and sanction.basis["nominal"] == "2025-10-06"


def test_cc17_5_needs_the_configured_number_of_decided_admonitions() -> None:
    detail = make_correction()
    office = actor_for("office1")
    make_sanction(detail, kind=SanctionKind.ADMONITION, ground="CC-16.2", decided_on=D(2026, 5, 1))
    with pytest.raises(ValidationFailed) as exc:
        services.propose_sanction(actor=office, detail=detail, kind=SanctionKind.WARNING, ground="CC-17.5",
                                  facts="再次未参加学习", occurred_on=D(2026, 6, 10))
    assert exc.value.field == "ground" and "1 次" in exc.value.message
    make_sanction(detail, kind=SanctionKind.ADMONITION, ground="CC-16.3", decided_on=D(2026, 6, 1))
    with pytest.raises(ValidationFailed) as exc:  # the violation must follow the second admonition
        services.propose_sanction(actor=office, detail=detail, kind=SanctionKind.WARNING, ground="CC-17.5",
                                  facts="再次未参加学习", occurred_on=D(2026, 5, 20))
    assert exc.value.field == "occurred_on"
    sanction = services.propose_sanction(actor=office, detail=detail, kind=SanctionKind.WARNING, ground="CC-17.5",
                                         facts="再次未参加学习", occurred_on=D(2026, 6, 10))
    assert [a["decided_on"] for a in sanction.basis["admonitions"]] == ["2026-05-01", "2026-06-01"]


def test_decision_only_by_the_county_agency() -> None:
    # given a proposed 表扬 in office1's 司法所
    sanction = services.propose_sanction(actor=actor_for("office1"), detail=make_correction(),
                                         kind=SanctionKind.COMMENDATION, ground="CC-15", facts="见义勇为")
    # then the office, the bureau staff and a city leader (who holds correction.approve) cannot decide
    for username in ("office1", "county", "city"):
        with pytest.raises(PermissionDeniedError):
            services.decide_sanction(actor=actor_for(username), sanction=sanction)
    sanction.refresh_from_db()
    assert sanction.status == SanctionStatus.PROPOSED and sanction.document is None
    # and the county agency can, once
    services.decide_sanction(actor=actor_for("corr"), sanction=sanction)
    with pytest.raises(Conflict):
        services.reject_sanction(actor=actor_for("corr"), sanction=sanction, note="重复")


def test_reject_needs_a_reason_and_issues_no_document() -> None:
    sanction = make_sanction(make_correction(), status=SanctionStatus.PROPOSED, proposed_at=timezone.now())
    with pytest.raises(ValidationFailed) as exc:
        services.reject_sanction(actor=actor_for("corr"), sanction=sanction, note=" ")
    assert exc.value.field == "note"
    rejected = services.reject_sanction(actor=actor_for("corr"), sanction=sanction, note="事实不清")
    assert rejected.status == SanctionStatus.REJECTED and rejected.document is None


def test_security_penalty_request_names_the_police_and_issues_its_proposal() -> None:
    detail = make_correction()
    with pytest.raises(ValidationFailed) as exc:
        services.propose_sanction(actor=actor_for("office1"), detail=detail, kind=SanctionKind.SECURITY_PENALTY_REQUEST,
                                  ground="CC-18", facts="殴打他人")
    assert exc.value.field == "recipient"
    sanction = services.propose_sanction(actor=actor_for("office1"), detail=detail,
                                         kind=SanctionKind.SECURITY_PENALTY_REQUEST, ground="CC-18", facts="殴打他人",
                                         recipient="杭州市公安局富阳区分局", occurred_on=D(2026, 10, 1))
    decided = services.decide_sanction(actor=actor_for("corr"), sanction=sanction)
    assert decided.document.doc_type == "correction_security_penalty"
    assert "杭州市公安局富阳区分局" in _docx_text(decided.document.file)


def test_scope_office2_cannot_propose_for_office1_and_evidence_must_be_the_cases() -> None:
    detail = make_correction(office_of("office1"))
    with pytest.raises(NotFound):
        services.propose_sanction(actor=actor_for("office2"), detail=detail, kind=SanctionKind.COMMENDATION,
                                  ground="CC-15", facts="表现好")
    from sifa.core.attachments.tests.factories import store_for_test

    other = make_correction(office_of("office1"))
    foreign_file = store_for_test(org=other.case.org, case=other.case, name="别案证据.png")
    with pytest.raises(ValidationFailed) as exc:
        services.propose_sanction(actor=actor_for("office1"), detail=detail, kind=SanctionKind.COMMENDATION,
                                  ground="CC-15", facts="表现好", evidence=[foreign_file])
    assert exc.value.field == "evidence"


def test_no_sanction_once_the_case_has_ended() -> None:
    detail = make_correction(state="revoked")
    with pytest.raises(TransitionNotAllowed):
        services.propose_sanction(actor=actor_for("office1"), detail=detail, kind=SanctionKind.COMMENDATION,
                                  ground="CC-15", facts="表现好")


# --- grounds as alerts: never acted on ----------------------------------------------------------------

def _scan() -> None:
    from sifa.core.alerts.services import evaluate_alert_rules

    evaluate_alert_rules(actor=Actor.system("测试扫描"))


def test_c38_two_warnings_open_a_red_alert_with_the_facts_and_nothing_else() -> None:
    # given a 缓刑 subject with two decided warnings and a later proposed admonition
    detail = make_correction(sentence_type="probation")
    make_sanction(detail, decided_on=D(2026, 5, 1), occurred_on=D(2026, 4, 20))
    make_sanction(detail, decided_on=D(2026, 6, 1), occurred_on=D(2026, 5, 20))
    make_sanction(detail, kind=SanctionKind.ADMONITION, ground="CC-16.2", status=SanctionStatus.PROPOSED,
                  occurred_on=D(2026, 7, 3))
    # when the alert rules are scanned
    _scan()
    # then one red alert for CC-25(2)4 listing the facts, linking to the proposal form — and no proposal
    alert = Alert.objects.get(rule_code="correction.revocation_ground", object_id=f"{detail.pk}:CC-25(2)4")
    assert alert.level == "red" and alert.case_id == detail.pk
    assert "2026-07-03" in alert.detail and "不自动提请" in alert.detail
    assert f"/correction/sanctions/cases/{detail.pk}/proposal/" in alert.detail
    assert Case.objects.get(pk=detail.pk).state == "under_correction"
    assert not RevocationProposal.objects.filter(correction_case=detail).exists()
    # a second scan opens no duplicate
    _scan()
    assert Alert.objects.filter(rule_code="correction.revocation_ground", object_id=f"{detail.pk}:CC-25(2)4").count() == 1


def test_c38c_temporary_execution_suggests_recommitment() -> None:
    detail = make_correction(sentence_type="temporary_execution")
    make_sanction(detail, decided_on=D(2026, 5, 1))
    make_sanction(detail, decided_on=D(2026, 6, 1))
    make_sanction(detail, kind=SanctionKind.ADMONITION, ground="CC-16.4", status=SanctionStatus.PROPOSED,
                  occurred_on=D(2026, 7, 1))
    assert [(g.code, g.action) for g in selectors.grounds_for(detail)] == [("CC-30(4)", "recommitment")]


def test_c36_never_reported_absence_over_one_month_from_2025_04_14() -> None:
    detail = make_correction(effective_date=D(2025, 3, 3), state="awaiting_report", received_on=None)
    assert selectors.grounds_for(detail, D(2025, 4, 13)) == []
    found = selectors.grounds_for(detail, D(2025, 4, 14))
    assert [g.code for g in found] == ["CC-25(2)2"] and found[0].since == D(2025, 4, 14)
    assert found[0].facts[0].startswith("2025-03-13 应当报到期限届满")


def test_c48_lost_contact_from_2025_06_02_gives_a_ground_from_2025_07_03() -> None:
    detail = make_correction(effective_date=D(2025, 1, 6), state="lost_contact", lost_contact=True,
                             lost_contact_since=D(2025, 6, 2))
    assert selectors.grounds_for(detail, D(2025, 7, 2)) == []
    assert [(g.code, g.since) for g in selectors.grounds_for(detail, D(2025, 7, 3))] == [("CC-25(2)2", D(2025, 7, 3))]


# --- proposals, arrest and outcomes -----------------------------------------------------------------------

def test_c41_arrest_decision_custody_and_ruling_in_custody() -> None:
    # given a 缓刑 subject; the court receives the proposal with an arrest request on 2025-12-19 10:00
    detail = make_correction(sentence_type="probation", effective_date=D(2025, 6, 2))
    proposal = _revocation(detail, arrest_requested=True, arrest_reason="多次脱离监管，可能逃跑")
    # then the case waits for the ruling; 48 hours → 2025-12-21 10:00; ruling 30 days → rolled to 2026-01-19
    assert Case.objects.get(pk=detail.pk).state == "revocation_proposed"
    assert timezone.localtime(proposal.arrest_decision_due) == _aware(2025, 12, 21, 10, 0)
    assert _deadline(detail, "arrest_decision").due_date == D(2025, 12, 21)
    assert _deadline(detail, "ruling").due_date == D(2026, 1, 19)
    assert proposal.document.doc_type == "correction_revocation"
    assert proposal.arrest_document.doc_type == "correction_arrest"
    assert "杭州市富阳区人民检察院" in _docx_text(proposal.document.file)  # CC-27 copy
    # when the arrest is executed on 2025-12-20
    services.record_arrest(actor=actor_for("corr"), proposal=proposal, arrested=True, arrested_on=D(2025, 12, 20))
    # then in custody: custody to 2026-01-19, ruling recomputed in custody (no rollover) → 2026-01-18, alert 01-16
    detail.refresh_from_db()
    assert detail.in_custody is True
    assert _deadline(detail, "custody").due_date == D(2026, 1, 19)
    ruling = _deadline(detail, "ruling")
    assert (ruling.due_date, ruling.variant) == (D(2026, 1, 18), "在押")
    assert selectors.deadline_alert_on(ruling) == D(2026, 1, 16)
    assert _deadline(detail, "arrest_decision").status == "stopped"


def test_c42a_revoked_after_20_days_custody_credits_20_days() -> None:
    detail = make_correction(sentence_type="probation", effective_date=D(2025, 6, 2))
    proposal = _revocation(detail, arrest_requested=True, arrest_reason="可能逃跑")
    services.record_arrest(actor=actor_for("corr"), proposal=proposal, arrested=True, arrested_on=D(2025, 12, 20))
    # when the court revokes on 2026-01-09 (20 days in custody)
    ruled = services.record_ruling(actor=actor_for("corr"), proposal=proposal, granted=True, ruling_date=D(2026, 1, 9),
                                   ruling_number="（2026）浙0111刑更1号")
    # then terminal, ended, custody credited 1:1, deadlines stopped
    detail.refresh_from_db()
    case = Case.objects.get(pk=detail.pk)
    assert case.state == "revoked" and case.closed_at is not None
    assert (detail.ended_on, detail.ended_reason) == (D(2026, 1, 9), "撤销缓刑")
    assert ruled.status == ProposalStatus.GRANTED and ruled.credited_custody_days == 20
    assert set(CaseDeadline.objects.filter(case_id=detail.pk, key__in=["ruling", "custody"]).values_list(
        "status", flat=True)) == {"stopped"}


def test_c42b_refused_releases_at_once_and_resumes_correction() -> None:
    detail = make_correction(sentence_type="parole", effective_date=D(2025, 6, 2))
    proposal = _revocation(detail, grounds=["CC-26(2)4"], arrest_requested=True, arrest_reason="可能逃跑")
    services.record_arrest(actor=actor_for("corr"), proposal=proposal, arrested=True, arrested_on=D(2025, 12, 20))
    ruled = services.record_ruling(actor=actor_for("corr"), proposal=proposal, granted=False, ruling_date=D(2026, 1, 9))
    detail.refresh_from_db()
    assert Case.objects.get(pk=detail.pk).state == "under_correction"
    assert detail.in_custody is False
    assert (ruled.status, ruled.arrest_status, ruled.released_on) == (ProposalStatus.REJECTED, ArrestStatus.RELEASED,
                                                                      D(2026, 1, 9))
    assert _deadline(detail, "custody").status == "stopped"


def test_c43_recommitment_decision_due_2026_03_03() -> None:
    detail = make_correction(sentence_type="temporary_execution", effective_date=D(2025, 6, 2))
    proposal = services.propose_recommitment(
        actor=actor_for("corr"), detail=detail, grounds=["CC-30(4)"], facts="两次警告仍不改正",
        court="杭州市富阳区人民法院", court_received_at=_aware(2026, 2, 1, 9, 0), procuratorate="杭州市富阳区人民检察院",
        procuratorate_copied_on=D(2026, 2, 1))
    assert Case.objects.get(pk=detail.pk).state == "recommitment_proposed"
    assert _deadline(detail, "recommit_decision").due_date == D(2026, 3, 3)
    assert proposal.document.doc_type == "correction_recommitment" and proposal.arrest_document is None
    services.record_ruling(actor=actor_for("corr"), proposal=proposal, granted=True, ruling_date=D(2026, 2, 20),
                           ruling_number="（2026）浙0111刑更2号")
    detail.refresh_from_db()
    assert Case.objects.get(pk=detail.pk).state == "recommitted" and detail.ended_reason == "收监执行"


def test_proposal_checks_sentence_grounds_copy_and_agency() -> None:
    probation = make_correction(sentence_type="probation")
    with pytest.raises(ValidationFailed) as exc:  # a 收监 ground for a 缓刑 subject
        _revocation(probation, grounds=["CC-30(4)"])
    assert exc.value.field == "grounds"
    with pytest.raises(ValidationFailed) as exc:  # CC-27: copy to the 检察院
        _revocation(probation, procuratorate="")
    assert exc.value.field == "procuratorate"
    with pytest.raises(ValidationFailed) as exc:
        services.propose_recommitment(actor=actor_for("corr"), detail=probation, grounds=["CC-30(4)"], facts="x",
                                      court="法院", court_received_at=_aware(2026, 2, 1, 9, 0), procuratorate="检察院",
                                      procuratorate_copied_on=D(2026, 2, 1))
    assert exc.value.field == "kind"
    with pytest.raises(PermissionDeniedError):
        _revocation(probation, actor=actor_for("office1"))
    assert Case.objects.get(pk=probation.pk).state == "under_correction"
    assert not AuditEvent.objects.filter(action="correction.revocation.proposed", object_id=str(probation.pk)).exists()


# --- 减刑建议 ---------------------------------------------------------------------------------------

def test_c47_commutation_ruling_due_2026_02_04() -> None:
    detail = make_correction(sentence_type="control")
    proposal = services.propose_commutation(actor=actor_for("corr"), detail=detail, facts="确有悔改表现",
                                            proposed_reduction="减去管制三个月", court="杭州市中级人民法院",
                                            court_received_on=D(2026, 1, 5), procuratorate="杭州市人民检察院")
    deadline = _deadline(detail, "commutation_ruling")
    assert (deadline.rule_id, deadline.due_date) == ("CC-23", D(2026, 2, 4))
    assert proposal.document.doc_type == "correction_commutation"
    ruled = services.record_commutation_ruling(actor=actor_for("corr"), commutation=proposal, granted=True,
                                               ruling_date=D(2026, 1, 30), ruling_number="（2026）浙01刑更3号",
                                               granted_reduction="减去管制三个月")
    assert ruled.status == "granted" and _deadline(detail, "commutation_ruling").status == "stopped"


# --- the evidence package -----------------------------------------------------------------------------------

def test_proposal_evidence_package_holds_the_documents_and_chosen_evidence_with_proofs() -> None:
    from sifa.core.attachments.tests.factories import store_for_test
    from sifa.core.ledger.package import verify_package

    detail = make_correction(sentence_type="probation", effective_date=D(2025, 6, 2))
    chosen = store_for_test(org=detail.case.org, case=detail.case, name="谈话笔录.png")
    store_for_test(org=detail.case.org, case=detail.case, name="无关材料.png")
    proposal = _revocation(detail, evidence=[chosen], arrest_requested=True, arrest_reason="可能逃跑")
    ids = services.package_files([proposal.document, proposal.arrest_document], list(proposal.evidence.all()))
    out = io.BytesIO()
    count = services.write_evidence_package(actor_for("corr"), detail, ids, out, what="proposal")
    out.seek(0)
    names = zipfile.ZipFile(out).namelist()
    assert count == len(ids) == 3
    assert any("谈话笔录" in n for n in names) and not any("无关材料" in n for n in names)
    out.seek(0)
    verify_package(out)
    assert AuditEvent.objects.filter(action="correction.evidence.exported", object_id=str(detail.pk)).count() == 1


def test_sanction_rows_are_scoped() -> None:
    sanction = make_sanction(make_correction(office_of("office1")), status=SanctionStatus.PROPOSED)
    assert selectors.awaiting_decision(actor_for("corr")).filter(pk=sanction.pk).exists()
    assert not selectors.sanctions_visible_to(actor_for("office2")).filter(pk=sanction.pk).exists()
    with pytest.raises(NotFound):
        selectors.sanction_for(actor_for("office2"), sanction.pk)
    assert Sanction.objects.filter(pk=sanction.pk).exists()
