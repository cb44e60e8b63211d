"""Period arithmetic (GEN-01 … GEN-13): pure functions, no Django.

Every computation returns a ``Deadline``: the due date (a datetime for 小时) and, when asked, the
counting steps in Chinese with their citations. The counting rules are those of RULES.md §1:

- GEN-01 the start day is not counted; 小时 run from the actual time;
- GEN-02 months and years end on the corresponding day, clamped to the month's last day; in
  criminal procedure a start on a month's last day ends on the target month's last day, and
  半个月 = 十五日;
- GEN-03 sentence-type terms (刑期, and by convention 考验期/管制/矫正期限) end the day *before*
  the corresponding date;
- GEN-04 a 日/月/年 period whose last day is a rest day ends on the next working day, only where
  the rule says so (custody and maximum durations never roll; 工作日 and 小时 periods need no rollover);
- GEN-05 a period ends at 24:00 of its last day;
- GEN-06/07/08 short 日 periods of 行政处罚法, 行政复议法 and 行政强制法 are 工作日;
- GEN-10 working days come from the loaded calendar (calendar.py);
- GEN-11 units are kept as the law states them; months are never turned into 30 days;
- GEN-12 以上/以下/以内/届满 include the number, 超过/不满 exclude it;
- GEN-13 a suspended (中止) period continues after the obstacle ends.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import NamedTuple

from sifa.core.deadlines.calendar import WEEKDAYS, CalendarMissing, WorkingCalendar
from sifa.core.errors import ValidationFailed

AnyDay = datetime.date | datetime.datetime

# --- units and periods ---------------------------------------------------------------------------


class Unit(StrEnum):
    """Units exactly as the law states them (GEN-11)."""

    DAY = "日"
    WORKING_DAY = "工作日"
    MONTH = "个月"
    YEAR = "年"
    HOUR = "小时"


class PeriodError(ValidationFailed):
    code = "invalid_period"

    def __init__(self, message: str, *, field: str = "period") -> None:
        super().__init__(message, field=field)


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100}
_NUM = r"[0-9０-９]+|[零〇一二两三四五六七八九十百]+"
_PERIOD_RE = re.compile(
    rf"^(?:(?P<half>半个?月)|(?P<years>{_NUM})年(?:(?P<ymonths>{_NUM})个?月)?|(?P<n>{_NUM})\s*(?P<unit>个工作日|工作日|日|天|个月|月|小时|个小时))$"
)
PERIOD_EXAMPLES = "5日、五日、5工作日、7个工作日、3个月、1年、一年六个月、48小时"


def parse_number(text: str) -> int:
    """Arabic (also full-width) or Chinese numerals up to 九百九十九: ``十五`` → 15, ``二十`` → 20."""
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        else:
            raise ValueError(text)
    return total + current


@dataclass(frozen=True, slots=True)
class Period:
    """A period as the law states it: ``amount`` ``unit`` (plus 15 days for a criminal 半个月)."""

    amount: int
    unit: Unit
    text: str = ""
    extra_days: int = 0

    @property
    def months(self) -> int:
        return self.amount * 12 if self.unit is Unit.YEAR else self.amount if self.unit is Unit.MONTH else 0

    @property
    def calendar_based(self) -> bool:
        return self.unit in (Unit.DAY, Unit.MONTH, Unit.YEAR)

    def label(self) -> str:
        if self.text:
            return self.text
        extra = f"{self.extra_days}日" if self.extra_days else ""
        if self.unit is Unit.WORKING_DAY:
            return f"{self.amount}个工作日"
        if self.unit is Unit.MONTH and self.amount >= 12:
            years, months = divmod(self.amount, 12)
            return f"{years}年" + (f"{months}个月" if months else "") + extra
        if self.unit is Unit.MONTH and self.amount == 0:
            return extra or "0日"
        return f"{self.amount}{self.unit.value}{extra}"


def parse_period(text: str, *, field: str = "period") -> Period:
    """``五日`` / ``5工作日`` / ``7个工作日`` / ``三个月`` / ``一年六个月`` / ``48小时`` / ``半个月`` → Period."""
    raw = (text or "").strip()
    compact = re.sub(r"\s+", "", raw)
    match = _PERIOD_RE.match(compact)
    if not raw:
        raise PeriodError(f"期间不能为空（示例：{PERIOD_EXAMPLES}）", field=field)
    if match is None:
        raise PeriodError(f"期间「{raw}」格式不正确（示例：{PERIOD_EXAMPLES}）", field=field)
    try:
        if match["half"]:
            return Period(0, Unit.MONTH, text="半个月", extra_days=15)
        if match["years"]:
            years = parse_number(match["years"])
            months = parse_number(match["ymonths"]) if match["ymonths"] else 0
            if months:
                return Period(years * 12 + months, Unit.MONTH, text=compact)
            amount, unit = years, Unit.YEAR
        else:
            amount = parse_number(match["n"])
            unit = {"个工作日": Unit.WORKING_DAY, "工作日": Unit.WORKING_DAY, "日": Unit.DAY, "天": Unit.DAY,
                    "个月": Unit.MONTH, "月": Unit.MONTH, "小时": Unit.HOUR, "个小时": Unit.HOUR}[match["unit"]]
    except ValueError:
        raise PeriodError(f"期间「{raw}」中的数字无法识别（示例：{PERIOD_EXAMPLES}）", field=field) from None
    if amount < 1:
        raise PeriodError(f"期间「{raw}」须大于零", field=field)
    limit = {Unit.DAY: 36600, Unit.WORKING_DAY: 2000, Unit.MONTH: 1200, Unit.YEAR: 100, Unit.HOUR: 100000}[unit]
    if amount > limit:
        raise PeriodError(f"期间「{raw}」过长（{unit.value}不超过 {limit}）", field=field)
    return Period(amount, unit, text=compact)


# --- statutes: working-day conversion and rollover basis -------------------------------------------

CIVIL_CODE_ROLLOVER = "《民法典》第二百零三条第一款"
CRIMINAL_ROLLOVER = "《刑事诉讼法》第一百零五条第四款"


@dataclass(frozen=True, slots=True)
class Statute:
    """What a statute says about its own periods: 工作日 conversion, rollover basis, criminal or not."""

    name: str
    criminal: bool = False
    rollover_basis: str = CIVIL_CODE_ROLLOVER
    rollover_tag: str = "INT"  # GEN-04: 民法典 as the default for statutes without an own rule is [INT]
    working_day_rule: str = ""  # GEN-06 / GEN-07 / GEN-08


STATUTES: dict[str, Statute] = {s.name: s for s in [
    Statute("行政处罚法", working_day_rule="GEN-06"),
    Statute("行政复议法", rollover_basis="《行政复议法》第八十八条第一款；《民事诉讼法》第八十五条第三款", rollover_tag="V",
            working_day_rule="GEN-07"),
    Statute("行政强制法", working_day_rule="GEN-08"),
    Statute("行政诉讼法", rollover_basis="《行诉法解释》第四十八条第三款", rollover_tag="V"),
    Statute("民事诉讼法", rollover_basis="《民事诉讼法》第八十五条第三款", rollover_tag="V"),
    Statute("刑事诉讼法", criminal=True, rollover_basis=CRIMINAL_ROLLOVER, rollover_tag="V"),
    Statute("刑诉法解释", criminal=True, rollover_basis=CRIMINAL_ROLLOVER, rollover_tag="V"),
    Statute("审理程序规定", criminal=True, rollover_basis=CRIMINAL_ROLLOVER, rollover_tag="V"),
    Statute("减假规定", criminal=True, rollover_basis=CRIMINAL_ROLLOVER, rollover_tag="INT"),
    Statute("财产性判项规定", criminal=True, rollover_basis=CRIMINAL_ROLLOVER, rollover_tag="INT"),
    Statute("刑法", criminal=True, rollover_basis=CRIMINAL_ROLLOVER, rollover_tag="INT"),
    Statute("监狱法", criminal=True, rollover_basis=CRIMINAL_ROLLOVER, rollover_tag="INT"),
    Statute("社区矫正法", criminal=True, rollover_basis=CRIMINAL_ROLLOVER, rollover_tag="INT"),
    Statute("法律援助法"),
    Statute("人民调解法"),
    Statute("移送规定"),
    Statute("决策条例"),
    Statute("规章程序条例"),
    Statute("备案审查条例"),
    Statute("立法法"),
    Statute("山东执法监督条例"),
    Statute("上海备案审查条例"),
]}
GENERIC_STATUTE = Statute("")

_WORKING_DAY_RULES: dict[str, tuple[str, str]] = {
    # rule id → (citation, wording)
    "GEN-06": ("《行政处罚法》第八十五条", "“二日”“三日”“五日”“七日”指工作日，不含法定节假日"),
    "GEN-07": ("《行政复议法》第八十八条第二款", "“三日”“五日”“七日”“十日”指工作日，不含法定休假日"),
    "GEN-08": ("《行政强制法》第六十九条", "十日以内期限的规定是指工作日，不含法定节假日"),
}


def converts_to_working_days(period: Period, statute: Statute) -> bool:
    """GEN-06/07/08: is this 日 period of this statute counted in 工作日?"""
    if period.unit is not Unit.DAY:
        return False
    rule = statute.working_day_rule
    if rule == "GEN-06":
        return period.amount in (2, 3, 5, 7)
    if rule == "GEN-07":
        return period.amount in (3, 5, 7, 10)
    if rule == "GEN-08":
        return period.amount <= 10  # "十日以内" includes 十日 (GEN-12)
    return False


# --- policy, steps and the result --------------------------------------------------------------------


class Kind(StrEnum):
    """What the computed date means."""

    DEADLINE = "deadline"  # 届满日: the last day to act (start + period)
    WAIT = "wait"  # 最早日: not before the end of the period (催告书送达十日后; 不少于三十日)
    EXCEEDS = "exceeds"  # 超过期间之日: the first day beyond the period (GEN-12)
    TERM = "term"  # 期满日 of a sentence-type term: the day before the corresponding day (GEN-03)
    ELIGIBLE = "eligible"  # 最早可报请之日: the day after a sentence-type term (GEN-03)
    NOTICE = "notice"  # 最迟通知日: N日前 before an event (the start is the event)
    FIXED = "fixed"  # 每年某月某日前: a fixed date, not a counted period


KIND_LABELS = {
    Kind.DEADLINE: "届满日",
    Kind.WAIT: "最早可为之日",
    Kind.EXCEEDS: "超过期间之日",
    Kind.TERM: "期满日",
    Kind.ELIGIBLE: "最早可报请之日",
    Kind.NOTICE: "最迟通知日",
    Kind.FIXED: "届满日",
}


class Rollover(StrEnum):
    """GEN-04: what happens when the last day of a 日/月/年 period is a rest day."""

    NONE = "none"  # never rolls (custody, maximum durations, thresholds); alert on the last working day before
    NEXT = "next"  # ends on the next working day
    ALERT = "alert"  # the next working day is the legal outer limit; alert on the last working day before [INT]


@dataclass(frozen=True, slots=True)
class Policy:
    """How a period is counted: the meaning of the date, rollover, the statute, credit for custody."""

    kind: Kind = Kind.DEADLINE
    rollover: Rollover = Rollover.NEXT
    statute: Statute = GENERIC_STATUTE
    rollover_basis: str = ""  # overrides the statute's basis
    rollover_tag: str = ""  # overrides the statute's tag
    credit_ratio: int = 0  # days of term credited per day of custody (管制 2, 有期徒刑 1); 0 = no credit
    fixed_month_day: tuple[int, int] | None = None  # Kind.FIXED

    @property
    def criminal(self) -> bool:
        return self.statute.criminal

    @property
    def basis(self) -> str:
        return self.rollover_basis or self.statute.rollover_basis

    @property
    def tag(self) -> str:
        return self.rollover_tag or self.statute.rollover_tag


class Step(NamedTuple):
    """One counting step: Chinese text, its basis (GEN id and article) and a status tag."""

    text: str
    basis: str = ""
    tag: str = ""  # "V", "V-local", "NV", "INT" or ""


class Deadline(NamedTuple):
    """The result of a computation. ``due`` is what the rule asks for (see ``Kind``).

    A NamedTuple rather than a frozen dataclass: immutable and about four times cheaper to create,
    which matters for the 10^5 computations/s budget (bench/deadlines.py).
    """

    start: AnyDay
    stated: Period
    period: Period
    policy: Policy
    nominal: AnyDay
    due: AnyDay
    alert_on: datetime.date | None = None
    steps: tuple[Step, ...] = ()
    rule_id: str = ""
    adjustments: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return KIND_LABELS[self.policy.kind]

    @property
    def due_iso(self) -> str:
        if isinstance(self.due, datetime.datetime):
            return self.due.strftime("%Y-%m-%dT%H:%M")
        return self.due.isoformat()

    @property
    def tags(self) -> list[str]:
        """The [NV]/[INT] steps, for the visible flag."""
        return [f"{s.basis or s.text} [{s.tag}]" for s in self.steps if s.tag in ("NV", "INT")]


# --- date arithmetic ---------------------------------------------------------------------------------


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _last_day(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month - 1]


def add_months(day: datetime.date, months: int, *, criminal_month_end: bool = False) -> tuple[datetime.date, bool]:
    """``day`` + ``months`` on the corresponding day (GEN-02). Returns (date, clamped).

    Without a corresponding day the result is the month's last day (《民法典》第二百零二条). With
    ``criminal_month_end`` a start on a month's last day ends on the target month's last day
    (《刑诉法解释》第二百零二条第一款). ``months`` may be negative.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if year < 1 or year > 9999:
        raise PeriodError("计算结果超出日期范围", field="start")
    last = _last_day(year, month)
    if criminal_month_end and day.day == _last_day(day.year, day.month):
        return datetime.date(year, month, last), day.day != last
    if day.day > last:
        return datetime.date(year, month, last), True
    return datetime.date(year, month, day.day), False


