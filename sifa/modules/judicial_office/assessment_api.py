"""千分制 API (/api/v1/office/assessment): an org's score summary, the ranking of the orgs under it, its trend.

Read-only: computing and adjusting go through the scoring engine's API (/api/v1/scoring), which
explains every point (``GET /api/v1/scoring/scores/{id}``; ``score_id`` below points there).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from sifa.core.api import actor_of
from sifa.core.errors import ValidationFailed
from sifa.core.scoring import periods
from sifa.core.scoring.periods import Period, parse_period
from sifa.modules.judicial_office import assessment_selectors as selectors

router = Router(tags=["千分制考核"])

PERIOD_HELP = ("考核期间：2026-11（月）、2026-Q4（季度）、2026（年度）或 2026-01-01..2026-03-15（自定义）；"
               "默认为本年度")


class AssessmentPartOut(Schema):
    code: str
    label: str
    full_marks: Decimal | None = Field(..., description="满分；负面清单（扣分部分）为 0")
    deduction: bool
    points: Decimal | None = Field(..., description="得分；尚未计算时为 null")


class AssessmentLostOut(Schema):
    code: str
    label: str
    most: Decimal = Field(..., description="该项目最多可得分（扣分项为 0）")
    points: Decimal
    lost: Decimal = Field(..., description="失分：最多可得分 − 得分；扣分项为扣分")
    manual: bool = Field(..., description="人工评分项目（由考核组人工调整评定）")


class AssessmentSummaryOut(Schema):
    org_id: int
    org_name: str
    org_type: str
    period: str
    period_label: str
    period_start: datetime.date
    period_end: datetime.date
    assessed: bool = Field(..., description="本机构是否为千分制考核对象（司法所、司法局）")
    scheme_id: int | None
    scheme_code: str | None
    scheme_name: str | None
    version: int | None = Field(..., description="期间开始日生效的方案版本号")
    full_marks: Decimal | None
    score_id: int | None = Field(..., description="当前得分 ID（GET /api/v1/scoring/scores/{id} 查看每一分的依据）；未计算为 null")
    total: Decimal | None
    computed_at: datetime.datetime | None
    parts: list[AssessmentPartOut]
    lost: list[AssessmentLostOut] = Field(..., description="失分最多的自动计分项目和扣分项目，失分多的在前")
    manual_pending: list[AssessmentLostOut] = Field(..., description="尚未评满的人工评分项目")


class AssessmentPartPointsOut(Schema):
    code: str
    points: Decimal


class AssessmentRankingItemOut(Schema):
    rank: int
    org_id: int
    org_name: str
    score_id: int
    scheme_code: str
    version: int
    total: Decimal
    computed_at: datetime.datetime
    parts: list[AssessmentPartPointsOut]


class AssessmentOrgRefOut(Schema):
    org_id: int
    org_name: str


class AssessmentPartColumnOut(Schema):
    code: str
    label: str
    full_marks: Decimal | None
    deduction: bool


class AssessmentRankingOut(Schema):
    org_id: int
    org_name: str
    period: str
    period_label: str
    period_start: datetime.date
    period_end: datetime.date
    scheme_id: int | None
    scheme_code: str | None
    version: int | None
    parts: list[AssessmentPartColumnOut]
    count: int
    items: list[AssessmentRankingItemOut]
    unscored: list[AssessmentOrgRefOut] = Field(..., description="尚未计算本期得分的下级考核对象")


class AssessmentTrendItemOut(Schema):
    period: str
    period_label: str
    score_id: int | None
    total: Decimal | None
    parts: list[AssessmentPartPointsOut]


class AssessmentTrendOut(Schema):
    org_id: int
    org_name: str
    items: list[AssessmentTrendItemOut]


def _period(text: str) -> Period:
    if not text.strip():
        return periods.containing(periods.YEAR, timezone.localdate())
    return parse_period(text)


def _lost(items: list[Any]) -> list[dict[str, Any]]:
    return [{"code": x.line.code, "label": x.line.label, "most": x.most, "points": x.line.points, "lost": x.lost,
             "manual": x.manual} for x in items]


def _period_fields(period: Period) -> dict[str, Any]:
    return {"period": period.key, "period_label": period.label, "period_start": period.start,
            "period_end": period.end}


@router.get("/orgs/{org_id}/summary", response=AssessmentSummaryOut,
            summary="机构千分制得分概况：总分、各部分得分、失分最多的项目（本机构及下级可查）")
def summary(request: HttpRequest, org_id: int,
            period: str = Query("", max_length=32, description=PERIOD_HELP)) -> dict[str, Any]:
    actor = actor_of(request)
    org = selectors.org_for(actor, org_id)
    result = selectors.org_summary(actor, org, _period(period))
    score = result.score
    return {"org_id": org.pk, "org_name": org.name, "org_type": org.type, **_period_fields(result.period),
            "assessed": result.assessed, "scheme_id": result.scheme.pk if result.scheme else None,
            "scheme_code": result.scheme.code if result.scheme else None,
            "scheme_name": result.scheme.name if result.scheme else None,
            "version": result.version.number if result.version else None,
            "full_marks": result.version.total if result.version else None,
            "score_id": score.pk if score else None, "total": score.total if score else None,
            "computed_at": score.computed_at if score else None,
            "parts": [vars(p) for p in result.parts], "lost": _lost(result.lost),
            "manual_pending": _lost(result.manual)}


@router.get("/orgs/{org_id}/ranking", response=AssessmentRankingOut,
            summary="下级排名：县（区）所辖司法所、市所辖县（区）等，按总分排名并列出各部分得分")
def ranking(request: HttpRequest, org_id: int,
            period: str = Query("", max_length=32, description=PERIOD_HELP),
            sort: str = Query("-total", max_length=40, description="-total | total | part:<编码> | -part:<编码>")
            ) -> dict[str, Any]:
    actor = actor_of(request)
    org = selectors.org_for(actor, org_id)
    result = selectors.child_ranking(actor, org, _period(period), sort=sort)
    rk = result.ranking
    items = [{"rank": r.rank, "org_id": r.score.subject_id, "org_name": r.score.subject_label,
              "score_id": r.score.pk, "scheme_code": result.schemes[r.score.pk].code,
              "version": r.score.version.number, "total": r.score.total, "computed_at": r.score.computed_at,
              "parts": [{"code": c, "points": v} for c, v in r.parts.items()]} for r in result.rows]
    return {"org_id": org.pk, "org_name": org.name, **_period_fields(result.period),
            "scheme_id": rk.scheme.pk if rk else None, "scheme_code": rk.scheme.code if rk else None,
            "version": rk.version.number if rk and rk.version else None,
            "parts": [{"code": c.code, "label": c.label, "full_marks": c.full_marks, "deduction": c.deduction}
                      for c in result.columns],
            "count": len(items), "items": items,
            "unscored": [{"org_id": o.pk, "org_name": o.name} for o in result.unscored]}


@router.get("/orgs/{org_id}/trend", response=AssessmentTrendOut, summary="机构近若干个月的月度千分制得分走势")
def trend(request: HttpRequest, org_id: int,
          months: int = Query(12, ge=1, le=36, description="月数（1–36）"),
          until: str = Query("", max_length=7, description="截至月份 YYYY-MM，默认为本月")) -> dict[str, Any]:
    actor = actor_of(request)
    org = selectors.org_for(actor, org_id)
    last = timezone.localdate()
    if until.strip():
        month = parse_period(until)
        if month.kind != periods.MONTH:
            raise ValidationFailed("截至月份应为 YYYY-MM，如 2026-11", field="until")
        last = month.start
    points = selectors.trend(actor, org, until=last, months=months)
    return {"org_id": org.pk, "org_name": org.name,
            "items": [{"period": t.period.key, "period_label": t.period.label,
                       "score_id": t.score.pk if t.score else None, "total": t.score.total if t.score else None,
                       "parts": [{"code": c, "points": v} for c, v in t.parts.items()]} for t in points]}
