"""The working-day calendar (GEN-10): pure Python, no Django.

A working day (工作日) is Monday–Friday, minus the rest days (法定节假日 and the weekday rest days
created by 调休) of the year's State Council notice, plus its make-up working days (调休上班日)
(《工作时间规定》第七条第一款; 《放假办法》第二条、第六条、第七条; RULES.md GEN-10, Appendix A).

The calendar is data, loaded per year. Asking about a year that has no data raises
``CalendarMissing``; the calendar never falls back to a bare Monday–Friday rule (CASES.md C-02).

Besides the yes/no question, the calendar answers the counting questions of periods.py in O(log n):
for every loaded span of consecutive years it keeps the sorted ordinals of its working days, so
"the N-th working day after D" is one bisection and one index.
"""

from __future__ import annotations

import datetime
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sifa.core.errors import SifaError

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


class CalendarMissing(SifaError):
    """A computation needs a year whose rest-day arrangement has not been loaded (GEN-10, C-02)."""

    code = "calendar_missing"
    status = 400
    title = "缺少节假日安排"

    def __init__(self, year: int, *, field: str | None = None) -> None:
        super().__init__(
            f"缺少 {year} 年节假日安排：请系统管理员先按国务院办公厅通知载入 {year} 年的放假和调休上班日期"
            "（节假日安排页面或 POST /api/v1/deadlines/calendar），系统不按周一至周五推算。",
            field=field,
        )
        self.year = year


class DayLineError(ValueError):
    """One bad line of a rest-day / make-up-day list; ``line`` is 1-based."""

    def __init__(self, line: int, text: str, reason: str) -> None:
        super().__init__(f"第 {line} 行「{text}」：{reason}")
        self.line = line
        self.text = text
        self.reason = reason