def _fmt(day: AnyDay) -> str:
    if isinstance(day, datetime.datetime):
        return day.strftime("%Y-%m-%d %H:%M")
    return f"{day.isoformat()}（{WEEKDAYS[day.weekday()]}）"


def _describe(day: datetime.date, calendar: WorkingCalendar) -> str:
    return calendar.describe(day) if calendar.has_year(day.year) else _fmt(day)


def _count_listing(days: Sequence[datetime.date], calendar: WorkingCalendar) -> str:
    def one(i: int, d: datetime.date) -> str:
        mark = "调休上班" if d in calendar.arrangement(d.year).makeup_days else ""
        return f"{d:%m-%d}{mark}({i})"

    if len(days) <= 12:
        return "、".join(one(i, d) for i, d in enumerate(days, start=1))
    head = "、".join(one(i, d) for i, d in enumerate(days[:3], start=1))
    tail = "、".join(one(i, d) for i, d in enumerate(days, start=1) if i > len(days) - 3)
    return f"{head} … {tail}"


def _skipped_rest(after: datetime.date, until: datetime.date, calendar: WorkingCalendar) -> str:
    """The runs of rest days between two dates (for the explanation)."""
    runs: list[str] = []
    day = after + datetime.timedelta(days=1)
    run_start: datetime.date | None = None
    prev: datetime.date | None = None
    while day <= until:
        rest_weekday = not calendar.is_working_day(day)
        if rest_weekday and run_start is None:
            run_start = day
        if not rest_weekday and run_start is not None and prev is not None:
            runs.append(f"{run_start:%m-%d}" + (f"～{prev:%m-%d}" if prev != run_start else ""))
            run_start = None
        prev = day
        day += datetime.timedelta(days=1)
    if run_start is not None and prev is not None:
        runs.append(f"{run_start:%m-%d}" + (f"～{prev:%m-%d}" if prev != run_start else ""))
    return "、".join(runs)


