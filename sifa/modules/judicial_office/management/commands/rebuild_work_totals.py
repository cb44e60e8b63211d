"""Rebuild the cockpit's month, office-day, office-month and county month rollups from ``WorkDailyTotal`` (after a bulk
load or an import)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from sifa.modules.judicial_office.services import rebuild_month_totals


class Command(BaseCommand):
    help = ("从工作量日汇总重建驾驶舱的月汇总、司法所日合计、司法所月合计与县级月汇总"
            "（批量导入后使用；日常由工作日志服务在同一事务中维护）")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--org", type=int, action="append", dest="orgs", help="只重建这些司法所（机构 id，可重复）")

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            months, days, office_months, counties = rebuild_month_totals(options["orgs"])
        self.stdout.write(f"已重建：月汇总 {months} 行，司法所日合计 {days} 行，司法所月合计 {office_months} 行，"
                          f"县级月汇总 {counties} 行")
