"""API of 类案检索 (same selectors and services as the pages; out of scope → 404):

- on the 行政处罚 cases router (``/enforcement/cases``, attached by ``similar_setup``):
  ``GET /{case_id}/similar``, ``GET /{case_id}/risks``, ``POST /{case_id}/discretion-answers``
  (and the outcomes in ``outcome_api``);
- ``/enforcement/decisions``: imported decisions, list and import (.xlsx / .jsonl).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.core.errors import ValidationFailed
from sifa.modules.enforcement import similar
from sifa.modules.enforcement import similar_services as services
from sifa.modules.enforcement.penalty_selectors import penalty_case_for
from sifa.modules.enforcement.risk import litigation_risks
from sifa.modules.enforcement.similar_models import DiscretionAnswer, ImportedDecision

decisions_router = Router(tags=["类案检索"])


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class SimilarCaseOut(Schema):
    key: str = Field(..., description="案件 ID，或导入决定 d<ID>")
    source: str = Field(..., description="case（本平台案件）/ imported（导入的决定）")
    case_id: int | None = Field(None, description="仅当案件在本机构及下级范围内时给出")
    source_org: str
    number: str
    decided_on: datetime.date | None
    outcome: str
    amount: str | None = Field(None, description="元，两位小数")
    facts: str = Field(..., description="已遮盖当事人姓名、证件号码")
    power_item: str
    circumstance: str
    remedies: list[str] = Field(..., description="复议/诉讼结果，如「行政复议撤销」")
    changed_in_remedy: bool = Field(..., description="在复议、诉讼中被撤销、变更、确认违法或无效")
    score: float
    text_score: float
    item_bonus: float
    article_bonus: float
    circumstance_bonus: float
    shared_terms: list[str]


class DiscretionWarningOut(Schema):
    key: str
    text: str
    answered: bool
    reason: str | None


class SimilarAnalysisOut(Schema):
    case_id: int
    amount: str | None = Field(None, description="所测算的金额：默认为决定金额或拟罚款金额")
    percentile: float | None
    comparable: int = Field(..., description="有罚款金额的可比类案数")
    quantiles: dict[str, str] = Field(..., description="P5/P25/P50/P75/P95（元）")
    discretion_min: str | None
    discretion_max: str | None
    warnings: list[DiscretionWarningOut]
    cases: list[SimilarCaseOut]


class LitigationRiskOut(Schema):
    rule_id: str
    text: str
    level: str = Field(..., description="high / medium / low")
    cases: list[str]


class DiscretionAnswerIn(Schema):
    amount: Decimal = Field(..., description="预警所涉金额（元）")
    reason: str = Field(..., description="说明理由（不少于 5 个字）")


class DiscretionAnswerOut(Schema):
    id: int
    key: str
    amount: str
    warning: str
    reason: str
    answered_by: str
    answered_at: datetime.datetime

    @staticmethod
    def resolve_amount(obj: DiscretionAnswer) -> str:
        return f"{obj.amount:.2f}"


class ImportedDecisionOut(Schema):
    id: int
    source_org: str
    number: str
    decided_on: datetime.date
    power_item: str
    cited_articles: str
    circumstance: str
    penalty_types: list[str]
    amount: str | None
    outcome: str

    @staticmethod
    def resolve_amount(obj: ImportedDecision) -> str | None:
        return _amount(obj.amount)


class DecisionImportOut(Schema):
    imported: int


def _case_out(s: similar.SimilarCase) -> dict[str, Any]:
    return {"key": s.key, "source": s.source, "case_id": s.case_id, "source_org": s.source_org, "number": s.number,
            "decided_on": s.decided_on, "outcome": s.outcome, "amount": _amount(s.amount), "facts": s.facts,
            "power_item": s.power_item, "circumstance": s.circumstance,
            "remedies": [f"{k}{r}" for k, r, _ in s.remedies], "changed_in_remedy": s.lost, "score": s.score,
            "text_score": s.text_score, "item_bonus": s.item_bonus, "article_bonus": s.article_bonus,
            "circumstance_bonus": s.circumstance_bonus, "shared_terms": s.shared_terms}


def similar_analysis(request: HttpRequest, case_id: int,
                     amount: Decimal | None = Query(None, description="测算的金额（元）；默认为决定金额或拟罚款金额")  # noqa: B008
                     ) -> dict[str, Any]:
    actor = actor_of(request)
    detail = penalty_case_for(actor, case_id)
    found = similar.similar_cases(similar.query_of(detail), actor=actor)
    value = similar._money(amount) if amount is not None else similar.amount_under_review(detail)
    dist = similar.distribution(detail, value, found)
    answers = {a.key: a for a in detail.discretion_answers.all()}
    return {"case_id": detail.pk, "amount": _amount(value), "percentile": dist.percentile, "comparable": dist.comparable,
            "quantiles": {f"P{p}": f"{v:.2f}" for p, v in dist.quantiles.items()},
            "discretion_min": _amount(dist.discretion[0]) if dist.discretion else None,
            "discretion_max": _amount(dist.discretion[1]) if dist.discretion else None,
            "warnings": [{"key": k, "text": t, "answered": k in answers,
                          "reason": answers[k].reason if k in answers else None} for k, t in dist.warnings],
            "cases": [_case_out(s) for s in found]}


def case_risks(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    actor = actor_of(request)
    detail = penalty_case_for(actor, case_id)
    found = similar.similar_cases(similar.query_of(detail), actor=actor)
    return [{"rule_id": r.rule_id, "text": r.text, "level": r.level, "cases": list(r.cases)}
            for r in litigation_risks(detail, found)]


def answer_warnings(request: HttpRequest, case_id: int, payload: DiscretionAnswerIn) -> Status[list[DiscretionAnswer]]:
    actor = actor_of(request)
    actor.require("enforcement.cases.handle")  # before the lookup: no permission → 403, in or out of scope
    detail = penalty_case_for(actor, case_id)
    return Status(201, services.answer_discretion_warning(actor=actor, detail=detail, amount=payload.amount,
                                                          reason=payload.reason))


def attach(cases_router: Router) -> None:
    """Add the case-level operations to the 行政处罚 cases router (before the API is built)."""
    cases_router.get("/{case_id}/similar", response=SimilarAnalysisOut,
                     summary="类案检索：相似案件、罚款分布、裁量基准与裁量预警")(similar_analysis)
    cases_router.get("/{case_id}/risks", response=list[LitigationRiskOut],
                     summary="败诉风险提示（每项注明规则）")(case_risks)
    cases_router.post("/{case_id}/discretion-answers", response={201: list[DiscretionAnswerOut]},
                      summary="说明裁量预警理由（未说明的预警阻止作出决定）")(answer_warnings)


@decisions_router.get("", response=list[ImportedDecisionOut], summary="导入的处罚决定（类案库）")
@paginate(PagePagination)
def list_decisions(request: HttpRequest, q: str = ""):  # type: ignore[no-untyped-def]
    actor = actor_of(request)
    actor.require("enforcement.cases.view")
    qs = ImportedDecision.objects.visible_to(actor).order_by("-decided_on", "-id")
    if q.strip():
        qs = qs.filter(source_org__icontains=q.strip()) | qs.filter(number__icontains=q.strip())
    return qs


@decisions_router.post("/import", response={201: DecisionImportOut},
                       summary="导入处罚决定（multipart/form-data：file，.xlsx 或 .jsonl；全部成功或全部不导入）")
def import_decisions(request: HttpRequest,
                     file: UploadedFile | None = File(None, description=".xlsx（模板列）或 .jsonl")  # noqa: B008
                     ) -> Status[dict[str, int]]:
    actor = actor_of(request)
    actor.require("enforcement.manage")
    if file is None:
        raise ValidationFailed("请上传文件", field="file")
    if (file.size or 0) > services.MAX_BYTES:
        raise ValidationFailed("文件不能超过 10 MB", field="file")
    made = services.import_decisions(actor=actor, content=file.read(), filename=file.name or "")
    return Status(201, {"imported": len(made)})
