"""Assessment periods (考核期间): month, quarter, year or a custom range, with Chinese labels.

A period is written in one short text form, used in URLs, the API and the CLI:

    2026-11                   → 2026年11月
    2026-Q4                   → 2026年第四季度
    2026                      → 2026年度
    2026-01-01..2026-03-15    → 2026年1月1日至2026年3月15日  (custom; both days included)

Pure Python (no Django).
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from sifa.core.errors import ValidationFailed

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
KIND_LABELS = {MONTH: "月度", QUARTER: "季度", YEAR: "年度", CUSTOM: "自定义"}
_QUARTER_WORDS = "一二三四"


class PeriodInvalid(ValidationFailed):
    code = "invalid_period"

    def __init__(self, message: str, *, field: str = "period") -> None:
        super().__init__(message, field=field)


@dataclass(frozen=True)
class Period:
    """A period from ``start`` to ``end``, both days included."""

    kind: str
    start: datetime.date
    end: datetime.date

    @property
    def key(self) -> str:
        """The text form (see the module docstring), read back by ``parse_period``."""
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == YEAR:
            return f"{self.start.year}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        s = self.start
        if self.kind == MONTH:
            return f"{s.year}年{s.month}月"
        if self.kind == QUARTER:
            return f"{s.year}年第{_QUARTER_WORDS[(s.month - 1) // 3]}季度"
        if self.kind == YEAR:
            return f"{s.year}年度"
        return f"{s.year}年{s.month}月{s.day}日至{self.end.year}年{self.end.month}月{self.end.day}日"

    def __str__(self) -> str:
        return self.label


def month(year_no: int, month_no: int) -> Period:
    last = calendar.monthrange(year_no, month_no)[1]
    return Period(MONTH, datetime.date(year_no, month_no, 1), datetime.date(year_no, month_no, last))


def quarter(year_no: int, quarter_no: int) -> Period:
    first = 3 * (quarter_no - 1) + 1
    return Period(QUARTER, datetime.date(year_no, first, 1), month(year_no, first + 2).end)


def year(year_no: int) -> Period:
    return Period(YEAR, datetime.date(year_no, 1, 1), datetime.date(year_no, 12, 31))


def custom(start: datetime.date, end: datetime.date) -> Period:
    if end < start:
        raise PeriodInvalid("期间的结束日期不能早于开始日期")
    return Period(CUSTOM, start, end)


def containing(kind: str, day: datetime.date) -> Period:
    """The month, quarter or year that contains ``day``."""
    if kind == MONTH:
        return month(day.year, day.month)
    if kind == QUARTER:
        return quarter(day.year, (day.month - 1) // 3 + 1)
    if kind == YEAR:
        return year(day.year)
    raise PeriodInvalid(f"期间类型须为 month、quarter 或 year，不能为 {kind}")


def previous(period: Period) -> Period:
    """The month, quarter or year before ``period``."""
    return containing(period.kind, period.start - datetime.timedelta(days=1))


_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER_RE = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR_RE = re.compile(r"^(\d{4})$")
_CUSTOM_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|~|至|/)\s*(\d{4}-\d{2}-\d{2})$")


def parse_period(text: str) -> Period:
    """``2026-11`` | ``2026-Q4`` | ``2026`` | ``2026-01-01..2026-03-15`` → Period; else PeriodInvalid."""
    value = (text or "").strip()
    if not value:
        raise PeriodInvalid("请填写考核期间，如 2026-11、2026-Q4、2026 或 2026-01-01..2026-03-15")
    if m := _MONTH_RE.match(value):
        if not 1 <= int(m.group(2)) <= 12:
            raise PeriodInvalid(f"月份不正确：{value}")
        return month(int(m.group(1)), int(m.group(2)))
    if m := _QUARTER_RE.match(value):
        return quarter(int(m.group(1)), int(m.group(2)))
    if m := _YEAR_RE.match(value):
        return year(int(m.group(1)))
    if m := _CUSTOM_RE.match(value):
        try:
            start, end = (datetime.date.fromisoformat(g) for g in m.groups())
        except ValueError as exc:
            raise PeriodInvalid(f"日期不正确：{value}") from exc
        return custom(start, end)
    raise PeriodInvalid(f"无法识别的考核期间：{value}（应如 2026-11、2026-Q4、2026 或 2026-01-01..2026-03-15）")


def recent(today: datetime.date, *, months: int = 12, quarters: int = 4, years: int = 2) -> list[Period]:
    """Recent periods up to the one containing ``today``, newest first, for period pickers."""
    out: list[Period] = []
    for kind, count in ((MONTH, months), (QUARTER, quarters), (YEAR, years)):
        period = containing(kind, today)
        for _ in range(count):
            out.append(period)
            period = previous(period)
    return out