def _notice_of(day: datetime.date, calendar: WorkingCalendar) -> str:
    return calendar.arrangement(day.year).notice


# --- the computation ---------------------------------------------------------------------------------


def counted_period(stated: Period, statute: Statute) -> Period:
    """The period as counted: GEN-06/07/08 turn short 日 periods of three statutes into 工作日."""
    if converts_to_working_days(stated, statute):
        return Period(stated.amount, Unit.WORKING_DAY, text=f"{stated.label()}（工作日）")
    return stated


def compute(start: AnyDay, stated: Period, policy: Policy, calendar: WorkingCalendar, *, credit_days: int = 0,
            rule_id: str = "", start_label: str = "", counted: Period | None = None, explain: bool = True) -> Deadline:
    """Count ``stated`` from ``start`` under ``policy``. See the module docstring for the rules.

    ``counted`` is ``counted_period(stated, policy.statute)`` when the caller has it already.
    """
    kind = policy.kind
    period = counted if counted is not None else counted_period(stated, policy.statute)
    if not explain and not credit_days and type(start) is datetime.date and (kind is Kind.DEADLINE or kind is Kind.WAIT):
        # Fast path for the common due-date-only call (same arithmetic as below, without the steps;
        # test_periods checks both paths agree).
        if period.unit is Unit.WORKING_DAY:
            nominal = calendar.add_working_days(start, period.amount)
            return Deadline(start, stated, period, policy, nominal, nominal, None, (), rule_id)
        if period.unit is Unit.DAY:
            nominal = start + datetime.timedelta(days=period.amount)
            due, alert_on = _apply_rollover(nominal, period, policy, calendar, None)
            return Deadline(start, stated, period, policy, nominal, due, alert_on, (), rule_id)
    steps: list[Step] | None = [] if explain else None
    if period is not stated and period.unit is not stated.unit:
        if steps is not None:
            citation, wording = _WORKING_DAY_RULES[policy.statute.working_day_rule]
            steps.append(Step(f"换算：{citation}：{wording}；本期间“{stated.label()}”按 {stated.amount} 个工作日计算。",
                              f"{policy.statute.working_day_rule}；{citation}", "V"))
    if period.extra_days and not policy.criminal:
        raise PeriodError("“半个月”仅在刑事诉讼中按十五日计算（GEN-02），其他期间请写明日数或月数")

    if period.unit is Unit.HOUR:
        return _compute_hours(start, stated, period, policy, rule_id=rule_id, start_label=start_label, steps=steps)
    if isinstance(start, datetime.datetime):
        start = start.date()
    if kind is Kind.FIXED:
        return _compute_fixed(start, stated, policy, calendar, rule_id=rule_id, steps=steps)
    if kind is Kind.NOTICE:
        return _compute_notice(start, stated, period, policy, calendar, rule_id=rule_id, start_label=start_label,
                               steps=steps)
    if credit_days and not policy.credit_ratio:
        raise ValidationFailed("该期间不适用羁押折抵", field="custody_days")
    if credit_days < 0:
        raise ValidationFailed("羁押天数不能为负数", field="custody_days")

    if steps is not None:
        what = f"（{start_label}）" if start_label else ""
        if kind in (Kind.TERM, Kind.ELIGIBLE):
            steps.append(Step(f"起算：{_fmt(start)}{what}，按刑期计算方法，自该日起算，至期满对应日的前一日为止。",
                              "GEN-03；《刑诉法解释》第二百零二条第二款", ""))
        else:
            steps.append(Step(f"起算：{_fmt(start)}{what}，当日不计入，自次日起算。",
                              "GEN-01；《民法典》第二百零一条", "V"))

    # The nominal end (before rollover).
    if period.unit is Unit.WORKING_DAY:
        if kind in (Kind.TERM, Kind.ELIGIBLE):
            raise PeriodError("刑期式期间不能以工作日计算")
        nominal = calendar.add_working_days(start, period.amount)
        if steps is not None:
            counted_days = calendar.working_days_in(start, nominal)
            skipped = _skipped_rest(start, nominal, calendar)
            skip = f"；跳过休息日 {skipped}" if skipped else ""
            years = sorted({start.year, nominal.year})
            notices = "；".join(_notice_of(datetime.date(y, 1, 1), calendar) for y in years)
            steps.append(Step(f"逐个工作日计数：{_count_listing(counted_days, calendar)}{skip}。",
                              f"GEN-10；{notices}", ""))
    else:
        nominal = _add_calendar_period(start, period, policy, steps)

    if kind is Kind.TERM:
        end = nominal
        if steps is not None:
            steps.append(Step(f"期满日为对应日的前一日：{_fmt(end)}。", "GEN-03；《刑诉法解释》第二百零二条第二款", ""))
    elif kind is Kind.ELIGIBLE:
        end = nominal
    if kind in (Kind.TERM, Kind.ELIGIBLE) and credit_days:
        credit = credit_days * policy.credit_ratio
        nominal = nominal - datetime.timedelta(days=credit)
        if steps is not None:
            ratio = "一日折抵刑期二日" if policy.credit_ratio == 2 else "一日折抵刑期一日"
            steps.append(Step(f"羁押折抵：判决执行前羁押 {credit_days} 日，{ratio}，共折抵 {credit} 日 → {_fmt(nominal)}。",
                              "《刑法》第四十一条、第四十七条；《减假规定》第二十三条", "V"))
    if kind is Kind.ELIGIBLE and steps is not None:
        last = nominal - datetime.timedelta(days=1)
        steps.append(Step(f"期间于 {_fmt(last)} 届满（前一日），自 {_fmt(nominal)} 起可以报请。",
                          "GEN-03；《刑诉法解释》第二百零二条第二款", ""))
    if kind is Kind.EXCEEDS:
        end = nominal
        nominal = nominal + datetime.timedelta(days=1)
        if steps is not None:
            steps.append(Step(f"期间至 {_fmt(end)} 届满（含本数）；自次日 {_fmt(nominal)} 起为“超过”。",
                              "GEN-12；《民法典》第一千二百五十九条", "V"))

    due, alert_on = _apply_rollover(nominal, period, policy, calendar, steps)
    if steps is not None and kind in (Kind.DEADLINE, Kind.WAIT):
        steps.append(Step(f"{KIND_LABELS[kind]}：{_describe(due, calendar)}，期间至该日24时止。",
                          "GEN-05；《民法典》第二百零三条第二款", "V"))
    return Deadline(start=start, stated=stated, period=period, policy=policy, nominal=nominal, due=due,
                    alert_on=alert_on, steps=tuple(steps or ()), rule_id=rule_id)


