"""Cockpit API (/api/v1/cockpit/{org_id}): the same figures as the cockpit page, as JSON."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from sifa.core.api import actor_of
from sifa.modules.judicial_office import cockpit
from sifa.modules.judicial_office.cockpit import Cockpit, Rate

router = Router(tags=["数字司法所驾驶舱"])


class OrgRefOut(Schema):
    id: int
    name: str
    type: str


class PeriodOut(Schema):
    start: datetime.date
    end: datetime.date
    preset: str = Field(..., description="month | last_month | quarter | year | custom")
    label: str


class RateOut(Schema):
    reported: int = Field(..., description="有已提交日志的（司法所 × 工作日）数")
    expected: int = Field(..., description="应报数：在册司法所数 × 期间内截至今日的工作日数")
    percent: float | None = Field(..., description="上报率（%）；期间内尚无工作日时为 null")


class KpiOut(Schema):
    total: int = Field(..., description="工作量合计（手工填报 + 自动汇入）")
    manual: int
    auto: int
    offices: int = Field(..., description="在册司法所数")
    rate: RateOut
    rate_error: str = Field(..., description="无法计算上报率的原因（如缺少节假日安排），否则为空")


class ItemOut(Schema):
    code: str
    name: str
    unit: str
    manual: int
    auto: int
    total: int
    logs_url: str = Field(..., description="下钻：该事项的工作日志列表；日志模块未启用时为空")


class ChildOut(Schema):
    id: int
    name: str
    type: str
    offices: int
    total: int
    items: dict[str, int] = Field(..., description="事项编码 → 工作量")
    rate: RateOut
    score: Decimal | None = Field(..., description="下属司法所考核均分；null 为未计算")
    scored: int


class OfficeOut(Schema):
    id: int
    name: str
    parent_name: str
    total: int
    rate: RateOut


class SeriesOut(Schema):
    start: datetime.date
    end: datetime.date
    label: str
    total: int


class MissingOut(Schema):
    id: int
    name: str
    parent_name: str
    last_day: datetime.date | None = Field(..., description="最后提交工作日志的日期；null 为从未提交")


class LateOut(Schema):
    id: int
    name: str
    parent_name: str
    count: int


class RuleCountOut(Schema):
    code: str
    label: str
    level: str
    count: int


class QualityOut(Schema):
    as_of: datetime.date = Field(..., description="统计截至（不含）")
    days: int = Field(..., description="连续未填报的工作日数 N（SIFA_WORKLOG_MISSING_DAYS）")
    window_start: datetime.date | None
    missing: list[MissingOut]
    late_total: int
    late: list[LateOut]
    anomalies: list[RuleCountOut] = Field(..., description="未办结的工作日志异常预警（按规则）")
    error: str


class LevelCountOut(Schema):
    key: str
    label: str
    count: int


class AlertsOut(Schema):
    open: int
    by_level: list[LevelCountOut]
    by_state: list[LevelCountOut]
    by_rule: list[RuleCountOut]


class ScoresOut(Schema):
    scheme_id: int
    scheme_name: str
    period: str
    period_label: str
    average: Decimal | None
    count: int


class CockpitOut(Schema):
    org: OrgRefOut
    breadcrumb: list[OrgRefOut]
    period: PeriodOut
    kpi: KpiOut
    items: list[ItemOut]
    children: list[ChildOut]
    top: list[OfficeOut]
    bottom: list[OfficeOut]
    series: list[SeriesOut]
    quality: QualityOut
    alerts: AlertsOut | None = Field(..., description="本机构及下级未办结的预警；无预警查看权限时为 null")
    scores: ScoresOut | None = Field(..., description="期间内最近一次考核得分；未计算或无考核查看权限时为 null")


def _rate(rate: Rate) -> dict[str, Any]:
    return {"reported": rate.reported, "expected": rate.expected, "percent": rate.percent}


def _org(org: Any) -> dict[str, Any]:
    return {"id": org.pk, "name": org.name, "type": org.type}


def _office(o: cockpit.OfficeFigure) -> dict[str, Any]:
    return {"id": o.id, "name": o.name, "parent_name": o.parent_name, "total": o.total, "rate": _rate(o.rate)}


def _rule(r: cockpit.RuleCount) -> dict[str, Any]:
    return {"code": r.code, "label": r.label, "level": r.level, "count": r.count}


def as_json(c: Cockpit) -> dict[str, Any]:
    q = c.quality
    return {
        "org": _org(c.org), "breadcrumb": [_org(o) for o in c.breadcrumb],
        "period": {"start": c.period.start, "end": c.period.end, "preset": c.period.preset, "label": c.period.label},
        "kpi": {"total": c.total, "manual": c.manual, "auto": c.auto, "offices": c.office_count, "rate": _rate(c.rate),
                "rate_error": c.rate_error},
        "items": [{"code": i.code, "name": i.name, "unit": i.unit, "manual": i.manual, "auto": i.auto,
                   "total": i.total, "logs_url": i.url} for i in c.items],
        "children": [{"id": ch.id, "name": ch.name, "type": ch.type, "offices": ch.offices, "total": ch.total,
                      "items": ch.items, "rate": _rate(ch.rate), "score": ch.score, "scored": ch.scored}
                     for ch in c.children],
        "top": [_office(o) for o in c.top], "bottom": [_office(o) for o in c.bottom],
        "series": [{"start": p.start, "end": p.end, "label": p.label, "total": p.total} for p in c.series],
        "quality": {"as_of": q.as_of, "days": q.days, "window_start": q.window_start,
                    "missing": [{"id": m.id, "name": m.name, "parent_name": m.parent_name, "last_day": m.last_day}
                                for m in q.missing],
                    "late_total": q.late_total,
                    "late": [{"id": x.id, "name": x.name, "parent_name": x.parent_name, "count": x.count}
                             for x in q.late],
                    "anomalies": [_rule(r) for r in q.anomalies], "error": q.error},
        "alerts": None if c.alerts is None else {
            "open": c.alerts.total,
            "by_level": [{"key": k.key, "label": k.label, "count": k.count} for k in c.alerts.by_level],
            "by_state": [{"key": k.key, "label": k.label, "count": k.count} for k in c.alerts.by_state],
            "by_rule": [_rule(r) for r in c.alerts.by_rule]},
        "scores": None if c.scores is None else {
            "scheme_id": c.scores.scheme_id, "scheme_name": c.scores.scheme_name, "period": c.scores.period_key,
            "period_label": c.scores.period_label, "average": c.scores.average, "count": c.scores.count},
    }


START = Query(None, description="开始日期（与 end 一同填写为自定义期间）")
END = Query(None, description="结束日期（含）")


@router.get("/{org_id}", response=CockpitOut,
            summary="驾驶舱：一个机构（本机构或下级）在统计期间的工作量、上报率、数据质量、预警与考核得分")
def get_cockpit(request: HttpRequest, org_id: int,
                start: datetime.date | None = START, end: datetime.date | None = END,
                period: str = Query("", max_length=16, description="未填 start/end 时：month（本月，默认）| "
                                                                   "last_month | quarter | year")) -> dict[str, Any]:
    actor = actor_of(request)
    org = cockpit.org_for(actor, org_id)
    chosen = cockpit.period_from(preset=period or None, start=start.isoformat() if start else None,
                                 end=end.isoformat() if end else None)
    return as_json(cockpit.cockpit_for(actor, org, chosen))