_RANGE_SPLIT = re.compile(r"\s*(?:~|～|至|--)\s*")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_iso(text: str) -> datetime.date | None:
    if not _ISO.match(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class DayEntry:
    """One good line of a day list: its number (1-based), its text and the dates it names."""

    line: int
    text: str
    days: tuple[datetime.date, ...]


def parse_day_entries(lines: Sequence[str], *, year: int | None = None, max_span: int = 31
                      ) -> tuple[list[DayEntry], list[DayLineError]]:
    """Parse lines like ``2027-01-01`` or ``2027-02-06~2027-02-12`` (also ``～`` or ``至``).

    Blank lines and ``#`` comments are skipped; text after the date(s) and a space is a free label
    (``2025-10-01~2025-10-08 国庆节、中秋节``). Every bad line is reported, none is skipped silently.
    With ``year`` each date must fall in that year.
    """
    entries: list[DayEntry] = []
    errors: list[DayLineError] = []
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        head = _RANGE_SPLIT.sub("~", text).split()[0]
        parts = head.split("~")
        if len(parts) > 2 or not all(parts):
            errors.append(DayLineError(number, text, "格式应为 YYYY-MM-DD 或 YYYY-MM-DD~YYYY-MM-DD"))
            continue
        first = _parse_iso(parts[0])
        last = _parse_iso(parts[-1])
        if first is None or last is None:
            bad = parts[0] if first is None else parts[-1]
            errors.append(DayLineError(number, text, f"「{bad}」不是有效日期（格式 YYYY-MM-DD）"))
            continue
        if last < first:
            errors.append(DayLineError(number, text, "结束日期早于开始日期"))
            continue
        if (last - first).days >= max_span:
            errors.append(DayLineError(number, text, f"一段不能超过 {max_span} 天"))
            continue
        if year is not None and (first.year != year or last.year != year):
            errors.append(DayLineError(number, text, f"日期须在 {year} 年内（跨年的周末无需填写）"))
            continue
        span = (last - first).days
        entries.append(DayEntry(number, text, tuple(first + datetime.timedelta(days=i) for i in range(span + 1))))
    return entries, errors


def parse_day_lines(lines: Sequence[str], *, year: int | None = None, max_span: int = 31
                    ) -> tuple[list[datetime.date], list[DayLineError]]:
    """``parse_day_entries`` flattened to sorted unique dates."""
    entries, errors = parse_day_entries(lines, year=year, max_span=max_span)
    return sorted({d for e in entries for d in e.days}), errors


@dataclass(frozen=True)
class YearArrangement:
    """One year's rest days and make-up working days, from one State Council notice."""

    year: int
    rest_days: frozenset[datetime.date]
    makeup_days: frozenset[datetime.date]
    notice: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        for day in self.rest_days | self.makeup_days:
            if day.year != self.year:
                raise ValueError(f"{day} is not in {self.year}")
        if self.rest_days & self.makeup_days:
            raise ValueError(f"{self.year}: a day cannot be both a rest day and a make-up working day")

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.makeup_days:
            return True
        return day.weekday() < 5 and day not in self.rest_days

    def working_ordinals(self) -> list[int]:
        first = datetime.date(self.year, 1, 1).toordinal()
        last = datetime.date(self.year, 12, 31).toordinal()
        return [o for o in range(first, last + 1) if self.is_working_day(datetime.date.fromordinal(o))]


@dataclass
class _Span:
    """Consecutive loaded years with the sorted ordinals of their working days."""

    first_year: int
    last_year: int
    ordinals: list[int] = field(default_factory=list)


PROVISIONAL_SOURCE = "provisional:earliest-bound"


def earliest_bound_year(year: int) -> YearArrangement:
    """A stand-in for a year whose notice is not loaded, in which EVERY day counts as a working day.

    Counting forward through it gives the earliest date a period could end on whatever the notice
    will say (no rest day can make a forward period shorter, GEN-04 rollover only moves it later).
    Used only for provisional case deadlines (sifa.core.cases.deadline_bridge), never by the engine
    itself, which still refuses a missing year (C-02).
    """
    first = datetime.date(year, 1, 1)
    days = (datetime.date(year + 1, 1, 1) - first).days
    weekends = frozenset(first + datetime.timedelta(days=i) for i in range(days)
                         if (first + datetime.timedelta(days=i)).weekday() >= 5)
    return YearArrangement(year=year, rest_days=frozenset(), makeup_days=weekends, notice="暂定（安排未载入）",
                           source=PROVISIONAL_SOURCE)


class WorkingCalendar:
    """Working days over the loaded years (GEN-10). Immutable once built."""

    def __init__(self, years: Iterable[YearArrangement]) -> None:
        self._years: dict[int, YearArrangement] = {}
        for arrangement in years:
            if arrangement.year in self._years:
                raise ValueError(f"year {arrangement.year} given twice")
            self._years[arrangement.year] = arrangement
        self._working: dict[int, frozenset[int]] = {}
        self._spans: dict[int, _Span] = {}
        span: _Span | None = None
        for year in sorted(self._years):
            ordinals = self._years[year].working_ordinals()
            self._working[year] = frozenset(ordinals)
            if span is None or year != span.last_year + 1:
                span = _Span(year, year)
            span.last_year = year
            span.ordinals.extend(ordinals)
            self._spans[year] = span

    # --- what is loaded ---

    @property
    def years(self) -> list[int]:
        return sorted(self._years)

    def arrangement(self, year: int) -> YearArrangement:
        try:
            return self._years[year]
        except KeyError:
            raise CalendarMissing(year) from None

    def has_year(self, year: int) -> bool:
        return year in self._years

    def with_earliest_bound(self, through: int) -> WorkingCalendar:
        """This calendar plus ``earliest_bound_year`` stand-ins for every missing year after the last
        loaded one, through ``through`` (for provisional deadlines only)."""
        last = max(self._years) if self._years else through
        extra = [earliest_bound_year(y) for y in range(last + 1, through + 1)]
        return WorkingCalendar([*self._years.values(), *extra])

    def _span(self, year: int) -> _Span:
        try:
            return self._spans[year]
        except KeyError:
            raise CalendarMissing(year) from None

    # --- single days ---

    def is_working_day(self, day: datetime.date) -> bool:
        try:
            return day.toordinal() in self._working[day.year]
        except KeyError:
            raise CalendarMissing(day.year) from None

    def is_rest_day(self, day: datetime.date) -> bool:
        return not self.is_working_day(day)

    def describe(self, day: datetime.date) -> str:
        """``2025-10-11（星期六，调休上班日）``; the year must be loaded."""
        arrangement = self.arrangement(day.year)
        weekday = WEEKDAYS[day.weekday()]
        if arrangement.source == PROVISIONAL_SOURCE:
            return f"{day.isoformat()}（{weekday}，{day.year} 年安排未载入，暂按工作日计）"
        if day in arrangement.makeup_days:
            kind = "，调休上班日"
        elif day in arrangement.rest_days:
            kind = "，法定节假日或调休休息日"
        elif day.weekday() >= 5:
            kind = "，休息日"
        else:
            kind = ""
        return f"{day.isoformat()}（{weekday}{kind}）"

    # --- counting ---

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """The first working day on or after ``day``."""
        span = self._span(day.year)
        i = bisect_left(span.ordinals, day.toordinal())
        if i >= len(span.ordinals):
            raise CalendarMissing(span.last_year + 1)
        return datetime.date.fromordinal(span.ordinals[i])

    def previous_working_day(self, day: datetime.date) -> datetime.date:
        """The last working day on or before ``day``."""
        span = self._span(day.year)
        i = bisect_right(span.ordinals, day.toordinal()) - 1
        if i < 0:
            raise CalendarMissing(span.first_year - 1)
        return datetime.date.fromordinal(span.ordinals[i])

    def add_working_days(self, day: datetime.date, n: int) -> datetime.date:
        """The ``n``-th working day after ``day`` (``day`` itself not counted, GEN-01); ``n`` ≥ 1."""
        if n < 1:
            raise ValueError("n must be at least 1")
        span = self._span(day.year)
        i = bisect_right(span.ordinals, day.toordinal()) + n - 1
        if i >= len(span.ordinals):
            raise CalendarMissing(span.last_year + 1)
        return datetime.date.fromordinal(span.ordinals[i])

    def subtract_working_days(self, day: datetime.date, n: int) -> datetime.date:
        """The ``n``-th working day before ``day`` (``day`` itself not counted); ``n`` ≥ 1."""
        if n < 1:
            raise ValueError("n must be at least 1")
        span = self._span(day.year)
        i = bisect_left(span.ordinals, day.toordinal()) - n
        if i < 0:
            raise CalendarMissing(span.first_year - 1)
        return datetime.date.fromordinal(span.ordinals[i])

    def working_days_between(self, after: datetime.date, until: datetime.date) -> int:
        """How many working days lie in (after, until]: 0 when ``until`` ≤ ``after``."""
        if until <= after:
            return 0
        span = self._span(after.year)
        if until.year > span.last_year:
            raise CalendarMissing(span.last_year + 1)
        return bisect_right(span.ordinals, until.toordinal()) - bisect_right(span.ordinals, after.toordinal())

    def working_days_in(self, after: datetime.date, until: datetime.date) -> list[datetime.date]:
        """The working days in (after, until], for explanations."""
        if until <= after:
            return []
        span = self._span(after.year)
        if until.year > span.last_year:
            raise CalendarMissing(span.last_year + 1)
        lo = bisect_right(span.ordinals, after.toordinal())
        hi = bisect_right(span.ordinals, until.toordinal())
        return [datetime.date.fromordinal(o) for o in span.ordinals[lo:hi]]