def _add_calendar_period(start: datetime.date, period: Period, policy: Policy, steps: list[Step] | None) -> datetime.date:
    kind = policy.kind
    sentence = kind in (Kind.TERM, Kind.ELIGIBLE)
    if period.unit is Unit.DAY:
        nominal = start + datetime.timedelta(days=period.amount)
        if sentence:
            nominal -= datetime.timedelta(days=1) if kind is Kind.TERM else datetime.timedelta(0)
        if steps is not None and not sentence:
            steps.append(Step(f"加 {period.amount} 日：{start.isoformat()} + {period.amount} 日 = {_fmt(nominal)}。",
                              "GEN-01；GEN-11", ""))
        return nominal
    criminal_month_end = policy.criminal and not sentence
    target, clamped = add_months(start, period.months, criminal_month_end=criminal_month_end)
    if period.extra_days:
        target += datetime.timedelta(days=period.extra_days)
    if steps is not None:
        extra = f"又{period.extra_days}日（半个月按十五日计算）" if period.extra_days else ""
        if clamped and criminal_month_end:
            how = "起算日为月末日，期满日为目标月的末日"
            basis = "GEN-02；《刑诉法解释》第二百零二条第一款"
        elif clamped:
            how = "目标月没有对应日，以该月末日为期间的最后一日"
            basis = "GEN-02；《民法典》第二百零二条"
        else:
            how = "至目标月的对应日"
            basis = "GEN-02；《民法典》第二百零二条" + ("；《刑诉法解释》第二百零二条第一款" if period.extra_days else "")
        steps.append(Step(f"按月计算：{start.isoformat()} 加 {period.label()}{extra}，{how}：{target.isoformat()}。", basis, ""))
    if kind is Kind.TERM:
        # 前一日 (GEN-03); where the corresponding day does not exist the month's last day is the end.
        return target if clamped else target - datetime.timedelta(days=1)
    if kind is Kind.ELIGIBLE:
        return target + datetime.timedelta(days=1) if clamped else target
    return target


