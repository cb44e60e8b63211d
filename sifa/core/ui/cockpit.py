"""Shared pieces of the cockpit pages (驾驶舱) of any module: the statistics period, the org asked for
(in scope, else 404), figures cached for a minute, the breadcrumb up the org tree, and one table as an
.xlsx file.

The 数字司法所, 社区矫正 and 行政执法 cockpits use the period; the 社区矫正 and 行政执法 ones also the rest.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache
from django.utils import timezone
from openpyxl import Workbook

from sifa.core.accounts.actor import Actor
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404

T = TypeVar("T")
CACHE_SECONDS = 60  # figures are fresh within a minute (no nightly batch)

PRESETS: dict[str, str] = {"month": "本月", "last_month": "上月", "quarter": "本季度", "year": "本年", "custom": "自定义"}
MAX_PERIOD_DAYS = 731


@dataclass(frozen=True)
class Period:
    """Days ``start``..``end`` (both included); ``preset`` is how it was chosen (本月, 上月 … or custom)."""

    start: datetime.date
    end: datetime.date
    preset: str = "custom"

    @property
    def label(self) -> str:
        span = f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"
        return span if self.preset == "custom" else f"{PRESETS[self.preset]}（{span}）"

    @property
    def short_label(self) -> str:
        return "期间" if self.preset == "custom" else PRESETS[self.preset]

    @property
    def query(self) -> str:
        """The query string that selects this period again (links keep the period while drilling down)."""
        if self.preset == "custom":
            return f"start={self.start.isoformat()}&end={self.end.isoformat()}"
        return f"period={self.preset}"


def _parse_day(text: str, name: str, label: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(f"{label}「{text}」不是有效日期（格式 YYYY-MM-DD）", field=name) from None


def period_from(*, preset: str | None = None, start: str | None = None, end: str | None = None,
                today: datetime.date | None = None) -> Period:
    """The period asked for: ``start`` and ``end`` (custom, both needed), else a preset (default 本月 = the
    month so far). Raises ValidationFailed naming the field."""
    today = today or timezone.localdate()
    if start or end:
        if not start:
            raise ValidationFailed("请填写开始日期", field="start")
        if not end:
            raise ValidationFailed("请填写结束日期", field="end")
        first, last = _parse_day(start, "start", "开始日期"), _parse_day(end, "end", "结束日期")
        if last < first:
            raise ValidationFailed("结束日期不能早于开始日期", field="end")
        if (last - first).days + 1 > MAX_PERIOD_DAYS:
            raise ValidationFailed(f"统计期间不能超过 {MAX_PERIOD_DAYS} 天", field="end")
        return Period(first, last, "custom")
    preset = preset or "month"
    if preset == "month":
        return Period(today.replace(day=1), today, preset)
    if preset == "last_month":
        last = today.replace(day=1) - datetime.timedelta(days=1)
        return Period(last.replace(day=1), last, preset)
    if preset == "quarter":
        return Period(datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today, preset)
    if preset == "year":
        return Period(datetime.date(today.year, 1, 1), today, preset)
    raise ValidationFailed(f"未知的统计期间「{preset}」，可选：本月 month、上月 last_month、本季度 quarter、本年 year，"
                           "或填写开始和结束日期", field="period")


def cockpit_org(actor: Actor, org_id: int | None, *, permission: str, page: str) -> Org:
    """The org whose cockpit ``page`` is asked for: ``org_id`` in the actor's scope (404 otherwise, like a
    missing one), or without one the actor's own org."""
    actor.require(permission)
    if org_id is not None:
        return get_visible_or_404(Org, actor, pk=org_id)
    if actor.org is None:
        raise ValidationFailed(f"当前身份没有所属机构，无法查看{page}")
    return actor.org


def cached_figures(namespace: str, org: Org, period: Period, today: datetime.date, compute: Callable[[], T], *,
                   fresh: bool = False) -> T:
    """``compute()`` cached for ``CACHE_SECONDS`` per org (and its place in the tree), period and day."""
    key = f"{namespace}:{org.pk}:{org.path}:{period.start}:{period.end}:{today}"
    data: T | None = None if fresh else cache.get(key)
    if data is None:
        data = compute()
        cache.set(key, data, CACHE_SECONDS)
    return data


def breadcrumb(actor: Actor, org: Org) -> list[Org]:
    """``org`` and the orgs above it that the actor may see, from the top down (one query)."""
    width = len(Org.path_segment(org.pk))
    above = [org.path[:i] for i in range(width, len(org.path) + 1, width)]
    scope = actor.scope_paths
    rows = Org.objects.filter(path__in=above).only("pk", "name", "type", "path").order_by("path")
    return [o for o in rows if actor.is_system or any(o.path.startswith(p) for p in scope)]


def xlsx_table(title: str, sheet: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> tuple[bytes, int]:
    """One table as an .xlsx file (a title line, the header, the rows) and its row count."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    ws.append([title])
    ws.append(list(header))
    count = 0
    for row in rows:
        ws.append(list(row))
        count += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), count
