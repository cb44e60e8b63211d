"""API of 复议/诉讼 outcomes: ``POST /enforcement/cases/{case_id}/outcomes``, ``GET …/outcomes`` (on the
cases router, attached by ``similar_setup``) and ``GET /enforcement/outcomes/loss-rates``."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from sifa.core.api import actor_of
from sifa.modules.enforcement import outcome_services as services
from sifa.modules.enforcement.outcome_models import RemedyOutcome
from sifa.modules.enforcement.penalty_selectors import penalty_case_for

outcomes_router = Router(tags=["类案检索"])


class RemedyOutcomeIn(Schema):
    kind: str = Field(..., description="reconsideration（行政复议）/ litigation_first（一审）/ litigation_second（二审）")
    authority: str = Field(..., description="复议机关或人民法院")
    result: str = Field(..., description="upheld 维持 / dismissed 驳回 / revoked 撤销 / varied 变更 / "
                                         "confirmed_unlawful 确认违法 / confirmed_void 确认无效 / withdrawn 撤回")
    decided_on: datetime.date
    filed_on: datetime.date | None = None
    note: str = ""


class RemedyOutcomeOut(Schema):
    id: int
    case_id: int | None
    kind: str
    authority: str
    filed_on: datetime.date | None
    decided_on: datetime.date
    result: str
    lost: bool
    note: str
    review_alert_id: int | None
    withdrawal_due: datetime.date | None = Field(None, description="AP-29 撤回公开信息的期限（已公开的决定被改变时）")

    @staticmethod
    def resolve_withdrawal_due(obj: RemedyOutcome) -> datetime.date | None:
        from sifa.core.cases.models import CaseDeadline

        if obj.case_id is None or not obj.lost:
            return None
        return (CaseDeadline.objects.filter(case_id=obj.case_id, key=services.WITHDRAWAL_KEY)
                .values_list("due_date", flat=True).first())


class LossRateOut(Schema):
    body_id: int
    body_name: str
    power_item_id: int | None
    power_item_name: str
    outcomes: int
    losses: int
    rate: float


def record(request: HttpRequest, case_id: int, payload: RemedyOutcomeIn) -> Status[RemedyOutcome]:
    actor = actor_of(request)
    actor.require("enforcement.cases.handle")  # before the lookup: no permission → 403, in or out of scope
    detail = penalty_case_for(actor, case_id)
    return Status(201, services.record_outcome(actor=actor, detail=detail, **payload.dict()))


def list_for_case(request: HttpRequest, case_id: int) -> list[RemedyOutcome]:
    detail = penalty_case_for(actor_of(request), case_id)
    return services.outcomes_of(detail)


def attach(cases_router: Router) -> None:
    cases_router.post("/{case_id}/outcomes", response={201: RemedyOutcomeOut},
                      summary="登记复议、诉讼结果（败诉发出复盘预警；已公开的决定启动 AP-29 撤回期限）")(record)
    cases_router.get("/{case_id}/outcomes", response=list[RemedyOutcomeOut], summary="复议、诉讼结果")(list_for_case)


@outcomes_router.get("/loss-rates", response=list[LossRateOut], summary="复议诉讼败诉率（按执法主体、执法事项）")
def loss_rates(request: HttpRequest,
               since: datetime.date | None = Query(None, description="结果日期起")) -> list[Any]:  # noqa: B008
    return services.loss_rates(actor_of(request), since=since)