def _apply_rollover(nominal: datetime.date, period: Period, policy: Policy, calendar: WorkingCalendar,
                    steps: list[Step] | None) -> tuple[datetime.date, datetime.date | None]:
    """GEN-04. Returns (due, alert_on)."""
    kind = policy.kind
    if period.unit is Unit.WORKING_DAY or kind is Kind.TERM:
        if steps is not None and period.unit is Unit.WORKING_DAY:
            steps.append(Step("以工作日计算的期间无需节假日顺延。", "GEN-04", ""))
        return nominal, None
    if policy.rollover is Rollover.NONE and kind is not Kind.DEADLINE:
        if steps is not None:
            steps.append(Step("本期间不因节假日顺延。", "GEN-04", ""))
        return nominal, None
    if policy.rollover is Rollover.NONE:
        if not calendar.has_year(nominal.year):
            if steps is not None:
                steps.append(Step(f"本期间不因节假日顺延；缺少 {nominal.year} 年节假日安排，未确定提醒日。", "GEN-04", "INT"))
            return nominal, None
        if calendar.is_working_day(nominal):
            if steps is not None:
                steps.append(Step(f"本期间不因节假日顺延；届满日 {_describe(nominal, calendar)}为工作日。", "GEN-04", ""))
            return nominal, None
        alert = calendar.previous_working_day(nominal)
        if steps is not None:
            steps.append(Step(f"届满日 {_describe(nominal, calendar)}不因节假日顺延；"
                              f"提醒在此前最后一个工作日 {_fmt(alert)} 办结。", "GEN-04", "INT"))
        return nominal, alert
    if calendar.is_working_day(nominal):
        if steps is not None:
            steps.append(Step(f"{_describe(nominal, calendar)}为工作日，无需顺延。", "GEN-04", ""))
        return nominal, None
    rolled = calendar.next_working_day(nominal)
    alert_on = calendar.previous_working_day(nominal) if policy.rollover is Rollover.ALERT else None
    if steps is not None:
        steps.append(Step(f"名义届满日 {_describe(nominal, calendar)}为休息日，顺延至其后第一个工作日 {_describe(rolled, calendar)}。",
                          f"GEN-04；{policy.basis}", policy.tag))
        if alert_on is not None:
            steps.append(Step(f"机关自身办理期限：在名义届满日前最后一个工作日 {_fmt(alert_on)} 提醒，"
                              f"{rolled.isoformat()} 记为法定最迟日。", "GEN-04", "INT"))
    return rolled, alert_on


