"""Services of the lifecycle part: intake, the moves of RULES.md §2.6, terms (CC-34), minors (CC-35),
lost contact (CC-20), discharge (CC-32) and death (CC-33); 调查评估 (CC-03)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from sifa.core.alerts.models import Alert
from sifa.core.audit.models import AuditEvent
from sifa.core.cases.errors import GuardFailed, TransitionNotAllowed
from sifa.core.cases.models import Case, CaseDeadline, CaseTransition
from sifa.core.documents.models import GeneratedDocument
from sifa.core.errors import DuplicateError, NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.testing import actor_for
from sifa.modules.correction import services
from sifa.modules.correction.models import CorrectionCase, PreSentenceAssessment
from sifa.modules.correction.tests.factories import make_correction, office_of
from sifa.modules.correction.tests.lifecycle_factories import intake_args, make_assessment, new_id_number

pytestmark = pytest.mark.django_db


def _deadline(detail: CorrectionCase, key: str) -> CaseDeadline:
    return CaseDeadline.objects.get(case=detail.case, key=key)


def _move(detail: CorrectionCase, transition: str, user: str = "office1", **data: Any) -> CorrectionCase:
    return services.move_correction(actor=actor_for(user), detail=detail, transition=transition, data=data)


# --- intake -------------------------------------------------------------------------------------


def test_open_registers_person_case_and_deadlines_c37() -> None:
    """C-37: a 缓刑 judgment effective 2025-09-26 (Fri): notice (五日) and documents (十日) and the report
    (十日) all roll over the 国庆/中秋 holiday to 2025-10-09."""
    # given
    actor = actor_for("office1")
    # when
    detail = services.open_correction(actor=actor, **intake_args(effective_date=datetime.date(2025, 9, 26),
                                                                 office=None))
    # then
    assert detail.case.state == "decided" and detail.case.case_type == "correction"
    assert detail.case.org == office_of("office1") and detail.org_path == office_of("office1").path
    assert detail.subject.person.id_number_masked.startswith("330111")
    assert {d.key: d.due_date for d in detail.case.deadlines.all()} == {
        "notice": datetime.date(2025, 10, 9), "documents": datetime.date(2025, 10, 9),
        "report": datetime.date(2025, 10, 9)}
    assert _deadline(detail, "report").rule_id == "CC-06"
    assert AuditEvent.objects.filter(action="correction.case.opened", object_id=str(detail.pk)).count() == 1


def test_open_reuses_the_registered_person_by_number() -> None:
    # given a person already in the registry
    from sifa.core.persons.idnumbers import parse_id_number
    from sifa.core.persons.services import person_row

    number = new_id_number()
    person = person_row(name="已登记人", facts=parse_id_number(number), org=office_of("office1"))
    person.save()
    # when
    detail = services.open_correction(actor=actor_for("office1"), **intake_args(name="已登记人", id_number=number))
    # then
    assert detail.subject.person == person


def test_open_refuses_a_second_running_case_for_the_person() -> None:
    # given
    args = intake_args()
    services.open_correction(actor=actor_for("office1"), **args)
    # when / then
    with pytest.raises(DuplicateError) as err:
        services.open_correction(actor=actor_for("office1"), **{**args, "judgment_number": "另一文号"})
    assert err.value.field == "id_number"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"sentence_type": "control", "original_sentence": "管制一年", "term": "二个月"}, "term"),
    ({"sentence_type": "control", "original_sentence": "管制三年", "term": "4年"}, "term"),
    ({"sentence_type": "probation", "original_sentence": "有期徒刑一年", "term": "六个月"}, "term"),
    ({"sentence_type": "probation", "original_sentence": "拘役三个月", "term": "一个月"}, "term"),
    ({"sentence_type": "probation", "original_sentence": "拘役五个月", "term": "三个月"}, "term"),
    ({"sentence_type": "parole", "original_sentence": "无期徒刑", "term": "8年"}, "term"),
    ({"term": "很久"}, "term"),
    ({"sentence_type": "probation", "custody_days": 10}, "custody_days"),
    ({"sentence_type": "temporary_execution", "original_sentence": "有期徒刑三年", "term": "1年"},
     "decision_received_on"),
    ({"judgment_number": " "}, "judgment_number"),
    ({"id_number": "330183198503011234"}, "id_number"),
    ({"sentence_type": "caution"}, "sentence_type"),
    ({"effective_date": "2099-01-01"}, "effective_date"),
])
def test_open_names_the_bad_field_and_writes_nothing(overrides: dict[str, Any], field: str) -> None:
    # given
    cases_before = Case.objects.count()
    # when
    with pytest.raises(ValidationFailed) as err:
        services.open_correction(actor=actor_for("office1"), **intake_args(**overrides))
    # then
    assert err.value.field == field
    assert Case.objects.count() == cases_before


def test_office_staff_cannot_place_a_subject_in_another_office() -> None:
    with pytest.raises(NotFound):
        services.open_correction(actor=actor_for("office1"), **intake_args(office=office_of("office2")))


def test_county_agency_must_choose_the_office() -> None:
    # given corr at the county 司法局
    with pytest.raises(ValidationFailed) as err:
        services.open_correction(actor=actor_for("corr"), **intake_args(office=None))
    assert err.value.field == "office"
    # when the office is given, the county may place it there
    detail = services.open_correction(actor=actor_for("corr"), **intake_args(office=office_of("office2")))
    assert detail.case.org == office_of("office2")


def test_grid_worker_cannot_open() -> None:
    with pytest.raises(PermissionDeniedError):
        services.open_correction(actor=actor_for("grid1"), **intake_args())


def test_temporary_execution_starts_the_transfer_deadline_cc07() -> None:
    # given a 暂予监外执行 decision received on 2025-03-03 (Mon)
    args = intake_args(sentence_type="temporary_execution", original_sentence="有期徒刑三年", term="1年",
                       decision_org_type="prison_admin", decision_org_name="浙江省监狱管理局",
                       effective_date=datetime.date(2025, 3, 1), decision_received_on=datetime.date(2025, 3, 3))
    # when
    detail = services.open_correction(actor=actor_for("office1"), **args)
    # then: 十日 from the receipt → 2025-03-13; no report deadline
    keys = {d.key: d for d in detail.case.deadlines.all()}
    assert "report" not in keys and keys["transfer"].due_date == datetime.date(2025, 3, 13)
    assert keys["transfer"].rule_id == "CC-07"


# --- reception, terms (CC-34) -------------------------------------------------------------------


def _received(args: dict[str, Any], received_on: datetime.date, **data: Any) -> CorrectionCase:
    detail = services.open_correction(actor=actor_for("office1"), **args)
    return _move(detail, "receive", received_on=received_on.isoformat(), **data)


def test_c36_report_due_and_late_bands() -> None:
    """C-36: effective 2025-03-03 (Mon) → report due 2025-03-13; 7 days late → 训诫 band, 11 → 警告 band [NV]."""
    args = dict(effective_date=datetime.date(2025, 3, 3), term="1年", original_sentence="有期徒刑一年")
    on_time = _received(intake_args(**args), datetime.date(2025, 3, 13))
    assert _deadline(on_time, "report").due_date == datetime.date(2025, 3, 13)
    seven = _received(intake_args(**args), datetime.date(2025, 3, 20))
    eleven = _received(intake_args(**args), datetime.date(2025, 3, 24))
    data = {d.case_id: d.data for d in CaseTransition.objects.filter(name="receive",
                                                                   case__in=[on_time.case, seven.case, eleven.case])}
    assert data[on_time.pk]["report_timeliness"].startswith("按期") and "report_band" not in data[on_time.pk]
    assert data[seven.pk]["report_timeliness"].startswith("逾期 7 日") and data[seven.pk]["report_band"].startswith("训诫")
    assert data[eleven.pk]["report_band"].startswith("警告")


def test_c37_report_on_the_rolled_over_day_is_on_time() -> None:
    detail = _received(intake_args(effective_date=datetime.date(2025, 9, 26)), datetime.date(2025, 10, 9))
    row = CaseTransition.objects.get(case=detail.case, name="receive")
    assert row.data["report_timeliness"].startswith("按期")
    assert "report_band" not in row.data


def test_c44_probation_term_from_the_judgment_date() -> None:
    """C-44: 有期徒刑一年 缓刑一年, 判决确定 2025-03-10 → 考验期至 2026-03-09."""
    detail = _received(intake_args(effective_date=datetime.date(2025, 3, 10), term="1年", original_sentence="有期徒刑一年"),
                       datetime.date(2025, 3, 12))
    assert detail.term_start == datetime.date(2025, 3, 10)
    assert detail.term_end == datetime.date(2026, 3, 9)
    term = _deadline(detail, "term")
    assert term.rule_id == "CC-34.probation" and term.due_date == datetime.date(2026, 3, 9) and term.flagged == "[INT]"


def test_c45_control_term_with_custody_credit() -> None:
    """C-45: 管制一年, 45 days in custody before judgment, executed 2025-04-01 → credit 90 days, ends 2025-12-31."""
    detail = _received(intake_args(sentence_type="control", original_sentence="管制一年", term="1年", custody_days=45,
                                   effective_date=datetime.date(2025, 4, 1)), datetime.date(2025, 4, 3))
    assert detail.term_end == datetime.date(2025, 12, 31)
    assert _deadline(detail, "term").rule_id == "CC-34.control"


def test_temporary_execution_term_from_the_hand_over() -> None:
    detail = _received(intake_args(sentence_type="temporary_execution", original_sentence="有期徒刑三年", term="6个月",
                                   decision_org_type="prison_admin", decision_org_name="浙江省监狱管理局",
                                   effective_date=datetime.date(2025, 3, 1),
                                   decision_received_on=datetime.date(2025, 3, 3)), datetime.date(2025, 3, 10))
    assert detail.term_start == datetime.date(2025, 3, 10) and detail.term_end == datetime.date(2025, 9, 9)
    assert _deadline(detail, "transfer").status == "stopped"


def test_receive_before_the_effect_is_refused() -> None:
    detail = services.open_correction(actor=actor_for("office1"), **intake_args(effective_date=datetime.date(2025, 3, 3)))
    with pytest.raises(ValidationFailed) as err:
        _move(detail, "receive", received_on="2025-03-01")
    assert err.value.field == "received_on"
    assert Case.objects.get(pk=detail.pk).state == "decided"


def test_c46b_minor_flag_fixed_at_reception_and_kept_after_18() -> None:
    """C-46(b) / CC-35: 17 on the reception day → minor; the flag is never recomputed afterwards."""
    # given a person who turns 18 a few days after the reception
    today = datetime.date.today()
    birth = datetime.date(today.year - 18, 1, 1) + datetime.timedelta(days=5) if today.month > 1 else None
    received = datetime.date(today.year, 1, 2)
    if birth is None or received > today:
        pytest.skip("needs a date in the year after 1 January")
    args = intake_args(id_number=new_id_number(birth=birth), effective_date=datetime.date(today.year, 1, 1))
    # when
    detail = _received(args, received)
    # then: minor at reception, still minor although 18 today
    assert services.age_on(detail.subject.person, today) >= 18
    assert detail.subject.is_minor is True
    assert "身份保密" in Case.objects.get(pk=detail.pk).title
    _move(detail, "announce", "corr", announced_on=received.isoformat())  # office staff no longer see it (CC-35)
    assert CorrectionCase.objects.get(pk=detail.pk).subject.is_minor is True


# --- state machine ------------------------------------------------------------------------------


def test_full_path_to_discharge_with_certificate_and_notices_c44() -> None:
    """C-44: after the term, 解除 with the 解除社区矫正证明书 and notices to the court, 检察院 and 公安."""
    # given a subject received in 2025 whose one-year term ended on 2026-03-09
    detail = services.open_correction(actor=actor_for("office1"), **intake_args(
        effective_date=datetime.date(2025, 3, 10), term="1年", original_sentence="有期徒刑一年"))
    _move(detail, "notify", documents_received_on="2025-03-12")
    _move(detail, "expect_report")
    _move(detail, "receive", received_on="2025-03-13")
    _move(detail, "announce", announced_on="2025-03-13")
    # when the county agency discharges it
    result = services.take_step(actor=actor_for("corr"), detail=detail, transition="discharge",
                                data={"discharged_on": "2026-03-10", "reason": "期满", "police": "富阳区公安分局"})
    # then
    moved = CorrectionCase.objects.get(pk=detail.pk)
    assert moved.case.state == "discharged" and moved.case.closed_at is not None
    assert moved.ended_on == datetime.date(2026, 3, 10) and moved.ended_reason == "解除（期满）"
    row = CaseTransition.objects.get(case=moved.case, name="discharge")
    assert "杭州市富阳区人民法院" in row.data["notices"] and "执行地人民检察院" in row.data["notices"]
    assert "富阳区公安分局" in row.data["notices"]
    assert [d.doc_type for d in result.documents] == ["correction_discharge_certificate"]
    document = GeneratedDocument.objects.get(case=moved.case)
    assert document.number.startswith("浙0111矫解〔")
    assert _deadline(moved, "term").status == "stopped"
    notify = CaseTransition.objects.get(case=moved.case, name="notify")
    assert notify.data["documents_timeliness"].startswith("按期")


def test_discharge_before_the_term_ends_is_refused() -> None:
    # given a term ending in the future
    detail = make_correction(term_end=datetime.date.today() + datetime.timedelta(days=10))
    with pytest.raises(GuardFailed):
        services.take_step(actor=actor_for("corr"), detail=detail, transition="discharge",
                           data={"discharged_on": datetime.date.today().isoformat(), "reason": "期满"})
    assert Case.objects.get(pk=detail.pk).state == "under_correction"
    assert not GeneratedDocument.objects.filter(case_id=detail.pk).exists()


def test_office_staff_cannot_discharge() -> None:
    detail = make_correction(term_end=datetime.date(2026, 1, 1))
    with pytest.raises(PermissionDeniedError):
        _move(detail, "discharge", discharged_on="2026-01-02", reason="期满")


def test_discharge_reason_must_be_term_end_or_pardon() -> None:
    detail = make_correction(term_end=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationFailed) as err:
        _move(detail, "discharge", "corr", discharged_on="2026-01-02", reason="表现好")
    assert err.value.field == "reason"


def test_record_death_terminates_cc33() -> None:
    detail = make_correction(sentence_type="temporary_execution")
    _move(detail, "record_death", died_on="2026-11-01")
    moved = CorrectionCase.objects.get(pk=detail.pk)
    assert moved.case.state == "deceased" and moved.ended_reason == "终止（死亡）"
    notices = CaseTransition.objects.get(case=moved.case, name="record_death").data["notices"]
    assert "原关押监狱" in notices


def test_expect_report_is_refused_for_temporary_execution() -> None:
    detail = make_correction(sentence_type="temporary_execution", state="notified")
    with pytest.raises(GuardFailed):
        _move(detail, "expect_report")


def test_wrong_state_is_a_conflict() -> None:
    detail = make_correction(state="decided")
    with pytest.raises(TransitionNotAllowed):
        _move(detail, "announce", announced_on="2026-11-01")


def test_other_parts_transitions_are_not_taken_here() -> None:
    detail = make_correction()
    with pytest.raises(ValidationFailed) as err:
        _move(detail, "propose_revocation", "corr", grounds="x", court="y", court_received_on="2026-11-01")
    assert err.value.field == "name"


def test_missing_required_field_is_named() -> None:
    detail = make_correction(state="decided")
    with pytest.raises(ValidationFailed) as err:
        _move(detail, "notify")
    assert [e["field"] for e in err.value.errors] == ["documents_received_on"]


def test_office2_cannot_move_office1s_subject() -> None:
    detail = make_correction(state="decided")
    with pytest.raises(NotFound):
        _move(detail, "notify", "office2", documents_received_on="2026-11-01")


# --- lost contact (CC-20, C-48) --------------------------------------------------------------------


def test_c48_lost_contact_opens_a_red_alert_at_once() -> None:
    """C-48: phone dark on 2025-06-02 → search immediately; revocation possible from 2025-07-03."""
    # given
    detail = make_correction()
    # when
    _move(detail, "lose_contact", since="2025-06-02")
    # then
    moved = CorrectionCase.objects.get(pk=detail.pk)
    assert moved.case.state == "lost_contact" and moved.lost_contact and moved.lost_contact_since == datetime.date(2025, 6, 2)
    alert = Alert.objects.get(rule_code="correction.lost_contact", case_id=detail.pk)
    assert alert.level == "red" and alert.org_id == detail.case.org_id
    assert "2025-07-03" in alert.detail and "立即组织查找" in alert.detail
    # and when found, the flag clears
    _move(moved, "regain_contact", found_on="2025-06-05")
    again = CorrectionCase.objects.get(pk=detail.pk)
    assert again.case.state == "under_correction" and not again.lost_contact


# --- minors (CC-35, C-85) ------------------------------------------------------------------------


def test_c85_minor_file_refused_without_the_permission_and_opened_with_a_reason() -> None:
    # given a minor's file in office1
    detail = make_correction(minor=True)
    # then office1 (no correction.minor_files) is told it does not exist
    with pytest.raises(NotFound):
        services.open_minor_file(actor=actor_for("office1"), detail=detail, reason="用人单位询问")
    from sifa.modules.correction.selectors import correction_for

    with pytest.raises(NotFound):
        correction_for(actor_for("office1"), detail.pk)
    # and corr must give a reason, which is recorded
    with pytest.raises(ValidationFailed) as err:
        services.open_minor_file(actor=actor_for("corr"), detail=detail, reason=" ")
    assert err.value.field == "reason"
    services.open_minor_file(actor=actor_for("corr"), detail=detail, reason="人民法院审理案件需要调阅")
    event = AuditEvent.objects.get(action="correction.minor_file.opened", object_id=str(detail.pk))
    assert event.changes["reason"] == "人民法院审理案件需要调阅"


# --- 调查评估 (CC-03) ----------------------------------------------------------------------------


def test_assessment_deadline_from_configuration_and_opinion_document() -> None:
    # given a commission received on 2026-03-02 (Mon): 10 working days [NV] → 2026-03-16
    actor = actor_for("corr")
    assessment = services.open_assessment(actor=actor, commissioner_type="court", commissioner_name="杭州市富阳区人民法院",
                                          received_on=datetime.date(2026, 3, 2), person_name="评估甲",
                                          proposed_sentence_type="probation", crimes="盗窃罪")
    deadline = CaseDeadline.objects.get(case=assessment.case, key="assessment")
    assert deadline.rule_id == "CC-03" and deadline.period == "10个工作日" and deadline.flagged == "[NV]"
    assert deadline.due_date == datetime.date(2026, 3, 16)
    # when investigated and submitted
    services.take_assessment_step(actor=actor, assessment=assessment, transition="start_investigation")
    result = services.take_assessment_step(actor=actor, assessment=assessment, transition="submit", data={
        "conclusion": "suitable", "findings": "家庭稳定，有固定住所。\n村委会同意监督。", "submitted_on": "2026-03-13"})
    # then
    done = PreSentenceAssessment.objects.get(pk=assessment.pk)
    assert done.case.state == "submitted" and done.conclusion == "suitable"
    assert done.submitted_on == datetime.date(2026, 3, 13)
    assert [d.doc_type for d in result.documents] == ["correction_assessment_opinion"]
    assert CaseDeadline.objects.get(case=assessment.case, key="assessment").status == "stopped"
    assert CaseTransition.objects.get(case=assessment.case, name="submit").data["timeliness"].startswith("按期")


def test_urgent_assessment_uses_the_urgent_period() -> None:
    assessment = services.open_assessment(actor=actor_for("corr"), commissioner_type="procuratorate",
                                          commissioner_name="杭州市富阳区人民检察院", received_on=datetime.date(2026, 3, 2),
                                          person_name="评估乙", proposed_sentence_type="parole", urgent=True)
    deadline = CaseDeadline.objects.get(case=assessment.case, key="assessment")
    assert deadline.period == "5个工作日" and deadline.due_date == datetime.date(2026, 3, 9)


def test_assessment_submit_needs_findings() -> None:
    assessment = make_assessment(office_of("office1"), state="investigating")
    with pytest.raises(ValidationFailed) as err:
        services.move_assessment(actor=actor_for("corr"), assessment=assessment, transition="submit",
                                 data={"conclusion": "suitable"})
    assert err.value.field == "findings"


def test_assessment_outside_scope_is_not_found() -> None:
    assessment = make_assessment(office_of("office1"))
    with pytest.raises(NotFound):
        services.move_assessment(actor=actor_for("office2"), assessment=assessment, transition="start_investigation")


def test_an_ended_case_stops_every_deadline_and_ends_monitoring(django_capture_on_commit_callbacks: Any) -> None:
    """A closed case keeps no running deadline (cases engine) and its electronic monitoring ends with it (CC-19)."""
    from sifa.core.cases.models import CaseDeadline
    from sifa.core.cases.services import start_deadline
    from sifa.modules.correction.choices import MonitoringStatus
    from sifa.modules.correction.tests.movement_factories import make_monitoring

    # given a subject under electronic monitoring with the CC-19 and a 减刑 ruling deadline running
    detail = make_correction(state="under_correction", em_active=True)
    monitoring = make_monitoring(detail, start=datetime.date(2026, 1, 5), end=datetime.date(2026, 4, 5),
                                 status=MonitoringStatus.ACTIVE)
    start_deadline(case=detail.case, key="monitoring", rule="CC-19", start=datetime.date(2026, 1, 5))
    start_deadline(case=detail.case, key="commutation_ruling", rule="CC-23", start=datetime.date(2026, 1, 5))
    # when the subject dies (终止, CC-33)
    with django_capture_on_commit_callbacks(execute=True):
        services.take_step(actor=actor_for("office1"), detail=detail, transition="record_death",
                           data={"died_on": "2026-02-01"})
    # then nothing keeps running and the monitoring period is ended
    assert not CaseDeadline.objects.filter(case_id=detail.pk, status="running").exists()
    monitoring.refresh_from_db()
    assert monitoring.status == MonitoringStatus.ENDED and monitoring.removed_on is not None
    assert not CorrectionCase.objects.get(pk=detail.pk).em_active
