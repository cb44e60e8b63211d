"""penalty.py: the pure AP rules, one test (or more) per CASES.md case C-20 … C-35.

The deadline computations go through the deadlines engine with the shipped 2025/2026 calendars
(RULES.md Appendix A), so no database is needed here.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from sifa.core.deadlines.calendar import WorkingCalendar
from sifa.core.deadlines.rules import compute_rule
from sifa.core.deadlines.shipped import shipped_years
from sifa.modules.enforcement import penalty

D = datetime.date
CAL = WorkingCalendar(y.arrangement() for y in shipped_years())


@pytest.mark.parametrize(("case", "party", "types", "amount", "allowed"), [
    ("a", "citizen", ["fine"], 200, True),
    ("b", "citizen", ["fine"], 201, False),
    ("c", "organisation", ["fine"], 3000, True),
    ("d", "organisation", ["fine"], 3500, False),
    ("e", "citizen", ["warning"], None, True),
])
def test_c20_simplified_procedure_thresholds(case: str, party: str, types: list[str], amount: int | None,
                                             allowed: bool) -> None:
    """C-20 · AP-16: "以下" includes the number (GEN-12)."""
    assert penalty.simplified_allowed(party, types, amount) is allowed
    problem = penalty.simplified_problem(party, types, amount)
    if allowed:
        assert problem is None
    else:
        assert problem is not None and "AP-16" in problem and "普通程序" in problem


def test_c20_other_penalty_types_need_the_ordinary_procedure() -> None:
    problem = penalty.simplified_problem("organisation", ["revoke_licence"], None)
    assert problem is not None and "第五十一条" in problem
    assert not penalty.simplified_allowed("citizen", ["fine"], 100, facts_certain=False)


def test_c21_on_spot_collection() -> None:
    """C-21 · AP-17: (a) ¥100 may be collected, with a 财政部门 receipt; (b) ¥150 from a local party may not."""
    a = penalty.on_spot_collection(100)
    assert a.allowed and a.receipt_required and "专用票据" in a.reason
    b = penalty.on_spot_collection(150)
    assert not b.allowed and "十五日" in b.reason
    assert penalty.on_spot_collection_allowed(150, hard_to_collect=True)
    assert penalty.on_spot_collection_allowed(150, remote_area_request=True)


def test_c22_hearing_request_deadline() -> None:
    """C-22 · AP-25, GEN-06: notice served 2025-12-30 → request by 2026-01-07 (五日 = 工作日)."""
    assert compute_rule("AP-25", D(2025, 12, 30), CAL, explain=False).due == D(2026, 1, 7)


def test_c23_hearing_notice_latest_day() -> None:
    """C-23 · AP-25: hearing 2025-10-15 → notice by 2025-09-29."""
    assert penalty.latest_hearing_notice(D(2025, 10, 15), CAL) == D(2025, 9, 29)


def test_c24_payment_due_with_and_without_rollover() -> None:
    """C-24 · AP-31, GEN-04: received 2026-02-03 → last day 2026-02-24, accrual from 02-25; 不顺延 → 02-19."""
    due = penalty.payment_due(D(2026, 2, 3), calendar=CAL)
    assert due.nominal == D(2026, 2, 18) and due.due == D(2026, 2, 24)
    assert penalty.late_fee(1000, due.due, D(2026, 2, 24)) == 0
    assert penalty.late_fee(1000, due.due, D(2026, 2, 25)) == Decimal("30.00")
    strict = penalty.payment_due(D(2026, 2, 3), no_rollover=True, calendar=CAL)
    assert strict.due == D(2026, 2, 18)
    assert penalty.overdue_day_count(strict.due, D(2026, 2, 19)) == 1


def test_c25_late_fee_capped_at_the_fine() -> None:
    """C-25 · AP-32: ¥10,000 → ¥300/day; day 33 ¥9,900; from day 34 ¥10,000."""
    due = D(2026, 3, 2)
    assert penalty.late_fee(10000, due, due + datetime.timedelta(days=1)) == Decimal("300.00")
    assert penalty.late_fee(10000, due, due + datetime.timedelta(days=33)) == Decimal("9900.00")
    assert penalty.late_fee(10000, due, due + datetime.timedelta(days=34)) == Decimal("10000.00")
    assert penalty.late_fee(10000, due, due + datetime.timedelta(days=200)) == Decimal("10000.00")


def test_c25_no_accrual_during_review() -> None:
    """C-25 · AP-33: 复议 applied for on overdue day 10 → the days in review are not counted."""
    due = D(2026, 3, 2)
    applied = due + datetime.timedelta(days=10)
    review_end = applied + datetime.timedelta(days=59)
    during = penalty.late_fee(10000, due, review_end, [(applied, review_end)])
    assert during == Decimal("2700.00")  # days 1–9 only
    after = penalty.late_fee(10000, due, review_end + datetime.timedelta(days=5), [(applied, review_end)])
    assert after == Decimal("4200.00")  # 9 + 5 days


def test_c26_case_time_limit() -> None:
    """C-26 · AP-27: (a) 立案 2025-07-15 → 2025-10-13; (b) 2025-07-03 → alert 09-30, outer limit 10-09."""
    a = compute_rule("AP-27", D(2025, 7, 15), CAL, explain=False)
    assert a.due == D(2025, 10, 13)
    b = compute_rule("AP-27", D(2025, 7, 3), CAL, explain=False)
    assert (b.nominal, b.alert_on, b.due) == (D(2025, 10, 1), D(2025, 9, 30), D(2025, 10, 9))


def test_c27_limitation() -> None:
    """C-27 · AP-07: (a) 二年 ended 2025-03-14; (b) 五年 to 2028-03-14; (c) from the end of a continuing act."""
    a = penalty.limitation(D(2023, 3, 14), None, D(2025, 3, 17), False, CAL)
    assert a.expired and a.ends_on == D(2025, 3, 14) and a.rule == "AP-07"
    b = penalty.limitation(D(2023, 3, 14), None, D(2025, 3, 17), True, CAL)
    assert not b.expired and b.ends_on == D(2028, 3, 14)
    c = penalty.limitation(D(2023, 5, 1), D(2024, 1, 10), D(2025, 12, 1), False, CAL)
    assert not c.expired and c.ends_on == D(2026, 1, 10)
    assert penalty.limitation_expired(D(2023, 3, 14), None, D(2025, 3, 14), False, CAL) is False  # last day in time


def test_c28_age() -> None:
    """C-28 · AP-05: (a) 13 → no penalty; (b) 16 → must mitigate; adults → None."""
    act = D(2025, 6, 1)
    assert penalty.age_rule(D(2012, 1, 1), act) == penalty.NO_PENALTY
    assert penalty.age_rule(D(2009, 1, 1), act) == penalty.MUST_MITIGATE
    assert penalty.age_rule(D(1990, 1, 1), act) is None
    assert penalty.age_rule(None, act) is None
    # 已满十四周岁 from the day after the 14th birthday [INT]
    assert penalty.age_rule(D(2011, 6, 1), act) == penalty.NO_PENALTY
    assert penalty.age_rule(D(2011, 5, 31), act) == penalty.MUST_MITIGATE
    assert "第三十条" in penalty.AGE_MESSAGES[penalty.NO_PENALTY]


def test_c29_evidence_preservation() -> None:
    """C-29 · AP-19: preserved 2025-09-30 → decision due 2025-10-16 (七日 = 工作日)."""
    assert compute_rule("AP-19", D(2025, 9, 30), CAL, explain=False).due == D(2025, 10, 16)


def test_c30_publication_withdrawal() -> None:
    """C-30 · AP-29: revoked 2026-02-12 → withdraw by 2026-02-24."""
    assert compute_rule("AP-29", D(2026, 2, 12), CAL, explain=False).due == D(2026, 2, 24)


def test_c31_earliest_court_application() -> None:
    """C-31 · AP-37, GEN-08: 催告书 served 2026-04-28 → earliest application 2026-05-14."""
    assert penalty.earliest_court_application(D(2026, 4, 28), CAL) == D(2026, 5, 14)


def test_c32_court_application_window() -> None:
    """C-32 · AP-37, AR-04: served 2026-01-20 → 复议 to 03-23, 诉讼 to 07-20, apply after 07-20 by 10-20."""
    window = penalty.court_application_window(D(2026, 1, 20), CAL)
    assert window.review_ends == D(2026, 3, 23)
    assert window.litigation_ends == D(2026, 7, 20)
    assert window.opens == D(2026, 7, 21)
    assert window.closes == D(2026, 10, 20)


def test_c33_transfer_deadlines() -> None:
    """C-33 · AP-20: report 2025-09-30 → nominal 10-03, alert 09-30, outer limit 10-09; transfer in 24 hours."""
    decision = compute_rule("AP-20", D(2025, 9, 30), CAL, explain=False)
    assert (decision.nominal, decision.alert_on, decision.due) == (D(2025, 10, 3), D(2025, 9, 30), D(2025, 10, 9))
    transfer = compute_rule("AP-20.transfer", datetime.datetime(2025, 10, 1, 10, 0), CAL, explain=False)
    assert transfer.due == datetime.datetime(2025, 10, 2, 10, 0)  # hours, no rollover


def test_c35_lighter_new_rule_applies() -> None:
    """C-35 · AP-09: the maximum fine lowered before the decision → the new, lighter rule."""
    assert penalty.applicable_rule(10000, 5000) == penalty.NEW_RULE
    assert penalty.applicable_rule(5000, 10000) == penalty.OLD_RULE
    assert penalty.applicable_rule(5000, None) == penalty.OLD_RULE
    assert penalty.applicable_rule(5000, 10000, no_longer_unlawful=True) == penalty.NEW_RULE


def test_ap23_no_heavier_penalty_after_defence() -> None:
    assert penalty.heavier_than_proposed(["fine"], 5000, ["fine"], 6000)
    assert penalty.heavier_than_proposed(["fine"], 5000, ["fine", "suspend_licence"], 5000)
    assert not penalty.heavier_than_proposed(["fine"], 5000, ["fine"], 3000)


@pytest.mark.parametrize(("case", "types", "required"), [
    ("a", "revoke_licence", True),     # 吊销律师执业证书: 第六十三条第一款第三项
    ("b", "warning", False),
    ("c", "order_suspension", True),   # 责令停业: 第四项
])
def test_c34_hearing_right(case: str, types: str, required: bool) -> None:
    """C-34 · AP-24 through the foundation's ``hearing_required``."""
    from sifa.modules.enforcement.rules import hearing_required

    assert hearing_required(types, None, "organisation", None) is required