def _compute_hours(start: AnyDay, stated: Period, period: Period, policy: Policy, *, rule_id: str, start_label: str,
                   steps: list[Step] | None) -> Deadline:
    if not isinstance(start, datetime.datetime):
        raise ValidationFailed("以小时计算的期间须给出起算时刻（如 2025-12-19T10:00）", field="start")
    due = start + datetime.timedelta(hours=period.amount)
    if steps is not None:
        what = f"（{start_label}）" if start_label else ""
        steps.append(Step(f"起算：{_fmt(start)}{what}，以小时计算的期间自实际时刻起算。", "GEN-01；《民法典》第二百零一条第二款", "V"))
        steps.append(Step(f"加 {period.amount} 小时：届满时刻 {_fmt(due)}；节假日不影响以小时计算的期间。", "GEN-01；GEN-04", "V"))
    return Deadline(start=start, stated=stated, period=period, policy=policy, nominal=due, due=due,
                    steps=tuple(steps or ()), rule_id=rule_id)


def _compute_notice(event: datetime.date, stated: Period, period: Period, policy: Policy, calendar: WorkingCalendar,
                    *, rule_id: str, start_label: str, steps: list[Step] | None) -> Deadline:
    """``N日前``: the latest day to give notice so that the event is at least N (working) days after it."""
    what = start_label or "举行之日"
    alert_on: datetime.date | None = None
    if period.unit is Unit.WORKING_DAY:
        # Counted back from the last working day on or before the event, so that the working days in
        # (notice, event] number at least N even when the event itself falls on a rest day.
        latest = calendar.subtract_working_days(calendar.previous_working_day(event), period.amount)
        if steps is not None:
            counted = calendar.working_days_in(latest, event)
            steps.append(Step(f"事件日：{_fmt(event)}（{what}）。通知须在其 {period.amount} 个工作日前送达：自送达次日起，"
                              f"至事件日应满 {period.amount} 个工作日。", "GEN-01；GEN-12", "INT"))
            steps.append(Step(f"倒数工作日：自 {latest.isoformat()} 起计，{_count_listing(counted, calendar)}。", "GEN-10", ""))
            steps.append(Step(f"最迟通知日：{_describe(latest, calendar)}；晚于该日送达则不足 {period.amount} 个工作日。",
                              "GEN-05", ""))
        nominal = due = latest
    else:
        if period.unit is Unit.DAY:
            nominal = event - datetime.timedelta(days=period.amount)
        else:
            nominal, _ = add_months(event, -period.months)
        due = nominal
        if steps is not None:
            steps.append(Step(f"事件日：{_fmt(event)}（{what}）。提前 {period.label()}：最迟 {_fmt(nominal)} 送达。",
                              "GEN-01；GEN-12", "INT"))
        if calendar.has_year(nominal.year) and not calendar.is_working_day(nominal):
            alert_on = calendar.previous_working_day(nominal)
            if steps is not None:
                steps.append(Step(f"{_describe(nominal, calendar)}为休息日，最迟须在此前最后一个工作日 {_fmt(alert_on)} 发出。",
                                  "GEN-04", "INT"))
        elif not calendar.has_year(nominal.year):
            raise CalendarMissing(nominal.year, field="start")
    return Deadline(start=event, stated=stated, period=period, policy=policy, nominal=nominal, due=due,
                    alert_on=alert_on, steps=tuple(steps or ()), rule_id=rule_id)


