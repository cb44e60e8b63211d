"""Reads: the loaded working-day calendar and the list of loaded years."""

from __future__ import annotations

import datetime
import threading

from django.db.models import QuerySet

from sifa.core.deadlines.calendar import WorkingCalendar
from sifa.core.deadlines.models import CalendarYear

_lock = threading.Lock()
_cached: tuple[tuple[tuple[int, datetime.datetime], ...], WorkingCalendar] | None = None


def calendar_years() -> QuerySet[CalendarYear]:
    return CalendarYear.objects.order_by("year")


def working_calendar() -> WorkingCalendar:
    """The calendar of every loaded year. Rebuilt when a year is loaded or replaced (one small query)."""
    global _cached
    signature = tuple(CalendarYear.objects.order_by("year").values_list("year", "loaded_at"))
    cached = _cached
    if cached is not None and cached[0] == signature:
        return cached[1]
    calendar = WorkingCalendar(row.arrangement() for row in CalendarYear.objects.order_by("year"))
    with _lock:
        _cached = (signature, calendar)
    return calendar
