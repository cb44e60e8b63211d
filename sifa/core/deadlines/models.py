"""The working-day calendar in the database: one row per year, from one State Council notice (GEN-10).

The shipped years (RULES.md Appendix A, ``data/calendar-YYYY.json``) are created after migrate by
``sync_shipped_calendar``; an administrator loads further years with
``services.load_calendar_year`` (page 节假日安排 or ``POST /api/v1/deadlines/calendar``).
"""

from __future__ import annotations

import datetime

from django.db import models

from sifa.core.deadlines.calendar import YearArrangement


class CalendarYear(models.Model):
    """One year's rest days (法定节假日/调休休息日) and make-up working days (调休上班日), GEN-10.

    ``rest_days`` and ``makeup_days`` are JSON lists of ISO dates inside ``year``. A working day is
    Monday–Friday minus ``rest_days`` plus ``makeup_days`` (《工作时间规定》第七条; 《放假办法》第二条、
    第六条、第七条). Rows are written only by the load service (audited) and the shipped-data sync.
    """

    year = models.PositiveIntegerField("年份", unique=True)
    rest_days = models.JSONField("法定节假日及调休休息日", default=list)
    makeup_days = models.JSONField("调休上班日", default=list)
    notice = models.CharField("通知文号", max_length=200)
    source = models.TextField("来源", blank=True)
    loaded_at = models.DateTimeField("载入时间")
    loaded_by = models.CharField("载入人", max_length=150)

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} 年节假日安排（{self.notice}）"

    def arrangement(self) -> YearArrangement:
        return YearArrangement(
            year=self.year,
            rest_days=frozenset(datetime.date.fromisoformat(d) for d in self.rest_days),
            makeup_days=frozenset(datetime.date.fromisoformat(d) for d in self.makeup_days),
            notice=self.notice,
            source=self.source,
        )
