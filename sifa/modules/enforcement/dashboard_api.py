"""执法监督驾驶舱 API (``GET /api/v1/enforcement/dashboard?org=&period=``): the page's figures as JSON."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from sifa.core.api import actor_of
from sifa.core.ui.cockpit import period_from
from sifa.modules.enforcement import dashboard
from sifa.modules.enforcement.dashboard import Dashboard, Figures, Row
from sifa.modules.enforcement.outcome_services import LossRate

router = Router(tags=["执法监督驾驶舱"])


class EnfDashOrgOut(Schema):
    id: int
    name: str
    type: str


class EnfDashPeriodOut(Schema):
    start: datetime.date
    end: datetime.date
    preset: str = Field(..., description="month | last_month | quarter | year | custom")
    label: str


class EnfDashTallyOut(Schema):
    key: str
    label: str
    count: int
    url: str = Field("", description="下钻链接（案件列表或预警列表）")


class EnfDashFiguresOut(Schema):
    cases: int = Field(..., description="期间内登记的案件")
    groups: dict[str, int] = Field(..., description="期间内登记案件按状态分组：handling 办理中、decided 已决定、"
                                                    "enforcing 执行中、closed 已结案、no_penalty 不予处罚、transfer 移送")
    overdue: int = Field(..., description="今日仍在计算且已超过届满日的法定期限")
    decided: int = Field(..., description="期间内作出处罚决定（含当场处罚）")
    concluded: int = Field(..., description="期间内普通程序作出决定（处罚或不予处罚）：听证、法制审核比率的基数")
    hearing_required: int = Field(..., description="拟处罚应告知听证权利（AP-24）")
    hearing_offered: int = Field(..., description="已告知听证权利")
    hearing_requested: int
    hearing_held: int
    hearing_rate: float | None = Field(..., description="听证告知率（%）")
    review_required: int = Field(..., description="应当法制审核（AP-22）")
    reviewed: int
    review_rate: float | None = Field(..., description="法制审核率（%）")
    average_days: float | None = Field(..., description="立案至决定平均天数（AP-27 九十日）")
    fines_decided: float = Field(..., description="期间内决定的罚没金额（元）")
    fines_paid: float = Field(..., description="期间内实缴金额（元）")
    late_fees: float = Field(..., description="期间内决定案件的加处罚款（元，截至今日或缴款日）")


class EnfDashRowOut(Schema):
    id: int | None = Field(..., description="下级机构或执法主体；null 为本级")
    name: str
    figures: EnfDashFiguresOut


class EnfDashOverdueOut(Schema):
    case_id: int
    number: str
    body: str
    label: str
    rule_id: str
    article: str
    due_date: datetime.date
    days_late: int


class EnfDashLossOut(Schema):
    body_id: int
    body_name: str
    power_item_id: int | None
    power_item_name: str
    outcomes: int
    losses: int
    rate: float = Field(..., description="败诉率（0–1）")


class EnfDashboardOut(Schema):
    org: EnfDashOrgOut
    breadcrumb: list[EnfDashOrgOut]
    period: EnfDashPeriodOut
    computed_at: datetime.datetime = Field(..., description="统计时间（结果缓存不超过 60 秒）")
    totals: EnfDashFiguresOut
    children: list[EnfDashRowOut]
    bodies: list[EnfDashRowOut]
    by_group: list[EnfDashTallyOut]
    overdue: list[EnfDashOverdueOut]
    outcomes: list[EnfDashTallyOut] = Field(..., description="期间内复议、诉讼结果按结果")
    loss_rate: float | None = Field(..., description="败诉率（%）")
    loss_by_body: list[EnfDashLossOut]
    loss_by_item: list[EnfDashLossOut]
    alerts: list[EnfDashTallyOut] = Field(..., description="未处置预警按规则（含 AP-40 责任追究预警）")


def _org(org: Any) -> dict[str, Any]:
    return {"id": org.pk, "name": org.name, "type": org.type}


def _figures(f: Figures) -> dict[str, Any]:
    return {"cases": f.cases, "groups": dict(f.groups), "overdue": f.overdue, "decided": f.decided,
            "concluded": f.concluded, "hearing_required": f.hearing_required, "hearing_offered": f.hearing_offered,
            "hearing_requested": f.hearing_requested, "hearing_held": f.hearing_held, "hearing_rate": f.hearing_rate,
            "review_required": f.review_required, "reviewed": f.reviewed, "review_rate": f.review_rate,
            "average_days": f.average_days, "fines_decided": float(f.fines_decided),
            "fines_paid": float(f.fines_paid), "late_fees": float(f.late_fees)}


def _rows(rows: list[Row]) -> list[dict[str, Any]]:
    return [{"id": r.id, "name": r.name, "figures": _figures(r.figures)} for r in rows]


def _loss(rates: list[LossRate]) -> list[dict[str, Any]]:
    return [{"body_id": r.body_id, "body_name": r.body_name, "power_item_id": r.power_item_id,
             "power_item_name": r.power_item_name, "outcomes": r.outcomes, "losses": r.losses, "rate": r.rate}
            for r in rates]


def as_json(d: Dashboard) -> dict[str, Any]:
    data = d.data
    return {
        "org": _org(d.org), "breadcrumb": [_org(o) for o in d.breadcrumb],
        "period": {"start": data.period.start, "end": data.period.end, "preset": data.period.preset,
                   "label": data.period.label},
        "computed_at": data.computed_at, "totals": _figures(data.totals), "children": _rows(data.children),
        "bodies": _rows(data.bodies), "by_group": [vars(t) for t in data.by_group],
        "overdue": [{k: v for k, v in vars(r).items() if k != "url"} for r in data.overdue],
        "outcomes": [vars(t) for t in data.outcomes], "loss_rate": data.loss_rate,
        "loss_by_body": _loss(data.loss_by_body), "loss_by_item": _loss(data.loss_by_item),
        "alerts": [vars(t) for t in data.alerts],
    }


START = Query(None, description="开始日期（与 end 一同填写为自定义期间）")
END = Query(None, description="结束日期（含）")


@router.get("", response=EnfDashboardOut,
            summary="执法监督驾驶舱：一个机构（本机构或下级）的案件状态、超期期限、听证与法制审核率、立案至决定天数、"
                    "罚没与加处罚款、复议诉讼结果与败诉率")
def get_enforcement_dashboard(
        request: HttpRequest,
        org: int | None = Query(None, description="机构 ID（本人可见范围内）；不填为本人所属机构"),
        period: str = Query("", max_length=16, description="未填 start/end 时：month（本月，默认）| last_month | "
                                                           "quarter | year"),
        start: datetime.date | None = START, end: datetime.date | None = END) -> dict[str, Any]:
    actor = actor_of(request)
    chosen_org = dashboard.org_for(actor, org) if org is not None else dashboard.own_org(actor)
    chosen = period_from(preset=period or None, start=start.isoformat() if start else None,
                         end=end.isoformat() if end else None)
    return as_json(dashboard.dashboard_for(actor, chosen_org, chosen))
