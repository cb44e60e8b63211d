"""Pure rules of 行政处罚 cases (RULES.md §4): no Django models, testable on their own.

Each function names its RULES.md id and article; CASES.md C-20 … C-35 are the tests
(``tests/test_penalty_rules.py``). Periods are computed by the deadlines engine
(``sifa.core.deadlines.rules.compute_rule``) so the counting (GEN-01 … GEN-12, the working-day
calendar) is the same everywhere; the calendar is passed in (tests) or read from the database.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from sifa.core.deadlines import periods
from sifa.core.deadlines.calendar import CalendarMissing, WorkingCalendar
from sifa.core.deadlines.periods import Deadline, parse_period
from sifa.core.deadlines.rules import compute_free, compute_rule

CITIZEN = "citizen"
ORGANISATION = "organisation"
WARNING = "warning"
FINE = "fine"

# AP-16 《行政处罚法》第五十一条: 公民 二百元以下, 法人或者其他组织 三千元以下 ("以下" includes the number, GEN-12).
SIMPLIFIED_FINE_LIMITS = {CITIZEN: Decimal("200"), ORGANISATION: Decimal("3000")}
# AP-17 《行政处罚法》第六十八条第一项: 一百元以下.
ON_SPOT_COLLECTION_LIMIT = Decimal("100")
# AP-32 《行政处罚法》第七十二条第一款第一项: 每日按罚款数额的百分之三加处罚款.
LATE_FEE_DAILY_RATE = Decimal("0.03")


def _calendar(calendar: WorkingCalendar | None) -> WorkingCalendar:
    if calendar is not None:
        return calendar
    from sifa.core.deadlines.selectors import working_calendar

    return working_calendar()


def _amount(value: Decimal | int | str | None) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal("0")


# --- AP-16 simplified procedure -------------------------------------------------------------------


def simplified_problem(party_type: str, penalty_types: str | Sequence[str], amount: Decimal | int | str | None,
                       *, facts_certain: bool = True) -> str | None:
    """AP-16 (《行政处罚法》第五十一条): why the 当场 (simplified) procedure may not be used, or None.

    Allowed only when the facts are certain with a legal basis and the penalty is a 警告, or a 罚款 of
    ≤200元 for a 公民 / ≤3000元 for a 法人或其他组织 ("以下" includes the number, GEN-12). Anything
    else goes through the ordinary procedure. CASES C-20.
    """
    types = [penalty_types] if isinstance(penalty_types, str) else list(penalty_types)
    if not facts_certain:
        return "违法事实不确凿或者没有法定依据，不能当场处罚，应当适用普通程序（AP-16，《行政处罚法》第五十一条）"
    if not types:
        return "请选择处罚种类（AP-16）"
    others = [t for t in types if t not in (WARNING, FINE)]
    if others:
        return "当场处罚只适用于警告或者小额罚款，其他处罚种类应当适用普通程序（AP-16，《行政处罚法》第五十一条）"
    if FINE in types:
        limit = SIMPLIFIED_FINE_LIMITS.get(party_type)
        if limit is None:
            return "请选择当事人类型（公民或法人、其他组织）（AP-16）"
        value = _amount(amount)
        if value <= 0:
            return "请填写罚款数额（AP-16）"
        if not periods.within(value, limit):
            who = "公民" if party_type == CITIZEN else "法人或者其他组织"
            return (f"对{who}当场罚款以{limit:,.0f}元以下为限，{value:,.0f}元超出限额，"
                    "应当适用普通程序（AP-16，《行政处罚法》第五十一条）")
    return None


def simplified_allowed(party_type: str, penalty_types: str | Sequence[str], amount: Decimal | int | str | None,
                       *, facts_certain: bool = True) -> bool:
    """AP-16: may the penalty be decided on the spot? (see ``simplified_problem`` for the reason)."""
    return simplified_problem(party_type, penalty_types, amount, facts_certain=facts_certain) is None


# --- AP-17 on-the-spot collection -----------------------------------------------------------------


class Collection(NamedTuple):
    """AP-17: may the officer collect the fine on the spot, and must a 财政部门 receipt be issued."""

    allowed: bool
    receipt_required: bool
    reason: str


def on_spot_collection(amount: Decimal | int | str, *, hard_to_collect: bool = False,
                       remote_area_request: bool = False) -> Collection:
    """AP-17 (《行政处罚法》第六十八条至第七十条): on-the-spot collection of a fine.

    Allowed when the fine is ≤100元 (第六十八条第一项), or would be hard to collect later (第二项), or
    in a remote, water or poorly served area on the party's request (第六十九条). A 财政部门 receipt is
    then mandatory (第七十条). Otherwise the party pays at the bank within 十五日 (AP-31). CASES C-21.
    """
    value = _amount(amount)
    if periods.within(value, ON_SPOT_COLLECTION_LIMIT) or hard_to_collect or remote_area_request:
        return Collection(True, True, "可以当场收缴罚款，必须出具财政部门统一制发的专用票据，否则当事人有权拒绝缴纳"
                                      "（AP-17，《行政处罚法》第六十八条至第七十条）")
    return Collection(False, False, "罚款超过一百元且不属于事后难以执行或者边远、水上、交通不便地区经当事人提出的情形，"
                                    "不得当场收缴；当事人应当自收到决定书之日起十五日内到指定银行或者通过电子支付系统缴纳"
                                    "（AP-17、AP-31，《行政处罚法》第六十七条、第六十八条）")


def on_spot_collection_allowed(amount: Decimal | int | str, hard_to_collect: bool = False,
                               remote_area_request: bool = False) -> bool:
    """AP-17: True when the fine may be collected on the spot (a 财政部门 receipt is then mandatory)."""
    return on_spot_collection(amount, hard_to_collect=hard_to_collect, remote_area_request=remote_area_request).allowed


# --- AP-07 limitation -----------------------------------------------------------------------------


class Limitation(NamedTuple):
    rule: str  # AP-07 or AP-07.serious
    starts_on: datetime.date
    ends_on: datetime.date  # the last day on which discovery is still in time
    expired: bool


def limitation(act_date: datetime.date, act_end_date: datetime.date | None, discovered_on: datetime.date,
               serious_harm: bool, calendar: WorkingCalendar | None = None) -> Limitation:
    """AP-07 (《行政处罚法》第三十六条): not discovered within 二年 (五年 where 公民生命健康安全 or 金融安全
    is involved with harm) → no penalty. Counted from the act, or from the **end** of a continuing act.

    The periods are the deadlines engine's AP-07 / AP-07.serious (no rollover: a maximum duration,
    GEN-04). Discovery on the last day is in time ("二年内"). CASES C-27.
    """
    rule = "AP-07.serious" if serious_harm else "AP-07"
    start = act_end_date or act_date
    try:
        ends = compute_rule(rule, start, _calendar(calendar), explain=False).nominal
    except CalendarMissing:  # no rollover: the calendar is not needed for the day itself
        ends = periods.add_months(start, 60 if serious_harm else 24)[0]
    assert isinstance(ends, datetime.date)
    return Limitation(rule, start, ends, discovered_on > ends)


def limitation_expired(act_date: datetime.date, act_end_date: datetime.date | None, discovered_on: datetime.date,
                       serious_harm: bool, calendar: WorkingCalendar | None = None) -> bool:
    """AP-07: True when the act was not discovered in time, so no penalty may be given (C-27)."""
    return limitation(act_date, act_end_date, discovered_on, serious_harm, calendar).expired


# --- AP-05 age ------------------------------------------------------------------------------------

NO_PENALTY = "no_penalty"
MUST_MITIGATE = "must_mitigate"


def full_years(birth_date: datetime.date, on: datetime.date) -> int:
    """Completed years of age on ``on``. A year is completed the day *after* the birthday (已满N周岁
    from the day after the Nth birthday), the convention of criminal law applied here by analogy [INT];
    a 29 February birthday counts from 1 March in other years."""
    years = on.year - birth_date.year
    try:
        birthday = birth_date.replace(year=on.year)
    except ValueError:  # 29 February in a common year
        birthday = datetime.date(on.year, 3, 1) - datetime.timedelta(days=1)
    if on <= birthday:
        years -= 1
    return years


def age_rule(birth_date: datetime.date | None, act_date: datetime.date) -> str | None:
    """AP-05 (《行政处罚法》第三十条): age at the time of the act.

    ``"no_penalty"`` under 14 (the guardian is ordered to discipline), ``"must_mitigate"`` from 14 to
    under 18 (从轻 or 减轻 is mandatory), ``None`` for adults or when the birth date is unknown. CASES C-28.
    """
    if birth_date is None:
        return None
    age = full_years(birth_date, act_date)
    if age < 14:
        return NO_PENALTY
    if age < 18:
        return MUST_MITIGATE
    return None


AGE_MESSAGES = {
    NO_PENALTY: "违法行为时不满十四周岁，不予行政处罚，责令监护人加以管教（AP-05，《行政处罚法》第三十条）",
    MUST_MITIGATE: "违法行为时已满十四周岁不满十八周岁，应当从轻或者减轻行政处罚（AP-05，《行政处罚法》第三十条）",
}


# --- AP-31 / AP-32 / AP-33 payment and late fee ---------------------------------------------------


def payment_due(received_on: datetime.date, *, no_rollover: bool = False,
                calendar: WorkingCalendar | None = None) -> Deadline:
    """AP-31 (《行政处罚法》第六十七条第三款): pay within 十五日 of receiving the decision.

    A last day on a rest day rolls over to the next working day (GEN-04 [INT], 《民法典》第二百零三条);
    the configuration switch "不顺延" (``no_rollover``) keeps the nominal day. 加处罚款 accrues from
    the day after ``due``. CASES C-24.
    """
    return compute_rule("AP-31", received_on, _calendar(calendar), variant="不顺延" if no_rollover else None,
                        explain=False)


def late_fee(fine: Decimal | int | str, due_date: datetime.date, on: datetime.date,
             review_periods: Iterable[tuple[datetime.date, datetime.date]] = ()) -> Decimal:
    """AP-32/AP-33 (《行政处罚法》第七十二条第一款第一项、第七十三条第三款): 加处罚款 on ``on``.

    3 % of the fine for each overdue day after ``due_date``, capped at the fine. No accrual during
    复议 or 诉讼: days inside a review period (from the application date to the end, both included
    [INT]) are not counted. CASES C-25.
    """
    days = periods.overdue_days(due_date, on, list(review_periods))
    return periods.late_payment_surcharge(_amount(fine), days, daily_rate=LATE_FEE_DAILY_RATE)


def overdue_day_count(due_date: datetime.date, on: datetime.date,
                      review_periods: Iterable[tuple[datetime.date, datetime.date]] = ()) -> int:
    """Overdue days that accrue 加处罚款 (AP-32, AP-33)."""
    return periods.overdue_days(due_date, on, list(review_periods))


# --- AP-37 court enforcement ----------------------------------------------------------------------


def earliest_court_application(demand_served_on: datetime.date, calendar: WorkingCalendar | None = None) -> datetime.date:
    """AP-37 (《行政强制法》第五十四条、第六十九条): the court may be applied to only "催告书送达十日后",
    十日 = 工作日 (GEN-08): the first day on which the application may be made. CASES C-31."""
    due = compute_rule("AP-37", demand_served_on, _calendar(calendar), explain=False).due
    assert isinstance(due, datetime.date)
    return due


class CourtWindow(NamedTuple):
    """AP-37 (《行政强制法》第五十三条): when the review and litigation windows close, and the three months."""

    review_ends: datetime.date  # 复议 六十日 (AR-04, 《行政复议法》第二十条; rollover per 第八十八条)
    litigation_ends: datetime.date  # 诉讼 六个月 (《行政诉讼法》第四十六条)
    opens: datetime.date  # the day after both windows closed
    closes: datetime.date  # 三个月 after (AP-37.window)


def court_application_window(decision_served_on: datetime.date,
                             calendar: WorkingCalendar | None = None) -> CourtWindow:
    """AP-37: the party neither sought 复议 (六十日) nor sued (六个月) nor performed → the authority may
    apply to the court after both windows closed, within 三个月. CASES C-32."""
    cal = _calendar(calendar)
    review = compute_rule("AR-04", decision_served_on, cal, explain=False).due
    litigation = compute_free(decision_served_on, parse_period("六个月"), cal, statute="行政诉讼法", explain=False).due
    assert isinstance(review, datetime.date) and isinstance(litigation, datetime.date)
    closed = max(review, litigation)
    closes = compute_rule("AP-37.window", closed, cal, explain=False).due
    assert isinstance(closes, datetime.date)
    return CourtWindow(review, litigation, closed + datetime.timedelta(days=1), closes)


# --- AP-25 hearing notice -------------------------------------------------------------------------


def latest_hearing_notice(hearing_on: datetime.date, calendar: WorkingCalendar | None = None) -> datetime.date:
    """AP-25.notice (《行政处罚法》第六十四条第二项、第八十五条): the hearing notice must be given 七日
    (工作日) before the hearing: the latest day of notice. CASES C-23."""
    due = compute_rule("AP-25.notice", hearing_on, _calendar(calendar), explain=False).due
    assert isinstance(due, datetime.date)
    return due


# --- AP-09 temporal law ---------------------------------------------------------------------------

OLD_RULE = "old"
NEW_RULE = "new"


def applicable_rule(old_maximum: Decimal | int | str | None, new_maximum: Decimal | int | str | None, *,
                    no_longer_unlawful: bool = False) -> str:
    """AP-09 (《行政处罚法》第三十七条): apply the rule in force at the time of the act, unless at
    decision time it was amended to a lighter penalty (here: a lower maximum) or no longer treats
    the act as unlawful → the new rule. The officer records both rules (old and new article and
    maximum) in the case so the choice can be reviewed. CASES C-35.
    """
    if no_longer_unlawful:
        return NEW_RULE
    if new_maximum in (None, "") or old_maximum in (None, ""):
        return OLD_RULE
    return NEW_RULE if _amount(new_maximum) < _amount(old_maximum) else OLD_RULE


# --- AP-23 no heavier penalty after a 申辩 --------------------------------------------------------

def heavier_than_proposed(proposed_types: Sequence[str], proposed_amount: Decimal | int | str | None,
                          decided_types: Sequence[str], decided_amount: Decimal | int | str | None) -> bool:
    """AP-23 (《行政处罚法》第四十五条第二款): "不得因当事人陈述、申辩而给予更重的处罚". A decision is
    heavier when it adds a penalty type not proposed or raises the amount."""
    if set(decided_types) - set(proposed_types):
        return True
    return _amount(decided_amount) > _amount(proposed_amount)
