"""API of 行政争议: ``GET /enforcement/nonlitigation`` (非诉执行监督, AP-37), and on the cases router
``POST /enforcement/cases/{case_id}/court-acceptance`` and ``POST …/publication-withdrawal`` (AP-29).
Same selectors and services as the pages; out of scope → 404."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.modules.enforcement import dispute
from sifa.modules.enforcement import dispute_services as services
from sifa.modules.enforcement.penalty_selectors import penalty_case_for, penalty_cases_visible_to

nonlitigation_router = Router(tags=["行政处罚案件"])


class DisputeNonLitigationOut(Schema):
    id: int
    number: str
    party_name: str
    body_name: str
    state: str
    state_label: str
    decision_number: str
    served_on: datetime.date | None = Field(None, description="决定书送达日期")
    demand_served_on: datetime.date | None = Field(None, description="催告书送达日期")
    earliest_application: datetime.date | None = Field(None, description="最早申请日期（AP-37，催告书送达十日（工作日）后，C-31）")
    window_opens: datetime.date | None = Field(None, description="复议、诉讼期限届满后可申请之日（C-32）")
    window_closes: datetime.date | None = Field(None, description="申请期限（三个月）届满日（AP-37.window，C-32）")
    applied_on: datetime.date | None = None
    accept_due: datetime.date | None = Field(None, description="法院受理期限（AP-37.accept 五日）")
    accepted_on: datetime.date | None = None
    rule_due: datetime.date | None = Field(None, description="法院裁定期限（AP-37.rule 受理后七日）")
    ruled_on: datetime.date | None = None
    flags: list[str] = Field(..., description="too_early / window_closing / window_lapsed / accept_overdue / rule_overdue")


class DisputeCourtAcceptanceIn(Schema):
    accepted_on: datetime.date


class DisputeCourtAcceptanceOut(Schema):
    case_id: int
    accepted_on: datetime.date
    rule_due: datetime.date | None


class DisputeWithdrawalIn(Schema):
    withdrawn_on: datetime.date
    explanation: str = Field(..., description="公开说明（撤回原因）")


class DisputeWithdrawalOut(Schema):
    case_id: int
    withdrawn_on: datetime.date
    due_date: datetime.date
    late_days: int


class _RowList(list[dict[str, Any]]):
    """Computed rows with ``count()`` for the project's PagePagination."""

    def count(self, *args: Any) -> int:
        return len(self)


def _out(row: dispute.NonLitigationRow) -> dict[str, Any]:
    d = row.detail
    return {"id": d.pk, "number": row.number, "party_name": d.party_name, "body_name": d.body.name,
            "state": d.case.state, "state_label": row.state_label, "decision_number": d.decision_number,
            "served_on": row.served_on, "demand_served_on": row.demand_served_on,
            "earliest_application": row.earliest_application, "window_opens": row.window_opens,
            "window_closes": row.window_closes, "applied_on": row.applied_on, "accept_due": row.accept_due,
            "accepted_on": row.accepted_on, "rule_due": row.rule_due, "ruled_on": row.ruled_on, "flags": row.flags}


@nonlitigation_router.get("", response=list[DisputeNonLitigationOut],
                          summary="非诉执行监督：逾期、已催告、已申请、已裁定的案件及 AP-37 日期与提示")
@paginate(PagePagination)
def nonlitigation(request: HttpRequest, state: str = Query("", description="overdue / demand_served / "  # noqa: B008
                                                                           "court_application / court_ruled"),
                  flag: str = Query("", description="只看带此提示的案件")) -> list[dict[str, Any]]:  # noqa: B008
    qs = dispute.nonlitigation_cases(penalty_cases_visible_to(actor_of(request)), state).select_related("case", "body")
    rows = dispute.rows_for(qs, timezone.localdate())
    return _RowList(_out(r) for r in rows if not flag or flag in r.flags)


def court_acceptance(request: HttpRequest, case_id: int, payload: DisputeCourtAcceptanceIn) -> dict[str, Any]:
    actor = actor_of(request)
    actor.require("enforcement.cases.handle")
    detail = penalty_case_for(actor, case_id)
    found = services.record_court_acceptance(actor=actor, detail=detail, accepted_on=payload.accepted_on)
    deadline = dispute.deadline_of(found, dispute.COURT_RULE_KEY)
    return {"case_id": found.pk, "accepted_on": payload.accepted_on, "rule_due": deadline.due_date if deadline else None}


def publication_withdrawal(request: HttpRequest, case_id: int, payload: DisputeWithdrawalIn) -> dict[str, Any]:
    actor = actor_of(request)
    actor.require("enforcement.cases.handle")
    detail = penalty_case_for(actor, case_id)
    stopped = services.record_publication_withdrawal(actor=actor, detail=detail, withdrawn_on=payload.withdrawn_on,
                                                     explanation=payload.explanation)
    return {"case_id": detail.pk, "withdrawn_on": payload.withdrawn_on, "due_date": stopped.due_date,
            "late_days": max((payload.withdrawn_on - stopped.due_date).days, 0)}


def attach(cases_router: Router) -> None:
    cases_router.post("/{case_id}/court-acceptance", response=DisputeCourtAcceptanceOut,
                      summary="登记法院受理强制执行申请（启动 AP-37.rule 七日裁定期限）")(court_acceptance)
    cases_router.post("/{case_id}/publication-withdrawal", response=DisputeWithdrawalOut,
                      summary="登记撤回已公开的处罚决定信息（AP-29，停止三日撤回期限；逾期亦登记）")(publication_withdrawal)
