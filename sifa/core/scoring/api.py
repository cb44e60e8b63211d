"""Scoring API (/api/v1/scoring): schemes and their trees, computing, rankings, explained scores, adjustments."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.core.errors import ValidationFailed
from sifa.core.scoring import selectors, services
from sifa.core.scoring.engine import Indicator
from sifa.core.scoring.models import Adjustment, Scheme, SchemeVersion, Score
from sifa.core.scoring.periods import parse_period

router = Router(tags=["考核评分"])

PERIOD_HELP = "考核期间：2026-11（月）、2026-Q4（季度）、2026（年度）或 2026-01-01..2026-03-15（自定义）"


class SchemeFields(Schema):
    id: int
    code: str
    name: str
    subject_kind: str = Field(..., description="org | person | case")
    subject_type: str
    owner_id: int
    owner_name: str
    base_id: int | None
    note: str


class SchemeOut(SchemeFields):
    @staticmethod
    def resolve_owner_name(obj: Scheme) -> str:
        return obj.owner.name


class VersionOut(Schema):
    number: int
    valid_from: datetime.date
    valid_to: datetime.date | None
    total: Decimal
    note: str
    source_name: str
    imported_by: str
    imported_at: datetime.datetime


class IndicatorOut(Schema):
    code: str
    label: str
    kind: str = Field(..., description="part | item | sub_item")
    rule: str = Field(..., description="计分规则（中文）")
    points_per_unit: Decimal | None
    cap: Decimal | None
    full_marks: Decimal | None
    base: Decimal
    source: str
    per: str = Field(..., description="fact（按件）| quantity（按数量）")
    unit_filter: dict[str, list[str]]
    deduction: bool
    note: str
    children: list[IndicatorOut]


IndicatorOut.model_rebuild()


class SchemeDetailOut(SchemeFields):
    on: datetime.date = Field(..., description="查询日期：返回当日生效的版本")
    version: VersionOut | None = Field(..., description="当日生效的版本；没有则为 null")
    indicators: list[IndicatorOut]
    versions: list[VersionOut]


class ComputeIn(Schema):
    period: str = Field(..., min_length=1, max_length=32, description=PERIOD_HELP)
    subjects: list[int] | None = Field(None, description="考核对象 ID；默认为方案适用且在本机构范围内的全部对象")


class ScoreOut(Schema):
    id: int
    scheme_id: int
    version: int
    subject_kind: str
    subject_id: int
    subject_label: str
    org_id: int
    org_name: str
    period: str
    period_label: str
    period_start: datetime.date
    period_end: datetime.date
    total: Decimal
    computed_at: datetime.datetime
    computed_by: str
    is_current: bool


class ComputeOut(Schema):
    period: str
    period_label: str
    count: int
    items: list[ScoreOut]


class PartPointsOut(Schema):
    code: str
    points: Decimal


class RankingItemOut(ScoreOut):
    rank: int
    parts: list[PartPointsOut]


class PartColumnOut(Schema):
    code: str
    label: str
    full_marks: Decimal | None
    deduction: bool


class RankingOut(Schema):
    scheme_id: int
    scheme_code: str
    scheme_name: str
    period: str
    period_label: str
    period_start: datetime.date
    period_end: datetime.date
    version: int | None = Field(..., description="期间开始日生效的方案版本号")
    stale: int = Field(..., description="按其他版本计算、需重新计算的得分数")
    parts: list[PartColumnOut]
    count: int
    items: list[RankingItemOut]


class FactOut(Schema):
    source: str
    on: datetime.date
    units: Decimal
    points: Decimal
    ref_kind: str
    ref_id: str
    label: str
    url: str


class AdjustmentOut(Schema):
    id: int
    indicator: str
    points: Decimal
    reason: str
    made_by: str
    made_at: datetime.datetime


class LineOut(Schema):
    code: str
    label: str
    kind: str
    parent_code: str
    depth: int
    rule: str
    cap: Decimal | None
    full_marks: Decimal | None
    units: Decimal
    raw: Decimal = Field(..., description="计算分（未按上限、满分、不低于 0 处理）")
    adjustment: Decimal
    points: Decimal
    capped: bool = Field(..., description="是否按上限、满分或不低于 0 处理过")
    notes: list[str]
    facts: list[FactOut]
    adjustments: list[AdjustmentOut]


class ScoreDetailOut(ScoreOut):
    scheme_code: str
    scheme_name: str
    current_id: int | None = Field(..., description="当前结果的 ID（本记录已被重新计算时不同）")
    lines: list[LineOut]


class AdjustIn(Schema):
    indicator: str = Field(..., min_length=1, max_length=32, description="指标编码，如 B.2.3")
    points: Decimal = Field(..., description="调整分值，正数加分、负数减分，最多两位小数")
    reason: str = Field(..., max_length=2000, description="调整理由（必填，记入审计日志）")


def _indicator(ind: Indicator) -> dict[str, Any]:
    return {"code": ind.code, "label": ind.label, "kind": ind.kind, "rule": selectors.rule_of(ind),
            "points_per_unit": ind.points_per_unit, "cap": ind.cap, "full_marks": ind.full_marks, "base": ind.base,
            "source": ind.source, "per": ind.per, "unit_filter": {k: list(v) for k, v in ind.unit_filter.items()},
            "deduction": ind.deduction, "note": ind.note, "children": [_indicator(c) for c in ind.children]}


def _score(score: Score) -> dict[str, Any]:
    return {"id": score.pk, "scheme_id": score.scheme_id, "version": score.version.number,
            "subject_kind": score.subject_kind, "subject_id": score.subject_id, "subject_label": score.subject_label,
            "org_id": score.org_id, "org_name": score.org.name, "period": score.period.key,
            "period_label": score.period_label, "period_start": score.period_start, "period_end": score.period_end,
            "total": score.total, "computed_at": score.computed_at, "computed_by": score.computed_by,
            "is_current": score.is_current}


def _adjustment(adj: Adjustment) -> dict[str, Any]:
    return {"id": adj.pk, "indicator": adj.code, "points": adj.points, "reason": adj.reason, "made_by": adj.made_by,
            "made_at": adj.made_at}


def _score_detail(request: HttpRequest, score: Score) -> dict[str, Any]:
    actor = actor_of(request)
    current = selectors.current_score(actor, score)
    lines = []
    for ex in selectors.explained_lines(score):
        line = ex.line
        lines.append({
            "code": line.code, "label": line.label, "kind": line.kind, "parent_code": line.parent_code,
            "depth": line.depth, "rule": ex.rule, "cap": ex.cap, "full_marks": ex.full_marks, "units": line.units,
            "raw": line.raw, "adjustment": line.adjustment, "points": line.points, "capped": line.limited,
            "notes": line.notes, "adjustments": [_adjustment(a) for a in ex.adjustments],
            "facts": [{"source": f["source"], "on": f["on"], "units": f["units"], "points": f["points"],
                       "ref_kind": f["ref"]["kind"], "ref_id": f["ref"]["id"], "label": f["ref"]["label"],
                       "url": f["url"]} for f in ex.facts],
        })
    return {**_score(score), "scheme_code": score.scheme.code, "scheme_name": score.scheme.name,
            "current_id": current.pk if current else None, "lines": lines}


@router.get("/schemes", response=list[SchemeOut], summary="考核方案列表（本机构、上级机构及下级的方案）")
@paginate(PagePagination)
def list_schemes(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.schemes_visible_to(actor_of(request))


@router.get("/schemes/{scheme_id}", response=SchemeDetailOut, summary="考核方案详情与指标体系（?on= 日期生效的版本）")
def get_scheme(request: HttpRequest, scheme_id: int, on: datetime.date | None = None) -> dict[str, Any]:
    scheme = selectors.scheme_for(actor_of(request), scheme_id)
    day = on or timezone.localdate()
    version = selectors.version_in_force(scheme, day)
    versions: list[SchemeVersion] = list(scheme.versions.all())
    return {"id": scheme.pk, "code": scheme.code, "name": scheme.name, "subject_kind": scheme.subject_kind,
            "subject_type": scheme.subject_type, "owner_id": scheme.owner_id, "owner_name": scheme.owner.name,
            "base_id": scheme.base_id, "note": scheme.note, "on": day, "version": version, "versions": versions,
            "indicators": [_indicator(p) for p in version.tree.parts] if version else []}


@router.post("/schemes/{scheme_id}/compute", response=ComputeOut,
             summary="计算（或重新计算）一个期间的得分；此前结果保留为历史")
def compute(request: HttpRequest, scheme_id: int, payload: ComputeIn) -> dict[str, Any]:
    actor = actor_of(request)
    actor.require("scoring.compute")
    scheme = selectors.scheme_for(actor, scheme_id)
    period = parse_period(payload.period)
    scores = services.compute_scores(actor=actor, scheme=scheme, period=period, subjects=payload.subjects)
    return {"period": period.key, "period_label": period.label, "count": len(scores),
            "items": [_score(s) for s in scores]}


@router.get("/scores", response=RankingOut, summary="排名：一个方案一个期间的当前得分（本机构及下级），含各部分得分")
def ranking(request: HttpRequest, scheme: int | None = Query(None, description="考核方案 ID（必填）"),
            period: str = Query("", max_length=32, description=PERIOD_HELP + "（必填）"),
            sort: str = Query("-total", max_length=40, description="-total | total | subject | -subject | "
                                                                    "part:<编码> | -part:<编码>")) -> dict[str, Any]:
    actor = actor_of(request)
    actor.require("scoring.view")
    if scheme is None:
        raise ValidationFailed("请指定考核方案 scheme", field="scheme")
    obj = selectors.scheme_for(actor, scheme)
    result = selectors.ranking(actor, obj, parse_period(period), sort=sort)
    p = result.period
    items = [{**_score(row.score), "rank": row.rank,
              "parts": [{"code": c, "points": v} for c, v in row.parts.items()]} for row in result.rows]
    return {"scheme_id": obj.pk, "scheme_code": obj.code, "scheme_name": obj.name, "period": p.key,
            "period_label": p.label, "period_start": p.start, "period_end": p.end,
            "version": result.version.number if result.version else None, "stale": result.stale,
            "parts": [{"code": c.code, "label": c.label, "full_marks": c.full_marks, "deduction": c.deduction}
                      for c in result.columns],
            "count": len(items), "items": items}


@router.get("/scores/{score_id}", response=ScoreDetailOut, summary="得分详情：每项指标的得分及计分依据")
def get_score(request: HttpRequest, score_id: int) -> dict[str, Any]:
    return _score_detail(request, selectors.score_for(actor_of(request), score_id))


@router.post("/scores/{score_id}/adjustments", response={201: ScoreDetailOut},
             summary="人工调整一项指标的得分（须填写理由），返回调整后的当前得分")
def adjust(request: HttpRequest, score_id: int, payload: AdjustIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    actor.require("scoring.adjust")
    score = selectors.score_for(actor, score_id)
    new = services.adjust_score(actor=actor, score=score, indicator=payload.indicator, points=payload.points,
                                reason=payload.reason)
    return Status(201, _score_detail(request, new))