def _compute_fixed(start: datetime.date, stated: Period, policy: Policy, calendar: WorkingCalendar, *, rule_id: str,
                   steps: list[Step] | None) -> Deadline:
    """``每年某月某日前``: the next such date after ``start``; no rollover, alert on the working day before."""
    if policy.fixed_month_day is None:
        raise ValueError("a FIXED policy needs fixed_month_day")
    month, day = policy.fixed_month_day
    nominal = datetime.date(start.year, month, day)
    if nominal <= start:
        nominal = datetime.date(start.year + 1, month, day)
    alert_on = None
    if not calendar.is_working_day(nominal):
        alert_on = calendar.previous_working_day(nominal)
    if steps is not None:
        steps.append(Step(f"固定日期义务：{start.isoformat()} 之后的 {month}月{day}日 即 {_describe(nominal, calendar)}。",
                          "GEN-04", "INT"))
        if alert_on is not None:
            steps.append(Step(f"该日为休息日；固定日期义务不适用顺延，以此前最后一个工作日 {_fmt(alert_on)} 为实际办理截止日。",
                              "GEN-04", "INT"))
    return Deadline(start=start, stated=stated, period=stated, policy=policy, nominal=nominal, due=nominal,
                    alert_on=alert_on, steps=tuple(steps or ()), rule_id=rule_id)


# --- suspension (中止) and extension (延长) ---------------------------------------------------------


def suspend(deadline: Deadline, calendar: WorkingCalendar, *, stopped_on: datetime.date, resumed_on: datetime.date,
            reason: str = "", explain: bool = True) -> Deadline:
    """中止: the period stops on ``stopped_on`` and continues after ``resumed_on`` (GEN-13).

    The days before ``stopped_on`` are used; counting resumes on the day after ``resumed_on`` (the
    obstacle's end is treated like a start day, GEN-01) with the days that were left [INT]. 工作日
    periods recount the remaining working days; calendar periods move by the suspended days.
    """
    start = deadline.start.date() if isinstance(deadline.start, datetime.datetime) else deadline.start
    if deadline.period.unit is Unit.HOUR or isinstance(deadline.due, datetime.datetime):
        raise ValidationFailed("以小时计算的期间不适用中止", field="suspend_from")
    if deadline.policy.kind in (Kind.NOTICE, Kind.FIXED):
        raise ValidationFailed("通知期限和固定日期义务不适用中止", field="suspend_from")
    nominal = deadline.nominal
    assert isinstance(nominal, datetime.date)
    if stopped_on <= start:
        raise ValidationFailed(f"中止开始日 {stopped_on} 须晚于起算日 {start}", field="suspend_from")
    if stopped_on > nominal:
        raise ValidationFailed(f"中止开始日 {stopped_on} 时期间已于 {nominal} 届满，不能中止", field="suspend_from")
    if resumed_on < stopped_on:
        raise ValidationFailed("障碍消除之日不能早于中止开始日", field="suspend_to")
    steps = list(deadline.steps) if explain else None
    if deadline.period.unit is Unit.WORKING_DAY:
        remaining = calendar.working_days_between(stopped_on - datetime.timedelta(days=1), nominal)
        new_nominal = calendar.add_working_days(resumed_on, remaining)
        how = f"尚余 {remaining} 个工作日，自 {resumed_on.isoformat()} 次日起继续计算 → {_fmt(new_nominal)}"
    else:
        paused = (resumed_on - stopped_on).days + 1
        new_nominal = nominal + datetime.timedelta(days=paused)
        how = f"中止 {paused} 日不计入，届满日相应后移 → {_fmt(new_nominal)}"
    because = f"（事由：{reason.strip()}）" if reason.strip() else ""
    if steps is not None:
        steps.append(Step(f"中止：{stopped_on.isoformat()} 起中止{because}，{resumed_on.isoformat()} 障碍消除；{how}。",
                          "GEN-13；《行政复议法》第二十条第二款", "INT"))
    if deadline.policy.kind is Kind.TERM:
        due, alert_on = new_nominal, None
    else:
        due, alert_on = _apply_rollover(new_nominal, deadline.period, deadline.policy, calendar, steps)
    return deadline._replace(nominal=new_nominal, due=due, alert_on=alert_on, steps=tuple(steps or ()),
                   adjustments=(*deadline.adjustments, f"中止 {stopped_on}～{resumed_on}{because}"))


