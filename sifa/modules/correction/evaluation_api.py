"""/api/v1/correction/movement/evaluations: a month's evaluations of an org's subjects, a subject's trend
and cumulative summary (CC-23, CC-36), and computing a month."""

import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema

from sifa.core.api import actor_of
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404
from sifa.modules.correction import evaluation_selectors as sel
from sifa.modules.correction import evaluation_services as services
from sifa.modules.correction.models import CorrectionCase

router = Router(tags=["社区矫正·月度考核"])


class EvaluationRowOut(Schema):
    case_id: int
    case_number: str
    subject_name: str
    org_name: str
    score_id: int | None = Field(..., description="得分记录（/api/v1/scoring/scores/{id} 逐项说明）；未计算为 null")
    total: str | None
    parts: dict[str, str] = Field(..., description="各部分得分：A 监督管理、B 教育学习和公益、C 奖惩、D 负面清单")
    computed_at: datetime.datetime | None


class EvaluationMonthOut(Schema):
    org_id: int
    org_name: str
    period: str
    period_label: str
    scheme_id: int | None
    rows: list[EvaluationRowOut]


class EvaluationTrendPointOut(Schema):
    period: str
    period_label: str
    score_id: int | None
    total: str | None


class EvaluationSummaryOut(Schema):
    months: int
    scored: int
    average: str | None
    lowest: str | None
    highest: str | None
    below_pass: int
    pass_mark: str
    commendations: int
    admonitions: int
    warnings: int
    text: str = Field(..., description="累计考核结果（减刑、撤销缓刑假释的依据之一，CC-23、CC-36）")


class CaseEvaluationOut(Schema):
    case_id: int
    trend: list[EvaluationTrendPointOut]
    summary: EvaluationSummaryOut


class EvaluationComputeIn(Schema):
    period: str = Field(..., description="月份，如 2026-11")
    org_id: int | None = Field(None, description="机构（默认当前机构），计算其下全部在矫对象")


class EvaluationComputeOut(Schema):
    period: str
    computed: int


def _s(value: object) -> str | None:
    return None if value is None else str(value)


def _org(actor: object, org_id: int | None) -> Org:
    if org_id is not None:
        return get_visible_or_404(Org, actor, pk=org_id)  # type: ignore[arg-type]
    org = actor.org  # type: ignore[attr-defined]
    if org is None:
        from sifa.core.errors import ValidationFailed

        raise ValidationFailed("请指定机构 org_id", field="org_id")
    return org


@router.get("", response=EvaluationMonthOut, summary="某月社区矫正对象考核结果（机构及下级）")
def month_results(request: HttpRequest, period: str | None = None, org_id: int | None = None) -> dict[str, object]:
    actor = actor_of(request)
    actor.require("correction.view")
    org = _org(actor, org_id)
    month = sel.month(period)
    scheme = sel.scheme_for_org(org, month)
    rows = sel.month_rows(actor, org, month)
    return {"org_id": org.pk, "org_name": org.name, "period": month.key, "period_label": month.label,
            "scheme_id": scheme.pk if scheme else None, "rows": [{
                "case_id": r.detail.pk, "case_number": r.detail.case.number, "subject_name": r.detail.subject.person.name,
                "org_name": r.detail.case.org.name, "score_id": r.score.pk if r.score else None,
                "total": _s(r.score.total) if r.score else None, "parts": {k: str(v) for k, v in r.parts.items()},
                "computed_at": r.score.computed_at if r.score else None} for r in rows]}


@router.get("/cases/{case_id}", response=CaseEvaluationOut, summary="对象近 12 个月考核走势与累计考核结果")
def case_evaluation(request: HttpRequest, case_id: int) -> dict[str, object]:
    actor = actor_of(request)
    actor.require("correction.view")
    detail = get_visible_or_404(CorrectionCase, actor, pk=case_id)
    summary = sel.evaluation_summary(detail, 12)
    return {"case_id": detail.pk,
            "trend": [{"period": p.key, "period_label": p.label, "score_id": s.pk if s else None,
                       "total": _s(s.total) if s else None} for p, s in sel.trend(detail, 12, actor=actor)],
            "summary": {"months": summary.months, "scored": summary.scored, "average": _s(summary.average),
                        "lowest": _s(summary.lowest), "highest": _s(summary.highest), "below_pass": summary.below_pass,
                        "pass_mark": str(summary.pass_mark), "commendations": summary.commendations,
                        "admonitions": summary.admonitions, "warnings": summary.warnings, "text": summary.text}}


@router.post("/compute", response=EvaluationComputeOut, summary="计算某月考核得分（经考核评分引擎，留痕）")
def compute(request: HttpRequest, payload: EvaluationComputeIn) -> dict[str, object]:
    actor = actor_of(request)
    actor.require("scoring.compute")
    org = _org(actor, payload.org_id)
    month = sel.month(payload.period)
    scores = services.compute_month(actor=actor, org=org, period=month)
    return {"period": month.key, "computed": len(scores)}
