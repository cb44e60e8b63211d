"""矫正驾驶舱 API (/api/v1/correction/cockpit/{org_id}): the same figures as the page, as JSON."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from sifa.core.api import actor_of
from sifa.core.ui.cockpit import period_from
from sifa.modules.correction import cockpit_selectors
from sifa.modules.correction.cockpit_selectors import Cockpit, Figures, Tally

router = Router(tags=["社区矫正驾驶舱"])


class CorrectionOrgRefOut(Schema):
    id: int
    name: str
    type: str


class CorrectionPeriodOut(Schema):
    start: datetime.date
    end: datetime.date
    preset: str = Field(..., description="month | last_month | quarter | year | custom")
    label: str


class ComplianceOut(Schema):
    on_time: int = Field(..., description="期间内按时完成的报告任务数")
    due: int = Field(..., description="期间内应完成的报告任务数（已完成或已过应完成日期）")
    percent: float | None = Field(..., description="报告合规率（%）；期间内没有应报告任务时为 null")


class FiguresOut(Schema):
    active: int = Field(..., description="在册（已报到接收、尚未解除或终止）")
    pending: int = Field(..., description="待接收（判决生效后尚未报到或移交）")
    intake: int = Field(..., description="期间内报到接收")
    ended: int = Field(..., description="期间内解除或终止")
    lost_contact: int = Field(..., description="失联（在册）")
    monitored: int = Field(..., description="电子定位中（在册）")
    overdue_tasks: int = Field(..., description="期间内应完成、逾期未完成的监管任务")
    compliance: ComplianceOut


class CorrectionChildOut(Schema):
    id: int | None = Field(..., description="下级机构；null 为本级直接管理的对象")
    name: str
    type: str
    figures: FiguresOut


class TallyOut(Schema):
    key: str
    label: str
    count: int


class MonthOut(Schema):
    month: datetime.date
    label: str
    inflow: int = Field(..., description="当月报到接收")
    outflow: int = Field(..., description="当月解除或终止")


class AlertRuleOut(Schema):
    code: str
    label: str
    level: str
    count: int


class CorrectionAlertsOut(Schema):
    open: int
    by_level: list[TallyOut]
    by_rule: list[AlertRuleOut]


class CorrectionCockpitOut(Schema):
    org: CorrectionOrgRefOut
    breadcrumb: list[CorrectionOrgRefOut]
    period: CorrectionPeriodOut
    computed_at: datetime.datetime = Field(..., description="统计时间（结果缓存不超过 60 秒）")
    totals: FiguresOut
    children: list[CorrectionChildOut]
    by_sentence_type: list[TallyOut] = Field(..., description="在册对象按矫正类别")
    by_level: list[TallyOut] = Field(..., description="在册对象按管理等级")
    by_state: list[TallyOut] = Field(..., description="全部案件按状态")
    trend: list[MonthOut] = Field(..., description="截至统计期间末月的近 12 个月")
    alerts: CorrectionAlertsOut | None = Field(..., description="未处置的社区矫正预警；无预警查看权限时为 null")


def _org(org: Any) -> dict[str, Any]:
    return {"id": org.pk, "name": org.name, "type": org.type}


def _figures(f: Figures) -> dict[str, Any]:
    return {"active": f.active, "pending": f.pending, "intake": f.intake, "ended": f.ended,
            "lost_contact": f.lost_contact, "monitored": f.monitored, "overdue_tasks": f.overdue_tasks,
            "compliance": {"on_time": f.compliance.on_time, "due": f.compliance.due,
                           "percent": f.compliance.percent}}


def _tallies(items: list[Tally]) -> list[dict[str, Any]]:
    return [{"key": t.key, "label": t.label, "count": t.count} for t in items]


def as_json(c: Cockpit) -> dict[str, Any]:
    d = c.data
    return {
        "org": _org(c.org), "breadcrumb": [_org(o) for o in c.breadcrumb],
        "period": {"start": d.period.start, "end": d.period.end, "preset": d.period.preset, "label": d.period.label},
        "computed_at": d.computed_at, "totals": _figures(d.totals),
        "children": [{"id": r.id, "name": r.name, "type": r.type, "figures": _figures(r.figures)} for r in d.children],
        "by_sentence_type": _tallies(d.by_sentence), "by_level": _tallies(d.by_level), "by_state": _tallies(d.by_state),
        "trend": [{"month": p.month, "label": p.label, "inflow": p.inflow, "outflow": p.outflow} for p in d.trend],
        "alerts": None if not c.show_alerts else {
            "open": d.open_alerts, "by_level": _tallies(d.alerts_by_level),
            "by_rule": [{"code": r.code, "label": r.label, "level": r.level, "count": r.count}
                        for r in d.alerts_by_rule]},
    }


START = Query(None, description="开始日期（与 end 一同填写为自定义期间）")
END = Query(None, description="结束日期（含）")


@router.get("/{org_id}", response=CorrectionCockpitOut,
            summary="矫正驾驶舱：一个机构（本机构或下级）的在册、新增、解除、失联、电子定位、逾期任务、报告合规率、趋势与预警")
def get_correction_cockpit(request: HttpRequest, org_id: int,
                           start: datetime.date | None = START, end: datetime.date | None = END,
                           period: str = Query("", max_length=16, description="未填 start/end 时：month（本月，默认）"
                                                                              "| last_month | quarter | year")
                           ) -> dict[str, Any]:
    actor = actor_of(request)
    org = cockpit_selectors.org_for(actor, org_id)
    chosen = period_from(preset=period or None, start=start.isoformat() if start else None,
                         end=end.isoformat() if end else None)
    return as_json(cockpit_selectors.cockpit_for(actor, org, chosen))