def extend(deadline: Deadline, calendar: WorkingCalendar, *, period: Period, reason: str, approver: str,
           explain: bool = True) -> Deadline:
    """延长: add ``period`` to the due date, with the reason and the approver recorded [INT: from the due date]."""
    if not reason.strip():
        raise ValidationFailed("延长期限须写明理由", field="extend_reason")
    if not approver.strip():
        raise ValidationFailed("延长期限须写明批准人", field="extend_approver")
    if deadline.policy.kind in (Kind.NOTICE, Kind.FIXED):
        raise ValidationFailed("通知期限和固定日期义务不适用延长", field="extend")
    steps = list(deadline.steps) if explain else None
    due = deadline.due
    if isinstance(due, datetime.datetime):
        if period.unit is not Unit.HOUR:
            raise PeriodError("以小时计算的期间只能按小时延长", field="extend")
        new_time = due + datetime.timedelta(hours=period.amount)
        if steps is not None:
            steps.append(Step(f"延长 {period.label()}（理由：{reason.strip()}；批准人：{approver.strip()}）→ {_fmt(new_time)}。",
                              "延长", ""))
        return deadline._replace(nominal=new_time, due=new_time, steps=tuple(steps or ()),
                       adjustments=(*deadline.adjustments, f"延长 {period.label()}"))
    if period.unit is Unit.HOUR:
        raise PeriodError("以日、月计算的期间不能按小时延长", field="extend")
    if period.unit is Unit.WORKING_DAY:
        new_nominal = calendar.add_working_days(due, period.amount)
    elif period.unit is Unit.DAY:
        new_nominal = due + datetime.timedelta(days=period.amount)
    else:
        new_nominal, _ = add_months(due, period.months, criminal_month_end=deadline.policy.criminal)
    if steps is not None:
        steps.append(Step(f"延长：经 {approver.strip()} 批准，理由：{reason.strip()}；自 {due.isoformat()} 起延长 "
                          f"{period.label()} → {_fmt(new_nominal)}。", "GEN-01；GEN-02", "INT"))
    if deadline.policy.kind is Kind.TERM:
        new_due, alert_on = new_nominal, None
    else:
        new_due, alert_on = _apply_rollover(new_nominal, period, deadline.policy, calendar, steps)
    return deadline._replace(nominal=new_nominal, due=new_due, alert_on=alert_on, steps=tuple(steps or ()),
                   adjustments=(*deadline.adjustments, f"延长 {period.label()}（{approver.strip()}批准）"))


# --- GEN-12 and GEN-05 helpers ------------------------------------------------------------------------


def within(value: int | Decimal, limit: int | Decimal) -> bool:
    """``以上/以下/以内/届满`` include the stated number (GEN-12)."""
    return value <= limit


def exceeds(value: int | Decimal, limit: int | Decimal) -> bool:
    """``超过`` excludes the stated number: 超过十日 = at least eleven days (GEN-12)."""
    return value > limit


def less_than(value: int | Decimal, limit: int | Decimal) -> bool:
    """``不满/不足`` excludes the stated number (GEN-12)."""
    return value < limit


def days_late(due: datetime.date, acted_on: datetime.date) -> int:
    """Calendar days after the last day (0 when on time)."""
    return max(0, (acted_on - due).days)


def days_remaining(on: datetime.date, due: datetime.date) -> int:
    """Calendar days left from ``on`` to the last day ``due`` (the day ``on`` itself not counted)."""
    return (due - on).days


def is_timely(deadline: Deadline | datetime.date, acted_on: datetime.date) -> bool:
    """Done on or before the last day (GEN-05: a document posted before expiry is timely)."""
    due = deadline.due if isinstance(deadline, Deadline) else deadline
    if isinstance(due, datetime.datetime):
        raise ValueError("use a datetime comparison for 小时 periods")
    return acted_on <= due


def overdue_days(due: datetime.date, on: datetime.date,
                 paused: Sequence[tuple[datetime.date, datetime.date]] = ()) -> int:
    """Days in (due, on] not inside a paused interval (inclusive), e.g. 复议/诉讼 for 加处罚款 (AP-33)."""
    days = 0
    day = due + datetime.timedelta(days=1)
    while day <= on:
        if not any(a <= day <= b for a, b in paused):
            days += 1
        day += datetime.timedelta(days=1)
    return days


def late_payment_surcharge(fine: Decimal, days: int, *, daily_rate: Decimal = Decimal("0.03")) -> Decimal:
    """加处罚款: 3% of the fine per overdue day, never above the fine (AP-32, 《行政处罚法》第七十二条)."""
    total = (fine * daily_rate * days).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return min(total, fine)
