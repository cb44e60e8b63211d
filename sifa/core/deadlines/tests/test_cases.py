"""Every calendar and deadline case of shared/domain/CASES.md, named by its case id.

Cases built on [NV]/[INT] rules go through the same configuration switch the rule table names
(a variant such as LA-11 "工作日" or AP-31 "不顺延") and assert the rule's visible flag.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from sifa.core.deadlines import periods
from sifa.core.deadlines.calendar import CalendarMissing, WorkingCalendar
from sifa.core.deadlines.periods import Kind, days_late, exceeds, is_timely, parse_period, within
from sifa.core.deadlines.rules import compute_rule, get_rule
from sifa.core.deadlines.tests.conftest import d


def due(rule_id: str, start: str, calendar: WorkingCalendar, **kwargs: object) -> datetime.date:
    result = compute_rule(rule_id, d(start), calendar, **kwargs)  # type: ignore[arg-type]
    assert isinstance(result.due, datetime.date)
    return result.due


# --- A. Calendar and cross-cutting -----------------------------------------------------------------

def test_c01_acceptance_review_ends_on_make_up_saturday(calendar: WorkingCalendar) -> None:
    # given an application received on Sunday 2025-09-28, itself a make-up working day
    received = "2025-09-28"
    # when
    acceptance = compute_rule("AR-11", d(received), calendar)
    # then the 五日 (工作日, GEN-07) end on the make-up Saturday, not on 10-13
    assert acceptance.due == d("2025-10-11")
    assert acceptance.period.unit is periods.Unit.WORKING_DAY
    assert any("09-29(1)、09-30(2)、10-09(3)、10-10(4)、10-11调休上班(5)" in s.text for s in acceptance.steps)
    # deemed accepted on 2025-10-11: copy within 七日 (工作日), decision within 六十日 (+三十日)
    assert due("AR-19", "2025-10-11", calendar) == d("2025-10-21")
    decision = compute_rule("AR-29", d("2025-10-11"), calendar)
    assert decision.due == d("2025-12-10")
    extended = periods.extend(decision, calendar, period=parse_period("三十日"), reason="案情复杂", approver="复议机构负责人")
    assert extended.due == d("2026-01-09")


def test_c02_year_without_calendar_raises_in_chinese(calendar: WorkingCalendar) -> None:
    # given no 2027 calendar
    # when / then
    with pytest.raises(CalendarMissing) as raised:
        compute_rule("AR-11", d("2027-03-01"), calendar)
    assert raised.value.year == 2027
    assert "缺少 2027 年节假日安排" in raised.value.message
    with pytest.raises(CalendarMissing):
        calendar.is_working_day(d("2027-03-01"))


def test_c03_late_reporting_bands_ten_and_eleven_days(calendar: WorkingCalendar) -> None:
    # given a reporting deadline of 2025-03-13 (CC-16/CC-17 [NV])
    deadline = d("2025-03-13")
    # when
    late_a, late_b = days_late(deadline, d("2025-03-23")), days_late(deadline, d("2025-03-24"))
    # then 10 days = 未超过十日 (训诫), 11 days = 超过十日 (警告)
    assert (late_a, exceeds(late_a, 10)) == (10, False)
    assert (late_b, exceeds(late_b, 10)) == (11, True)
    beyond = compute_rule("CC-17.late", deadline, calendar)
    assert beyond.due == d("2025-03-24")
    assert get_rule("CC-17.late").status == "NV" and get_rule("CC-17.late").flag


def test_c04_custody_thirty_days_never_rolls(calendar: WorkingCalendar) -> None:
    custody = compute_rule("CC-28.custody", d("2025-12-20"), calendar)
    assert custody.due == d("2026-01-19")
    assert custody.nominal == custody.due


# --- B. 行政复议 ------------------------------------------------------------------------------------

def test_c05_application_period_from_postal_signature(calendar: WorkingCalendar) -> None:
    assert due("AR-04", "2025-03-15", calendar) == d("2025-05-14")


def test_c06_application_period_rolls_over_national_day(calendar: WorkingCalendar) -> None:
    result = compute_rule("AR-04", d("2025-08-02"), calendar)
    assert result.nominal == d("2025-10-01")
    assert result.due == d("2025-10-09")
    assert any("《行政复议法》第八十八条第一款" in s.basis for s in result.steps)


def test_c07_one_year_cap_when_rights_were_not_stated(calendar: WorkingCalendar) -> None:
    # given the rights learned on 2026-03-01, the act's content known since 2025-02-10
    sixty_days = due("AR-04", "2026-03-01", calendar)
    cap = due("AR-04.cap", "2025-02-10", calendar)
    # when
    last_day = min(sixty_days, cap)
    # then
    assert sixty_days == d("2026-04-30")
    assert cap == d("2026-02-10")
    assert last_day == cap
    assert not is_timely(last_day, d("2026-03-05"))


def test_c08_five_year_absolute_cut_off_from_the_act(calendar: WorkingCalendar) -> None:
    cut_off = due("AR-05", "2020-03-10", calendar)
    assert cut_off == d("2025-03-10")
    assert not is_timely(cut_off, d("2025-03-12"))


def test_c09_correction_then_new_acceptance_review(calendar: WorkingCalendar) -> None:
    correction = compute_rule("AR-12.reply", d("2025-04-25"), calendar)
    assert correction.due == d("2025-05-13")
    assert any("04-27调休上班(1)" in s.text for s in correction.steps)
    assert is_timely(correction, d("2025-05-13"))
    assert due("AR-11", "2025-05-13", calendar) == d("2025-05-20")


def test_c10_respondent_answer_due_with_two_make_up_days(calendar: WorkingCalendar) -> None:
    answer = due("AR-19.reply", "2025-09-26", calendar)
    assert answer == d("2025-10-16")
    assert not is_timely(answer, d("2025-10-17"))  # NO_RESPONSE from 2025-10-17


def test_c11_simplified_procedure_copy_answer_and_decision(calendar: WorkingCalendar) -> None:
    assert due("AR-20", "2026-02-10", calendar) == d("2026-02-13")
    assert due("AR-20.reply", "2026-02-13", calendar) == d("2026-02-27")
    assert due("AR-29.simple", "2026-02-10", calendar) == d("2026-03-12")


def test_c12_three_thousand_is_within_the_simplified_threshold() -> None:
    assert within(Decimal("3000"), Decimal("3000"))
    assert not within(Decimal("3001"), Decimal("3000"))


def test_c13_extension_limit_rolls_to_monday(calendar: WorkingCalendar) -> None:
    base = compute_rule("AR-29", d("2025-12-01"), calendar)
    assert base.due == d("2026-01-30")
    extended = periods.extend(base, calendar, period=parse_period("三十日"), reason="情况复杂", approver="复议机构负责人")
    assert extended.nominal == d("2026-03-01")
    assert extended.due == d("2026-03-02")
    assert "复议机构负责人" in extended.adjustments[-1]


def test_c14_hearing_notice_five_working_days_before(calendar: WorkingCalendar) -> None:
    notice = compute_rule("AR-23", d("2026-10-09"), calendar)
    assert notice.policy.kind is Kind.NOTICE
    assert notice.due == d("2026-09-24")
    # a notice served on 2026-09-28 leaves only four working days
    assert calendar.working_days_between(d("2026-09-28"), d("2026-10-09")) == 4
    assert not is_timely(notice, d("2026-09-28"))


def test_c15_suspension_of_sixty_days_leads_to_termination(calendar: WorkingCalendar) -> None:
    assert due("AR-27", "2026-06-15", calendar) == d("2026-08-14")


def test_c16_incidental_review_notice_and_handling(calendar: WorkingCalendar) -> None:
    assert due("AR-31.notice", "2026-04-01", calendar) == d("2026-04-07")
    handling = compute_rule("AR-31", d("2026-04-01"), calendar)
    assert (handling.nominal, handling.due) == (d("2026-05-01"), d("2026-05-06"))
    assert due("AR-31.transfer", "2026-04-01", calendar) == calendar.add_working_days(d("2026-04-01"), 7)
    assert due("AR-31.reply", "2026-04-07", calendar) == calendar.add_working_days(d("2026-04-07"), 10)


def test_c17_litigation_after_review_rolls_over_national_day(calendar: WorkingCalendar) -> None:
    result = compute_rule("AR-38", d("2026-09-18"), calendar)
    assert (result.nominal, result.due) == (d("2026-10-03"), d("2026-10-08"))
    assert any("《行诉法解释》第四十八条第三款" in s.basis for s in result.steps)


def test_c19_forwarding_by_the_penalising_authority(calendar: WorkingCalendar) -> None:
    assert due("AR-13", "2025-09-30", calendar) == d("2025-10-14")


# --- C. 行政处罚 and enforcement ---------------------------------------------------------------------

def test_c20_on_the_spot_thresholds_include_the_number() -> None:
    assert within(200, 200) and not within(201, 200)
    assert within(3000, 3000) and not within(3500, 3000)


def test_c22_hearing_request_across_new_year(calendar: WorkingCalendar) -> None:
    result = compute_rule("AP-25", d("2025-12-30"), calendar)
    assert result.due == d("2026-01-07")
    assert any("12-31(1)、01-04调休上班(2)、01-05(3)、01-06(4)、01-07(5)" in s.text for s in result.steps)


def test_c23_penalty_hearing_notice_seven_working_days_before(calendar: WorkingCalendar) -> None:
    assert due("AP-25.notice", "2025-10-15", calendar) == d("2025-09-29")


def test_c24_payment_rolls_over_spring_festival_unless_switched_off(calendar: WorkingCalendar) -> None:
    default = compute_rule("AP-31", d("2026-02-03"), calendar)
    assert (default.nominal, default.due) == (d("2026-02-18"), d("2026-02-24"))
    assert default.due + datetime.timedelta(days=1) == d("2026-02-25")  # 加处罚款 from
    assert any(s.tag == "INT" for s in default.steps)  # 民法典第二百零三条 as default basis [INT]
    switched = compute_rule("AP-31", d("2026-02-03"), calendar, variant="不顺延")
    assert switched.due == d("2026-02-18")
    assert switched.due + datetime.timedelta(days=1) == d("2026-02-19")
    assert get_rule("AP-31").status_of(get_rule("AP-31").variant("不顺延"))[0] == "INT"


def test_c25_late_payment_surcharge_capped_and_paused_during_review() -> None:
    fine = Decimal("10000")
    assert periods.late_payment_surcharge(fine, 1) == Decimal("300.00")
    assert periods.late_payment_surcharge(fine, 33) == Decimal("9900.00")
    assert periods.late_payment_surcharge(fine, 34) == fine
    # 复议 applied on overdue day 10; the 20 days in review do not count
    last_day = d("2026-02-24")
    review = (last_day + datetime.timedelta(days=11), last_day + datetime.timedelta(days=30))
    counted = periods.overdue_days(last_day, last_day + datetime.timedelta(days=40), [review])
    assert counted == 20


def test_c26_case_time_limit_alerts_before_national_day(calendar: WorkingCalendar) -> None:
    assert due("AP-27", "2025-07-15", calendar) == d("2025-10-13")
    holiday = compute_rule("AP-27", d("2025-07-03"), calendar)
    assert holiday.nominal == d("2025-10-01")
    assert holiday.alert_on == d("2025-09-30")
    assert holiday.due == d("2025-10-09")  # the legal outer limit [INT]


def test_c27_limitation_two_and_five_years_and_continuing_acts(calendar: WorkingCalendar) -> None:
    two_years = due("AP-07", "2023-03-14", calendar)
    assert two_years == d("2025-03-14") and not is_timely(two_years, d("2025-03-17"))
    assert due("AP-07.serious", "2023-03-14", calendar) == d("2028-03-14")
    continuing = due("AP-07", "2024-01-10", calendar)
    assert continuing == d("2026-01-10") and is_timely(continuing, d("2025-12-01"))


def test_c29_preservation_decision_seven_working_days(calendar: WorkingCalendar) -> None:
    assert due("AP-19", "2025-09-30", calendar) == d("2025-10-16")


def test_c30_withdrawal_of_published_decision(calendar: WorkingCalendar) -> None:
    result = compute_rule("AP-29", d("2026-02-12"), calendar)
    assert result.due == d("2026-02-24")
    assert any("02-13(1)、02-14调休上班(2)、02-24(3)" in s.text for s in result.steps)


def test_c31_court_enforcement_not_before_ten_working_days(calendar: WorkingCalendar) -> None:
    earliest = compute_rule("AP-37", d("2026-04-28"), calendar)
    assert earliest.policy.kind is Kind.WAIT
    assert earliest.due == d("2026-05-14")


def test_c32_review_litigation_and_enforcement_windows(calendar: WorkingCalendar) -> None:
    review = compute_rule("AR-04", d("2026-01-20"), calendar)
    assert (review.nominal, review.due) == (d("2026-03-21"), d("2026-03-23"))
    litigation = due("AR-38.direct", "2026-01-20", calendar)
    assert litigation == d("2026-07-20")
    assert due("AP-37.window", litigation.isoformat(), calendar) == d("2026-10-20")


def test_c33_transfer_decision_and_twenty_four_hours(calendar: WorkingCalendar) -> None:
    decision = compute_rule("AP-20", d("2025-09-30"), calendar)
    assert decision.nominal == d("2025-10-03")
    assert decision.alert_on == d("2025-09-30")
    assert decision.due == d("2025-10-09")
    transfer = compute_rule("AP-20.transfer", datetime.datetime(2025, 10, 9, 15, 30), calendar)
    assert transfer.due == datetime.datetime(2025, 10, 10, 15, 30)


# --- D. 社区矫正 --------------------------------------------------------------------------------------

def test_c36_reporting_deadline_bands_and_one_month_absence(calendar: WorkingCalendar) -> None:
    report_by = due("CC-06", "2025-03-03", calendar)
    assert report_by == d("2025-03-13")
    assert not exceeds(days_late(report_by, d("2025-03-20")), 10)  # 7 days late: 训诫 band [NV]
    assert exceeds(days_late(report_by, d("2025-03-24")), 10)  # 11 days late: 警告 band [NV]
    absence = compute_rule("CC-25.absence", report_by, calendar)
    assert absence.nominal == d("2025-04-14")
    assert absence.due == d("2025-04-14")
    assert any("2025-04-13" in s.text for s in absence.steps)


def test_c37_court_notice_documents_and_reporting_roll_to_october_ninth(calendar: WorkingCalendar) -> None:
    notice = compute_rule("CC-05", d("2025-09-26"), calendar)
    documents = compute_rule("CC-05.documents", d("2025-09-26"), calendar)
    report = compute_rule("CC-06", d("2025-09-26"), calendar)
    assert (notice.nominal, documents.nominal, report.nominal) == (d("2025-10-01"), d("2025-10-06"), d("2025-10-06"))
    assert notice.due == documents.due == report.due == d("2025-10-09")
    assert is_timely(report, d("2025-10-09"))
    assert any(s.tag == "INT" and "第一百零五条第四款" in s.basis for s in report.steps)


def test_c39_electronic_monitoring_three_months_and_extension_not_rolled(calendar: WorkingCalendar) -> None:
    first = compute_rule("CC-19", d("2025-11-10"), calendar)
    assert first.due == d("2026-02-10")
    extended = periods.extend(first, calendar, period=parse_period("三个月"), reason="经评估仍需使用",
                              approver="县级司法行政部门负责人")
    assert extended.due == d("2026-05-10")  # a Sunday, not rolled over
    assert extended.alert_on == d("2026-05-09")  # the make-up Saturday before it


def test_c41_arrest_decision_custody_and_ruling_in_custody(calendar: WorkingCalendar) -> None:
    decision = compute_rule("CC-28.decision", datetime.datetime(2025, 12, 19, 10, 0), calendar)
    assert decision.due == datetime.datetime(2025, 12, 21, 10, 0)
    assert due("CC-28.custody", "2025-12-20", calendar) == d("2026-01-19")
    ruling = compute_rule("CC-29", d("2025-12-19"), calendar, variant="在押")
    assert ruling.due == d("2026-01-18")
    assert ruling.alert_on == d("2026-01-16")
    assert get_rule("CC-29").status_of(get_rule("CC-29").variant("在押"))[0] == "INT"


def test_c43_recommitment_decision(calendar: WorkingCalendar) -> None:
    assert due("CC-30", "2026-02-01", calendar) == d("2026-03-03")


def test_c44_probation_ends_the_day_before(calendar: WorkingCalendar) -> None:
    result = compute_rule("CC-34.probation", d("2025-03-10"), calendar, period=parse_period("一年"))
    assert result.due == d("2026-03-09")
    assert get_rule("CC-34.probation").status == "INT"


def test_c45_control_term_with_custody_credited_two_for_one(calendar: WorkingCalendar) -> None:
    without = compute_rule("CC-34.control", d("2025-04-01"), calendar, period=parse_period("一年"))
    with_credit = compute_rule("CC-34.control", d("2025-04-01"), calendar, period=parse_period("一年"), custody_days=45)
    assert without.due == d("2026-03-31")
    assert with_credit.due == d("2025-12-31")
    assert any("共折抵 90 日" in s.text for s in with_credit.steps)


def test_c47_reduction_ruling_for_a_correction_subject(calendar: WorkingCalendar) -> None:
    assert due("CC-23", "2026-01-05", calendar) == d("2026-02-04")


def test_c48_absence_beyond_one_month(calendar: WorkingCalendar) -> None:
    assert due("CC-25.absence", "2025-06-02", calendar) == d("2025-07-03")


# --- E. 减刑、假释、暂予监外执行 ---------------------------------------------------------------------

def test_c49_first_reduction_after_eighteen_months(calendar: WorkingCalendar) -> None:
    assert due("CP-03.5to10", "2023-06-01", calendar) == d("2024-12-01")


def test_c50_interval_one_year_and_eighteen_months(calendar: WorkingCalendar) -> None:
    ordinary = compute_rule("CP-05.under10", d("2025-01-10"), calendar)
    assert ordinary.nominal == d("2026-01-10")  # a Saturday
    assert ordinary.due == d("2026-01-12")  # first filing day in practice [INT]
    assert due("CP-05.over10", "2025-01-10", calendar) == d("2026-07-10")


def test_c51_parole_half_term_with_custody_credit(calendar: WorkingCalendar) -> None:
    result = compute_rule("CP-15", d("2020-01-01"), calendar, period=parse_period("十年"), custody_days=200)
    assert result.due == d("2024-06-15")
    assert any("2024-06-14" in s.text for s in result.steps)


def test_c52_life_sentence_thirteen_years_without_credit(calendar: WorkingCalendar) -> None:
    assert due("CP-15.life", "2012-09-01", calendar) == d("2025-09-01")
    with pytest.raises(Exception, match="羁押折抵"):
        compute_rule("CP-15.life", d("2012-09-01"), calendar, custody_days=730)


def test_c54_reduction_ruling_and_extension(calendar: WorkingCalendar) -> None:
    ruling = compute_rule("CP-24", d("2025-06-18"), calendar)
    assert ruling.due == d("2025-07-18")
    extended = periods.extend(ruling, calendar, period=parse_period("一个月"), reason="案情复杂", approver="院长")
    assert extended.due == d("2025-08-18")


def test_c55_supplements_and_public_notice(calendar: WorkingCalendar) -> None:
    supplements = due("CP-25", "2025-06-10", calendar)
    assert supplements == d("2025-06-13") and is_timely(supplements, d("2025-06-12"))
    publicity_start = due("CP-26", "2025-06-12", calendar)
    assert publicity_start == d("2025-06-17")
    assert due("CP-26.duration", publicity_start.isoformat(), calendar) == d("2025-06-22")


def test_c57_protest_posted_in_time_and_rehearing(calendar: WorkingCalendar) -> None:
    protest = compute_rule("CP-31", d("2025-08-20"), calendar)
    assert protest.due == d("2025-09-09")
    assert is_timely(protest, d("2025-09-05"))  # posted before expiry (GEN-05), received 09-15
    assert not is_timely(protest, d("2025-09-10"))
    assert due("CP-31.reheard", "2025-09-15", calendar) == d("2025-10-15")


def test_c58_six_months_after_concealment_ends(calendar: WorkingCalendar) -> None:
    assert due("CP-21", "2025-03-01", calendar) == d("2025-09-01")
    assert get_rule("CP-22").stated == parse_period("七日")


def test_c60_procuratorate_objection_rolls_to_monday(calendar: WorkingCalendar) -> None:
    result = compute_rule("CP-36", d("2025-12-31"), calendar)
    assert (result.nominal, result.due) == (d("2026-01-31"), d("2026-02-02"))


# --- F. 法律援助 ------------------------------------------------------------------------------------

def test_c61_review_calendar_days_by_default_working_days_by_switch(calendar: WorkingCalendar) -> None:
    default = compute_rule("LA-11", d("2025-09-30"), calendar)
    assert (default.nominal, default.due) == (d("2025-10-07"), d("2025-10-09"))
    switched = compute_rule("LA-11", d("2025-09-30"), calendar, variant="工作日")
    assert switched.due == d("2025-10-16")
    assert switched.steps[0].tag == "INT"


def test_c62_appointment_same_date_in_both_modes(calendar: WorkingCalendar) -> None:
    assert due("LA-11.assign", "2025-10-09", calendar) == d("2025-10-13")
    assert due("LA-11.assign", "2025-10-09", calendar, variant="工作日") == d("2025-10-13")


def test_c63_notification_and_appointment_for_a_minor(calendar: WorkingCalendar) -> None:
    notified = due("LA-08", "2026-03-02", calendar)
    assert notified == d("2026-03-05")
    appointed = compute_rule("LA-08.appoint", notified, calendar)
    assert (appointed.nominal, appointed.due) == (d("2026-03-08"), d("2026-03-09"))


def test_c64_twenty_four_hours_ignore_the_spring_festival(calendar: WorkingCalendar) -> None:
    result = compute_rule("LA-10", datetime.datetime(2026, 2, 14, 20, 0), calendar)
    assert result.due == datetime.datetime(2026, 2, 15, 20, 0)


def test_c65_fewer_than_seven_days_remain() -> None:
    remaining = periods.days_remaining(d("2026-04-20"), d("2026-04-24"))
    assert remaining == 4
    assert periods.less_than(remaining, 7)


def test_c67_objection_decision_both_modes(calendar: WorkingCalendar) -> None:
    assert due("LA-18", "2026-06-18", calendar) == d("2026-06-23")
    assert due("LA-18", "2026-06-18", calendar, variant="工作日") == d("2026-06-26")


# --- G. 人民调解 ------------------------------------------------------------------------------------

def test_c70_joint_application_for_confirmation_rolls_to_monday(calendar: WorkingCalendar) -> None:
    result = compute_rule("PM-12", d("2025-06-05"), calendar)
    assert (result.nominal, result.due) == (d("2025-07-05"), d("2025-07-07"))


# --- H. 重大行政决策 -------------------------------------------------------------------------------

def test_c74_public_comment_at_least_thirty_days(calendar: WorkingCalendar) -> None:
    assert due("LR-04", "2025-09-20", calendar) == d("2025-10-20")


def test_c75_legality_review_at_least_seven_working_days(calendar: WorkingCalendar) -> None:
    result = compute_rule("LR-09", d("2025-09-26"), calendar)
    assert result.due == d("2025-10-13")
    assert any("09-28调休上班(1)" in s.text and "10-11调休上班(6)" in s.text for s in result.steps)


def test_c76_hearing_materials_seven_days_before_dispatch_on_working_day(calendar: WorkingCalendar) -> None:
    result = compute_rule("LR-05", d("2026-05-11"), calendar)
    assert result.due == d("2026-05-04")
    assert result.alert_on == d("2026-04-30")


# --- I. 备案审查 ------------------------------------------------------------------------------------

def test_c78_filing_within_thirty_days(calendar: WorkingCalendar) -> None:
    assert due("FR-02", "2025-12-20", calendar) == d("2026-01-19")


def test_c79_supplement_within_fifteen_days(calendar: WorkingCalendar) -> None:
    assert due("FR-04", "2026-01-28", calendar) == d("2026-02-12")


def test_c80_drafter_reports_within_thirty_days(calendar: WorkingCalendar) -> None:
    assert due("FR-11", "2026-03-02", calendar) == d("2026-04-01")


def test_c81_active_review_two_months_shown_after_may_day(calendar: WorkingCalendar) -> None:
    result = compute_rule("FR-06", d("2026-03-02"), calendar)
    assert (result.nominal, result.due) == (d("2026-05-02"), d("2026-05-06"))


def test_c82_annual_catalogue_fixed_date_uses_the_friday_before(calendar: WorkingCalendar) -> None:
    result = compute_rule("FR-12", d("2025-12-31"), calendar)
    assert result.due == d("2026-01-31")
    assert result.alert_on == d("2026-01-30")


def test_c83_regulation_effective_thirty_days_after_publication(calendar: WorkingCalendar) -> None:
    result = compute_rule("FR-17", d("2026-03-02"), calendar)
    assert result.due == d("2026-04-01")
    assert get_rule("FR-17").status == "INT"
