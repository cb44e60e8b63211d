"""Errors of the deadlines engine (CONVENTIONS §4.9): each names its field, in Chinese."""

from __future__ import annotations

from sifa.core.deadlines.calendar import CalendarMissing
from sifa.core.deadlines.periods import PeriodError
from sifa.core.deadlines.rules import UnknownRule, UnknownVariant
from sifa.core.errors import Conflict

__all__ = ["CalendarMissing", "CalendarYearExists", "PeriodError", "UnknownRule", "UnknownVariant"]


class CalendarYearExists(Conflict):
    code = "calendar_year_exists"
    title = "该年份已载入"

    def __init__(self, year: int) -> None:
        super().__init__(f"{year} 年节假日安排已载入；如需更正，请勾选“覆盖已载入的安排”", field="year")
